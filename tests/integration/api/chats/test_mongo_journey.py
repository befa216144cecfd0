"""One interview through the REST API with MONGODB_URL set: chats over the real wire protocol.

Accounts, quota and the bank stay in the SQL database (both of them, through `engine`); every
chat and message goes to MongoDB, and clearing the history removes them there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from pymongo import MongoClient
from sqlalchemy import text

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.support.api_client import long_answer, sign_in
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import evaluation_replies
from tests.support.mongo_server import connect


@pytest.fixture
def settings(settings: Settings, mongo_url: str, mongo_database: str) -> Settings:
    return settings.model_copy(update={"mongodb_url": SecretStr(mongo_url), "mongodb_db": mongo_database})


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    yield services
    store = services.interviews.store
    assert isinstance(store, MongoChatStore)
    store._database.client.close()


@pytest.fixture
def mongo(mongo_url: str, mongo_database: str) -> Iterator[MongoClient[dict[str, Any]]]:
    """A client of our own, to read the raw documents."""
    with connect(mongo_url) as client:
        yield client


async def test_register_start_answer_hint_finish_retry_list_clear(
    api: httpx.AsyncClient,
    services: Services,
    fake_ollama: FakeOllama,
    mongo: MongoClient[dict[str, Any]],
    mongo_database: str,
) -> None:
    alice = await sign_in(api, "alice")
    user_id = (await alice.get("/api/me")).json()["id"]
    stored = mongo[mongo_database]

    started = await alice.start("devops")
    assert started.status_code == 201, started.text
    chat_id = started.json()["id"]
    assert [m["kind"] for m in started.json()["messages"]] == ["greeting", "question"]

    fake_ollama.script(Reply(text="Think about what breaks first."))
    status, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert status == 200 and events[-1][0] == "done"
    assert events[-1][1]["message"]["content"] == "Think about what breaks first."

    answered = await alice.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("rollouts")})
    assert answered.status_code == 200, answered.text

    fake_ollama.script(*evaluation_replies([4]))
    status, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert status == 200 and events[-1][0] == "done"
    first = events[-1][1]["questions"][0]
    assert (first["score"], first["mistakes"]) == (4, True)

    retried = await alice.post(f"/api/chats/{chat_id}/retry", json={"mode": "mistakes"})
    assert retried.status_code == 200, retried.text
    assert retried.json()["attempt"] == 2 and retried.json()["status"] == "active"

    listed = (await alice.get("/api/chats")).json()
    assert [item["id"] for item in listed["items"]] == [chat_id] and listed["next_cursor"] is None

    # The chat and its messages are documents in MongoDB; the SQL chat tables stay empty.
    document = stored["chats"].find_one({"user_id": user_id})
    assert document is not None and str(document["_id"]) == chat_id
    assert (document["status"], document["attempt"], document["revision"] > 0) == ("active", 2, True)
    kinds = [m["kind"] for m in stored["messages"].find({"user_id": user_id}).sort("seq", 1)]
    # Asked, hinted, answered, next question; evaluated; the retry's notice and its first question.
    assert kinds == ["greeting", "question", "hint", "answer", "question", "evaluation", "notice", "question"]
    with services.engine.connect() as connection:
        for table in ("chats", "chat_messages"):
            assert connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() == 0

    assert (await alice.delete("/api/chats")).status_code == 204
    assert (await alice.get("/api/chats")).json() == {"items": [], "next_cursor": None}
    assert (await alice.get(f"/api/chats/{chat_id}")).status_code == 404
    assert stored["chats"].count_documents({"user_id": user_id}) == 0
    assert stored["messages"].count_documents({"user_id": user_id}) == 0
    # Only the history went: the account and its quota are still there.
    assert (await alice.get("/api/me")).json()["id"] == user_id
    assert (await alice.get("/api/quota")).json()["used"] == 2  # the start and the retry
