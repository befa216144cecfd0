"""What only the Mongo store has: its document shapes and its answer to races without transactions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import mongomock
import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from onlyjobless.domain.chats import NewChat, NewMessage
from onlyjobless.storage.chats.mongo import MongoChatStore

OWNER = str(uuid.uuid4())


@pytest.fixture
def mongo() -> MongoChatStore:
    return MongoChatStore.from_url("mongodb://mongomock.test", "chats", client_class=mongomock.MongoClient)


def chat() -> NewChat:
    return NewChat(
        user_id=OWNER,
        title="Go developer",
        vacancy="go-developer",
        language="en",
        bank_version=1,
        questions=[],
        round=[],
        current=None,
    )


async def test_documents_have_the_designed_shape(mongo: MongoChatStore) -> None:
    created = await mongo.create_chat(chat())
    await mongo.add_message(
        OWNER, created.id, NewMessage(role="interviewer", kind="greeting", content="Hi", dedupe_key="g")
    )
    database = mongo._database
    stored = database["chats"].find_one({"_id": ObjectId(created.id)})
    assert stored is not None
    assert isinstance(stored["created_at"], datetime) and isinstance(stored["updated_at"], datetime)
    assert stored["message_seq"] == 1 and stored["revision"] == 0
    assert set(stored) >= {"user_id", "title", "vacancy", "language", "bank_version", "status", "questions"}
    message = database["messages"].find_one({"chat_id": ObjectId(created.id)})
    assert message is not None
    assert isinstance(message["_id"], ObjectId) and message["user_id"] == OWNER
    assert (message["seq"], message["kind"], message["dedupe_key"]) == (1, "greeting", "g")


async def test_a_lost_dedupe_race_returns_the_winner(
    mongo: MongoChatStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without transactions the unique (chat_id, dedupe_key) index decides; the loser's seq is skipped."""
    created = await mongo.create_chat(chat())
    winner = await mongo.add_message(
        OWNER, created.id, NewMessage(role="interviewer", kind="question", content="Q", dedupe_key="q")
    )
    original = mongo._deduplicated
    calls: list[Any] = []

    def late(*args: Any) -> Any:
        calls.append(args)
        return None if len(calls) == 1 else original(*args)  # the first look misses the winner

    monkeypatch.setattr(mongo, "_deduplicated", late)
    loser = await mongo.add_message(
        OWNER, created.id, NewMessage(role="interviewer", kind="question", content="Q2", dedupe_key="q")
    )
    assert loser == winner and len(calls) == 2
    monkeypatch.undo()
    following = await mongo.add_message(
        OWNER, created.id, NewMessage(role="candidate", kind="answer", content="A")
    )
    assert following.seq == 3
    assert [m.seq for m in await mongo.list_messages(OWNER, created.id)] == [1, 3]


async def test_a_number_clash_is_not_hidden(mongo: MongoChatStore) -> None:
    created = await mongo.create_chat(chat())
    mongo._database["messages"].insert_one({"chat_id": ObjectId(created.id), "seq": 1, "user_id": OWNER})
    with pytest.raises(DuplicateKeyError):
        await mongo.add_message(OWNER, created.id, NewMessage(role="candidate", kind="answer", content="A"))


async def test_a_dedupe_key_that_is_not_a_string_never_reaches_a_filter(mongo: MongoChatStore) -> None:
    created = await mongo.create_chat(chat())
    forged = NewMessage.model_construct(
        role="candidate", kind="answer", content="x", dedupe_key={"$ne": None}
    )
    with pytest.raises(ValueError, match="dedupe_key"):
        await mongo.add_message(OWNER, created.id, forged)
    assert await mongo.list_messages(OWNER, created.id) == []
