"""The `store` fixture: every ChatStore implementation, each on a real or stand-in backend."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import mongomock
import pytest
from sqlalchemy.engine import Engine

from onlyjobless.storage.chats.base import ChatStore
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.storage.chats.sql import SqlChatStore
from tests.support import databases

REAL_MONGO_URL = os.environ.get("ONLYJOBLESS_TEST_MONGODB_URL")
# A real MongoDB joins the suite only when one is given: no skipped placeholder otherwise.
STORES = ["sql-sqlite", "sql-postgresql", "mongo-mongomock"] + (["mongo-real"] if REAL_MONGO_URL else [])


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> Iterator[ChatStore]:
    """One store per test, empty: SQL tables wiped, a fresh Mongo database."""
    kind: str = request.param
    if kind.startswith("sql-"):
        engine: Engine = request.getfixturevalue(f"_{kind.removeprefix('sql-')}_engine")
        databases.wipe(engine)
        yield SqlChatStore(engine)
    elif kind == "mongo-mongomock":
        yield MongoChatStore.from_url("mongodb://mongomock.test", "chats", client_class=mongomock.MongoClient)
    else:
        assert REAL_MONGO_URL is not None
        name = f"onlyjobless_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        real = MongoChatStore.from_url(REAL_MONGO_URL, name)
        yield real
        client = real._database.client
        client.drop_database(name)
        client.close()
