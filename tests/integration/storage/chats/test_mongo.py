"""What only the Mongo store has: its document shapes, its answer to races without transactions,
and how it behaves when the server goes away and comes back. All over the real wire protocol."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from bson import ObjectId
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, InvalidOperation

from onlyjobless.domain.chats import NewChat, NewMessage
from onlyjobless.domain.errors import ChatStoreDown, NotFound
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.support.mongo_server import MongoServer, fail_commands

OWNER = str(uuid.uuid4())


@pytest.fixture
def mongo(mongo_url: str, mongo_database: str) -> Iterator[MongoChatStore]:
    store = MongoChatStore.from_url(mongo_url, mongo_database)
    yield store
    store._database.client.close()


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


async def test_the_store_does_not_serialise_writes_on_a_real_server(mongo: MongoChatStore) -> None:
    """With pymongo's client the server's atomic updates and unique indexes keep order, not a lock:
    an append held mid-way does not hold up another chat's append."""
    first, second = await mongo.create_chat(chat()), await mongo.create_chat(chat())
    with held_inserts(mongo) as held:
        pending = asyncio.create_task(
            mongo.add_message(OWNER, first.id, NewMessage(role="candidate", kind="answer", content="A"))
        )
        assert await asyncio.to_thread(held.reached.wait, 10)
        held.hold = False  # let later inserts through while the first one waits
        other = await mongo.add_message(
            OWNER, second.id, NewMessage(role="candidate", kind="answer", content="B")
        )
        assert not pending.done()
        held.release.set()
        appended = await pending
    assert (appended.seq, other.seq) == (1, 1)


async def test_clearing_history_during_an_append_leaves_no_message_behind(mongo: MongoChatStore) -> None:
    """The append has taken its number when the history is cleared, and inserts after the sweep."""
    created = await mongo.create_chat(chat())
    with held_inserts(mongo) as held:
        pending = asyncio.create_task(
            mongo.add_message(OWNER, created.id, NewMessage(role="candidate", kind="answer", content="A"))
        )
        assert await asyncio.to_thread(held.reached.wait, 10)
        assert await mongo.delete_all(OWNER) == 1
        held.release.set()
        with pytest.raises(NotFound):
            await pending
    assert mongo._database["messages"].count_documents({"user_id": OWNER}) == 0
    assert mongo._database["chats"].count_documents({"user_id": OWNER}) == 0


async def test_a_stopped_server_is_chat_store_down_and_its_return_is_picked_up(
    own_mongo_server: MongoServer,
) -> None:
    store = MongoChatStore.from_url(own_mongo_server.url, "chats", timeout_ms=1000)
    created = await store.create_chat(chat())
    await store.add_message(OWNER, created.id, NewMessage(role="interviewer", kind="greeting", content="Hi"))

    own_mongo_server.stop()
    with pytest.raises(ChatStoreDown):
        await store.get_chat(OWNER, created.id)
    with pytest.raises(ChatStoreDown):
        await store.add_message(OWNER, created.id, NewMessage(role="candidate", kind="answer", content="A"))
    own_mongo_server.start()  # the same port, the same data, the same client
    assert (await store.get_chat(OWNER, created.id)).title == "Go developer"
    assert [m.content for m in await store.list_messages(OWNER, created.id)] == ["Hi"]

    own_mongo_server.kill()  # a crash, not a shutdown: acknowledged writes survive it
    own_mongo_server.start()
    await store.add_message(OWNER, created.id, NewMessage(role="candidate", kind="answer", content="A"))
    assert [m.seq for m in await store.list_messages(OWNER, created.id)] == [1, 2]
    store._database.client.close()


async def test_a_dropped_connection_is_retried_once_then_chat_store_down(
    own_mongo_server: MongoServer,
) -> None:
    store = MongoChatStore.from_url(own_mongo_server.url, "chats", timeout_ms=1000)
    created = await store.create_chat(chat())
    fail_commands(own_mongo_server.url, ["find"], times=1, close_connection=True)
    assert (await store.get_chat(OWNER, created.id)).id == created.id  # pymongo retries a read once
    fail_commands(own_mongo_server.url, ["find"], times=2, close_connection=True)
    with pytest.raises(ChatStoreDown):
        await store.get_chat(OWNER, created.id)
    assert (await store.get_chat(OWNER, created.id)).id == created.id
    store._database.client.close()


