"""The MongoDB chat store: collections `chats` and `messages` as DESIGN §3 describes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import AutoReconnect, ConnectionFailure, DuplicateKeyError, ServerSelectionTimeoutError

from onlyjobless.domain.chats import (
    Chat,
    ChatPage,
    Message,
    MessagePage,
    NewChat,
    NewMessage,
)
from onlyjobless.domain.errors import NotFound
from onlyjobless.storage.chats import common
from onlyjobless.storage.chats import mongo_documents as docs
from onlyjobless.storage.chats.base import RevisionConflict
from onlyjobless.storage.chats.crypto import CHAT_SEALED, MESSAGE_SEALED, ChatCipher
from onlyjobless.storage.chats.mongo_connection import Connector, stranded
from onlyjobless.storage.chats.mongo_documents import Document

TIMEOUT_MS = 3000
# Errors that mean "no server to talk to", as opposed to a refused operation.
UNREACHABLE = (ServerSelectionTimeoutError, ConnectionFailure, AutoReconnect)


class MongoChatStore(common.ThreadedChatStore):
    """ChatStore on synchronous pymongo, each call run in a worker thread.

    Indexes are created at start (`prepare`) or on first use, never at import or construction,
    so building the store never needs the server. They are ensured again after the server was
    out of reach (it may come back as a new, empty database): creating them is idempotent.
    A client left with no server to try is replaced (mongo_connection says why).
    """

    id_pattern = docs.ID
    unreachable = UNREACHABLE

    def __init__(
        self,
        database: Database[Document],
        cipher: ChatCipher | None = None,
        connector: Connector | None = None,
    ) -> None:
        self.cipher = cipher or ChatCipher()
        self._connector = connector
        self._use(database)
        self._indexed = False
        self._index_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        # A real server applies each find_one_and_update atomically. mongomock (the test
        # stand-in) does not across threads, so on anything but a real client this store
        # serialises its own writes; with pymongo this is a no-op.
        self._writes: AbstractContextManager[Any] = (
            nullcontext() if isinstance(database.client, MongoClient) else threading.Lock()
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        database: str,
        *,
        client_class: Callable[..., Any] | None = None,
        timeout_ms: int = TIMEOUT_MS,
        cipher: ChatCipher | None = None,
    ) -> MongoChatStore:
        """A store on `database` at `url`; the client connects lazily, in the background."""
        connector = Connector(client_class or MongoClient, url, database, timeout_ms)
        store = cls(connector.database(), cipher, connector)
        connector.reconnects.back = store.forget_indexes
        return store

    def _use(self, database: Database[Document]) -> None:
        self._database = database
        self._chats: Collection[Document] = database["chats"]
        self._messages: Collection[Document] = database["messages"]

    def ensure_indexes(self) -> None:
        """Create the indexes the queries and the uniqueness rules rely on (idempotent)."""
        self._chats.create_index(
            [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
            name="user_created",
        )
        self._messages.create_index(
            [("chat_id", ASCENDING), ("seq", ASCENDING)], unique=True, name="chat_seq"
        )
        self._messages.create_index(
            [("chat_id", ASCENDING), ("dedupe_key", ASCENDING)],
            unique=True,
            partialFilterExpression={"dedupe_key": {"$type": "string"}},
            name="chat_dedupe",
        )
        self._messages.create_index([("user_id", ASCENDING)], name="user")

    def forget_indexes(self) -> None:
        """The server was out of reach: ensure the indexes again before the next operation."""
        self._indexed = False

    def _lost(self) -> None:
        self.forget_indexes()
        client = self._database.client
        if self._connector is not None and stranded(client):
            with self._swap_lock:
                if self._database.client is client:  # not replaced meanwhile by another call
                    self._use(self._connector.database())
                    self._connector.retire(client)

    def _prepare(self) -> None:
        self._ready()

    def _ready(self) -> None:
        """Ensure the indexes once per connection; a failure (server down) is retried next call."""
        if self._indexed:
            return
        with self._index_lock:
            if not self._indexed:
                self.ensure_indexes()
                self._indexed = True

    def _key(self, chat_id: object) -> ObjectId:
        return docs.object_id(chat_id)

    # -- blocking work, run off the event loop -------------------------------------------

    def _create_chat(self, chat: NewChat) -> Chat:
        self._ready()
        moment = common.now()
        stored = Chat(id=str(ObjectId()), created_at=moment, updated_at=moment, **chat.model_dump())
        plain = stored.model_dump(mode="json", exclude={"id", "created_at", "updated_at"})
        document = self.cipher.seal_fields("chat", stored.id, plain, CHAT_SEALED)
        document.update(
            _id=ObjectId(stored.id),
            created_at=moment,
            updated_at=moment,
            message_seq=0,
            key_id=self.cipher.key_id,
        )
        with self._writes:
            self._chats.insert_one(document)
        return stored

    def _get_chat(self, user_id: str, chat_id: ObjectId) -> Chat:
        self._ready()
        document = self._chats.find_one({"_id": chat_id, "user_id": user_id})
        if document is None:
            raise NotFound("not_found")
        return docs.chat(self.cipher, document)

    def _list_chats(self, user_id: str, limit: int, after: tuple[datetime, str] | None) -> ChatPage:
        self._ready()
        query: Document = {"user_id": user_id}
        if after is not None:
            created_at, last_id = after
            query["$or"] = [
                {"created_at": {"$lt": created_at}},
                {"created_at": created_at, "_id": {"$lt": ObjectId(last_id)}},
            ]
        documents = list(
            self._chats.find(query, docs.SUMMARY_PROJECTION)
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit + 1)
        )
        items = [docs.summary(document) for document in documents[:limit]]
        more = len(documents) > limit
        next_cursor = common.encode_cursor(items[-1].created_at, items[-1].id) if more else None
        return ChatPage(items=items, next_cursor=next_cursor)

    def _update_chat(self, user_id: str, chat_id: ObjectId, revision: int, values: Document) -> Chat:
        self._ready()
        with self._writes:
            document = self._chats.find_one_and_update(
                {"_id": chat_id, "user_id": user_id, "revision": revision},
                {"$set": {**values, "updated_at": common.now()}, "$inc": {"revision": 1}},
                return_document=ReturnDocument.AFTER,
            )
        if document is not None:
            return docs.chat(self.cipher, document)
        if self._chats.count_documents({"_id": chat_id, "user_id": user_id}, limit=1) == 0:
            raise NotFound("not_found")
        raise RevisionConflict(str(chat_id))

    def _add_message(self, user_id: str, chat_id: ObjectId, message: NewMessage) -> Message:
        self._ready()
        key = message.dedupe_key
        if key is not None and not isinstance(key, str):
            raise ValueError("dedupe_key must be a string")
        with self._writes:
            existing = self._deduplicated(user_id, chat_id, key)
            if existing is not None:
                return existing
            chat = self._chats.find_one_and_update(
                {"_id": chat_id, "user_id": user_id},
                {"$inc": {"message_seq": 1}},
                projection={"message_seq": 1},
                return_document=ReturnDocument.AFTER,
            )
            if chat is None:
                raise NotFound("not_found")
            message_id = ObjectId()
            plain = message.model_dump(mode="json")
            document = self.cipher.seal_fields("message", str(message_id), plain, MESSAGE_SEALED)
            document.update(
                _id=message_id,
                key_id=self.cipher.key_id,
                chat_id=chat_id,
                user_id=user_id,
                seq=chat["message_seq"],
                created_at=common.now(),
            )
            try:
                self._messages.insert_one(document)
            except DuplicateKeyError:
                # Another append with the same key won the race (the number it took is
                # skipped, which only leaves a gap): return that message.
                existing = self._deduplicated(user_id, chat_id, key)
                if existing is None:
                    raise
                return existing
        if self._chats.count_documents({"_id": chat_id, "user_id": user_id}, limit=1) == 0:
            # The history was cleared while this message was on its way (nothing serialises
            # the two on a real server): take the message back so none outlives its chat.
            self._messages.delete_one({"_id": document["_id"]})
            raise NotFound("not_found")
        return docs.message(self.cipher, document)

    def _deduplicated(self, user_id: str, chat_id: ObjectId, key: str | None) -> Message | None:
        """The message already stored under this dedupe key, if any."""
        if key is None:
            return None
        document = self._messages.find_one({"chat_id": chat_id, "user_id": user_id, "dedupe_key": key})
        return None if document is None else docs.message(self.cipher, document)

    def _delete_message(self, user_id: str, chat_id: ObjectId, message_id: ObjectId | None) -> bool:
        self._ready()
        self._owned(user_id, chat_id)
        if message_id is None:
            return False
        with self._writes:
            found = {"_id": message_id, "chat_id": chat_id, "user_id": user_id}
            return bool(self._messages.delete_one(found).deleted_count)

    def _find_message(self, user_id: str, chat_id: ObjectId, dedupe_key: str) -> Message | None:
        self._ready()
        return self._deduplicated(user_id, chat_id, dedupe_key)

    def _list_messages(self, user_id: str, chat_id: ObjectId) -> list[Message]:
        self._ready()
        self._owned(user_id, chat_id)
        cursor = self._messages.find({"chat_id": chat_id, "user_id": user_id}).sort("seq", ASCENDING)
        return [docs.message(self.cipher, document) for document in cursor]

    def _owned(self, user_id: str, chat_id: ObjectId) -> None:
        """NotFound unless the chat is the owner's."""
        if self._chats.count_documents({"_id": chat_id, "user_id": user_id}, limit=1) == 0:
            raise NotFound("not_found")

    def _page_messages(self, user_id: str, chat_id: ObjectId, limit: int, before: int | None) -> MessagePage:
        self._ready()
        self._owned(user_id, chat_id)
        query: Document = {"chat_id": chat_id, "user_id": user_id}
        if before is not None:
            query["seq"] = {"$lt": before}
        cursor = self._messages.find(query).sort("seq", DESCENDING).limit(limit + 1)
        return common.page_of([docs.message(self.cipher, document) for document in cursor], limit)

    def _latest_messages(
        self, user_id: str, chat_id: ObjectId, kinds: list[str], attempt: int | None
    ) -> list[Message]:
        self._ready()
        self._owned(user_id, chat_id)
        query: Document = {"chat_id": chat_id, "user_id": user_id, "kind": {"$in": kinds}, "complete": True}
        if attempt is not None:
            query["attempt"] = attempt
        marks = self._messages.find(query, {"seq": 1, "kind": 1, "question_index": 1})
        ids = common.latest_ids(
            (mark["_id"], mark["seq"], mark["kind"], mark.get("question_index")) for mark in marks
        )
        if not ids:
            return []
        documents = self._messages.find({"_id": {"$in": ids}}).sort("seq", ASCENDING)
        return [docs.message(self.cipher, document) for document in documents]

    def _delete_all(self, user_id: str) -> int:
        self._ready()
        with self._writes:
            self._messages.delete_many({"user_id": user_id})
            deleted = self._chats.delete_many({"user_id": user_id}).deleted_count
            # No transactions: sweep again for a message appended while the chats went (an
            # append that lands after this sweep finds its chat gone and removes its message).
            self._messages.delete_many({"user_id": user_id})
        return deleted

    def _ping(self) -> None:
        self._database.command("ping")

    def _reencrypt(self) -> int:
        self._ready()
        rewritten = self._reseal(self._chats, "chat", CHAT_SEALED)
        return rewritten + self._reseal(self._messages, "message", MESSAGE_SEALED)

    def _reseal(self, collection: Collection[Document], kind: str, names: tuple[str, ...]) -> int:
        """Seal again every stale document of `collection`."""
        projection = {"key_id": 1, "revision": 1, **dict.fromkeys(names, 1)}
        rewritten = 0
        for document in collection.find({}, projection).sort("_id", ASCENDING):
            if not self.cipher.stale(document, names):
                continue
            record_id = str(document["_id"])
            opened = self.cipher.open_fields(kind, record_id, document, names)
            sealed = self.cipher.seal_fields(kind, record_id, opened, names)
            match: Document = {"_id": document["_id"]}
            if kind == "chat":  # an update since the read wins; the next pass takes it
                match["revision"] = document["revision"]
            values = {name: sealed[name] for name in names if name in sealed}
            with self._writes:
                collection.update_one(match, {"$set": {**values, "key_id": self.cipher.key_id}})
            rewritten += 1
        return rewritten
