"""The `store` fixture: every ChatStore implementation, each on a real or stand-in backend."""

from __future__ import annotations

from collections.abc import Iterator

import mongomock
import pytest
from sqlalchemy.engine import Engine

from onlyjobless.storage.chats.base import ChatStore
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.storage.chats.sql import SqlChatStore
from tests.support import databases

# mongo-wire: pymongo over the real wire protocol (the wire-compatible test server, or the MongoDB
# that ONLYJOBLESS_TEST_MONGODB_URL names). mongo-mongomock: the in-process stand-in, kept for the
# one path only it takes: a client that is not pymongo's makes the store serialise its own writes.
STORES = ["sql-sqlite", "sql-postgresql", "mongo-wire", "mongo-mongomock"]


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
        url, database = request.getfixturevalue("mongo_url"), request.getfixturevalue("mongo_database")
        wire = MongoChatStore.from_url(url, database)
        yield wire
        wire._database.client.close()