class HeldInserts:
    """Stands in for the messages collection; holds each insert until released while `hold` is set."""

    def __init__(self, collection: Collection[Any]) -> None:
        self.collection = collection
        self.reached = threading.Event()
        self.release = threading.Event()
        self.hold = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.collection, name)

    def insert_one(self, document: Any, *args: Any, **kwargs: Any) -> Any:
        if self.hold:
            self.reached.set()
            assert self.release.wait(10)
        return self.collection.insert_one(document, *args, **kwargs)


@contextlib.contextmanager
def held_inserts(store: MongoChatStore) -> Iterator[HeldInserts]:
    held = HeldInserts(store._messages)
    store._messages = held  # type: ignore[assignment]
    try:
        yield held
    finally:
        held.release.set()
        store._messages = held.collection


INDEXES = {"user_created", "chat_seq", "chat_dedupe", "user"}


def index_names(server: MongoServer, database: str) -> set[str]:
    with server.client() as client:
        found = set(client[database]["chats"].index_information())
        found |= set(client[database]["messages"].index_information())
    return found - {"_id_"}


async def test_indexes_are_made_at_start_and_again_when_the_database_was_replaced(
    own_mongo_server: MongoServer,
) -> None:
    store = MongoChatStore.from_url(own_mongo_server.url, "chats", timeout_ms=1000)
    await store.prepare()
    await store.prepare()  # idempotent: a second start, or two workers, change nothing
    assert index_names(own_mongo_server, "chats") == INDEXES

    # The database is replaced under the running app, without any request in between.
    own_mongo_server.stop()
    own_mongo_server.wipe()
    own_mongo_server.start()
    assert index_names(own_mongo_server, "chats") == set()
    with contextlib.suppress(ChatStoreDown):  # the first call may meet a connection of the old server
        await store.create_chat(chat())
    created = await store.create_chat(chat())
    assert index_names(own_mongo_server, "chats") == INDEXES
    # ... and they hold: a second message with a used seq is refused by the unique index again.
    first = await store.add_message(
        OWNER, created.id, NewMessage(role="interviewer", kind="greeting", content="Hi")
    )
    with pytest.raises(DuplicateKeyError):
        store._messages.insert_one({**mongo_document(first), "_id": ObjectId()})
    store._database.client.close()


async def test_a_store_down_at_start_is_set_up_on_first_use(own_mongo_server: MongoServer) -> None:
    store = MongoChatStore.from_url(own_mongo_server.url, "chats", timeout_ms=500)
    own_mongo_server.stop()
    with pytest.raises(ChatStoreDown):
        await store.prepare()
    own_mongo_server.start()
    await store.list_chats(OWNER)
    assert index_names(own_mongo_server, "chats") == INDEXES
    store._database.client.close()


async def test_a_client_left_with_no_server_is_replaced(mongo_url: str, mongo_database: str) -> None:
    # pymongo drops a seed that answers unlike the set it expects, and then never looks again:
    # the first client here expects another replica set name, so its topology ends up empty.
    built: list[MongoClient[dict[str, Any]]] = []

    def client_class(url: str, **options: Any) -> MongoClient[dict[str, Any]]:
        if not built:
            options["replicaSet"] = "elsewhere"
        client: MongoClient[dict[str, Any]] = MongoClient(url, **options)
        built.append(client)
        return client

    store = MongoChatStore.from_url(mongo_url, mongo_database, client_class=client_class, timeout_ms=500)
    with pytest.raises(ChatStoreDown):
        await store.list_chats(OWNER)
    assert not built[0].topology_description.server_descriptions()
    created = await store.create_chat(chat())  # on a new client, indexes made on first use
    assert (await store.get_chat(OWNER, created.id)).id == created.id
    assert len(built) == 2 and store._database.client is built[1]
    await asyncio.sleep(2.2)  # the old client is closed once no call can still wait on it
    with pytest.raises(InvalidOperation):
        built[0].admin.command("ping")
    await store.list_chats(OWNER)  # still one working client
    assert len(built) == 2
    built[1].close()


def mongo_document(message: Any) -> dict[str, Any]:
    """A message as the store keeps it (chat id as ObjectId, same seq)."""
    return {"chat_id": ObjectId(message.chat_id), "seq": message.seq, "user_id": OWNER}
