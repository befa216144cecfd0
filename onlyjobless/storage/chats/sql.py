"""The embedded chat store: chat documents in the SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, insert, or_, select, text, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from onlyjobless.domain.chats import (
    Chat,
    ChatPage,
    ChatSummary,
    Message,
    MessagePage,
    NewChat,
    NewMessage,
)
from onlyjobless.domain.errors import NotFound
from onlyjobless.storage.chats import common
from onlyjobless.storage.chats.base import RevisionConflict
from onlyjobless.storage.chats.crypto import CHAT_SEALED, MESSAGE_SEALED, ChatCipher
from onlyjobless.storage.chats.sql_tables import ChatMessageRow, ChatRow

ID = re.compile(r"[0-9a-f]{32}")
CHATS: Table = ChatRow.metadata.tables["chats"]
MESSAGES: Table = ChatMessageRow.metadata.tables["chat_messages"]
SUMMARY_COLUMNS = [CHATS.c[name] for name in ChatSummary.model_fields]
# Errors that mean "the database is not there", as opposed to a bug in a statement.
UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
BATCH = 200  # records read at a time by a re-encryption pass


# The statements of every request, built once (building one costs more than running it).
def _chat_of(user_column: Any, id_column: Any) -> list[Any]:
    """The chat `:chat` of the user `:owner` (not a column's name: an UPDATE keeps those for its SET)."""
    return [id_column == bindparam("chat"), user_column == bindparam("owner")]


_CHAT = select(CHATS).where(*_chat_of(CHATS.c.user_id, CHATS.c.id))
_OWNED = select(CHATS.c.id).where(*_chat_of(CHATS.c.user_id, CHATS.c.id))
_NEXT_SEQ = (
    update(CHATS)
    .where(*_chat_of(CHATS.c.user_id, CHATS.c.id))
    .values(message_seq=CHATS.c.message_seq + 1)
    .returning(CHATS.c.message_seq)
)
_DEDUPED = select(MESSAGES).where(
    MESSAGES.c.chat_id == bindparam("chat"), MESSAGES.c.dedupe_key == bindparam("key")
)
_MESSAGES = select(MESSAGES).where(*_chat_of(MESSAGES.c.user_id, MESSAGES.c.chat_id)).order_by(MESSAGES.c.seq)


def _valid_id(value: object) -> str:
    """A chat id of this store, or NotFound: a foreign or malformed id names no chat."""
    if isinstance(value, str) and ID.fullmatch(value):
        return value
    raise NotFound("not_found")


def _row(document: Chat | Message) -> dict[str, Any]:
    """Column values: JSON-ready documents, but timestamps left as datetimes for UTCDateTime."""
    values = document.model_dump(mode="json")
    values.update(document.model_dump(include={"created_at", "updated_at"}))
    return values


class SqlChatStore(common.ThreadedChatStore):
    """ChatStore on SQLAlchemy; every call is one short transaction in a worker thread."""

    id_pattern = ID
    unreachable = UNREACHABLE

    def __init__(self, engine: Engine, cipher: ChatCipher | None = None) -> None:
        self._engine = engine
        self.cipher = cipher or ChatCipher()

    def _chat(self, row: Row[Any]) -> Chat:
        """A chats row as the document the engine works with, its contents opened."""
        fields = dict(row._mapping)
        fields.pop("message_seq", None)
        fields.pop("key_id", None)
        return Chat.model_validate(self.cipher.open_fields("chat", fields["id"], fields, CHAT_SEALED))

    def _message(self, row: Row[Any]) -> Message:
        """A chat_messages row as a message (the owner and key columns stay inside the store)."""
        fields = dict(row._mapping)
        fields.pop("user_id", None)
        fields.pop("key_id", None)
        return Message.model_validate(
            self.cipher.open_fields("message", fields["id"], fields, MESSAGE_SEALED)
        )

    def _sealed(self, kind: str, document: Chat | Message, names: tuple[str, ...]) -> dict[str, Any]:
        """The row of a new record, its contents sealed and its key id set."""
        values = self.cipher.seal_fields(kind, document.id, _row(document), names)
        return {**values, "key_id": self.cipher.key_id}

    def _key(self, chat_id: object) -> str:
        return _valid_id(chat_id)

    # -- blocking work, run off the event loop -------------------------------------------

    def _create_chat(self, chat: NewChat) -> Chat:
        moment = common.now()
        stored = Chat(id=uuid.uuid4().hex, created_at=moment, updated_at=moment, **chat.model_dump())
        with self._engine.begin() as connection:
            connection.execute(
                insert(CHATS).values(**self._sealed("chat", stored, CHAT_SEALED), message_seq=0)
            )
        return stored

    def _get_chat(self, user_id: str, chat_id: str) -> Chat:
        with self._engine.connect() as connection:
            row = connection.execute(_CHAT, {"chat": chat_id, "owner": user_id}).first()
        if row is None:
            raise NotFound("not_found")
        return self._chat(row)

    def _list_chats(self, user_id: str, limit: int, after: tuple[datetime, str] | None) -> ChatPage:
        query = select(*SUMMARY_COLUMNS).where(CHATS.c.user_id == user_id)
        if after is not None:
            created_at, chat_id = after
            query = query.where(
                or_(
                    CHATS.c.created_at < created_at,
                    and_(CHATS.c.created_at == created_at, CHATS.c.id < chat_id),
                )
            )
        query = query.order_by(CHATS.c.created_at.desc(), CHATS.c.id.desc()).limit(limit + 1)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        items = [ChatSummary.model_validate(dict(row._mapping)) for row in rows[:limit]]
        more = len(rows) > limit
        next_cursor = common.encode_cursor(items[-1].created_at, items[-1].id) if more else None
        return ChatPage(items=items, next_cursor=next_cursor)

    def _update_chat(self, user_id: str, chat_id: str, revision: int, values: dict[str, Any]) -> Chat:
        owned = and_(CHATS.c.id == chat_id, CHATS.c.user_id == user_id)
        with self._engine.begin() as connection:
            row = connection.execute(
                update(CHATS)
                .where(owned, CHATS.c.revision == revision)
                .values(**values, revision=CHATS.c.revision + 1, updated_at=common.now())
                .returning(*CHATS.c)
            ).first()
            if row is not None:
                return self._chat(row)
            if connection.execute(select(CHATS.c.id).where(owned)).first() is None:
                raise NotFound("not_found")
        raise RevisionConflict(chat_id)

    def _add_message(self, user_id: str, chat_id: str, message: NewMessage) -> Message:
        with self._engine.connect() as connection:
            # Taking the next number locks the chat row first (PostgreSQL row lock, SQLite
            # write lock): concurrent appends to one chat queue here, so the dedupe check
            # below sees every message committed before, and numbers never repeat.
            seq = connection.execute(_NEXT_SEQ, {"chat": chat_id, "owner": user_id}).scalar()
            if seq is None:
                raise NotFound("not_found")
            if message.dedupe_key is not None:
                existing = connection.execute(_DEDUPED, {"chat": chat_id, "key": message.dedupe_key}).first()
                if existing is not None:
                    connection.rollback()  # gives the number back
                    return self._message(existing)
            stored = Message(
                id=uuid.uuid4().hex, chat_id=chat_id, seq=seq, created_at=common.now(), **message.model_dump()
            )
            connection.execute(
                insert(MESSAGES).values(**self._sealed("message", stored, MESSAGE_SEALED), user_id=user_id)
            )
            connection.commit()
        return Message.model_validate(stored.model_dump(mode="json"))

    def _delete_message(self, user_id: str, chat_id: str, message_id: str | None) -> bool:
        with self._engine.begin() as connection:
            self._owned(connection, user_id, chat_id)
            if message_id is None:
                return False
            result = connection.execute(
                delete(MESSAGES).where(
                    MESSAGES.c.id == message_id, MESSAGES.c.chat_id == chat_id, MESSAGES.c.user_id == user_id
                )
            )
        return bool(result.rowcount)

    def _find_message(self, user_id: str, chat_id: str, dedupe_key: str) -> Message | None:
        # Along the (chat_id, dedupe_key) unique index; the owner column keeps others' chats out.
        with self._engine.connect() as connection:
            row = connection.execute(
                select(MESSAGES).where(
                    MESSAGES.c.chat_id == chat_id,
                    MESSAGES.c.dedupe_key == dedupe_key,
                    MESSAGES.c.user_id == user_id,
                )
            ).first()
        return None if row is None else self._message(row)

    def _list_messages(self, user_id: str, chat_id: str) -> list[Message]:
        with self._engine.connect() as connection:
            self._owned(connection, user_id, chat_id)
            rows = connection.execute(_MESSAGES, {"chat": chat_id, "owner": user_id}).all()
        return [self._message(row) for row in rows]

    def _owned(self, connection: Any, user_id: str, chat_id: str) -> None:
        """NotFound unless the chat is the owner's."""
        found = connection.execute(_OWNED, {"chat": chat_id, "owner": user_id}).first()
        if found is None:
            raise NotFound("not_found")

    def _page_messages(self, user_id: str, chat_id: str, limit: int, before: int | None) -> MessagePage:
        # The chat is the owner's (checked first): its messages are found by (chat_id, seq) alone,
        # newest first along that unique index.
        query = select(MESSAGES).where(MESSAGES.c.chat_id == chat_id)
        if before is not None:
            query = query.where(MESSAGES.c.seq < before)
        with self._engine.connect() as connection:
            self._owned(connection, user_id, chat_id)
            rows = connection.execute(query.order_by(MESSAGES.c.seq.desc()).limit(limit + 1)).all()
        return common.page_of([self._message(row) for row in rows], limit)

    def _latest_messages(
        self, user_id: str, chat_id: str, kinds: list[str], attempt: int | None
    ) -> list[Message]:
        where = [
            MESSAGES.c.chat_id == chat_id,
            MESSAGES.c.user_id == user_id,
            MESSAGES.c.kind.in_(kinds),
            MESSAGES.c.complete.is_(True),
        ]
        if attempt is not None:
            where.append(MESSAGES.c.attempt == attempt)
        columns = (MESSAGES.c.id, MESSAGES.c.seq, MESSAGES.c.kind, MESSAGES.c.question_index)
        with self._engine.connect() as connection:
            self._owned(connection, user_id, chat_id)
            marks = connection.execute(select(*columns).where(*where)).all()
            ids = common.latest_ids((row[0], row[1], row[2], row[3]) for row in marks)
            rows = connection.execute(select(MESSAGES).where(MESSAGES.c.id.in_(ids))).all() if ids else []
        return sorted((self._message(row) for row in rows), key=lambda message: message.seq)

    def _delete_all(self, user_id: str) -> int:
        with self._engine.begin() as connection:
            connection.execute(delete(MESSAGES).where(MESSAGES.c.user_id == user_id))
            result = connection.execute(delete(CHATS).where(CHATS.c.user_id == user_id))
        return int(result.rowcount)

    def _ping(self) -> None:
        with self._engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def _reencrypt(self) -> int:
        rewritten = self._reseal(CHATS, "chat", CHAT_SEALED)
        return rewritten + self._reseal(MESSAGES, "message", MESSAGE_SEALED)

    def _reseal(self, table: Table, kind: str, names: tuple[str, ...]) -> int:
        """Seal again every stale row of `table`, a batch at a time in id order."""
        columns = [table.c.id, table.c.key_id, *(table.c[name] for name in names)]
        if kind == "chat":
            columns.append(table.c.revision)
        rewritten, last = 0, ""
        while True:
            with self._engine.begin() as connection:
                rows = connection.execute(
                    select(*columns).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
                ).all()
                for row in rows:
                    fields = dict(row._mapping)
                    if not self.cipher.stale(fields, names):
                        continue
                    opened = self.cipher.open_fields(kind, row.id, fields, names)
                    sealed = self.cipher.seal_fields(kind, row.id, opened, names)
                    match = [table.c.id == row.id]
                    if kind == "chat":  # an update since the read wins; the next pass takes it
                        match.append(table.c.revision == row.revision)
                    values = {name: sealed[name] for name in names}
                    connection.execute(
                        update(table).where(*match).values(**values, key_id=self.cipher.key_id)
                    )
                    rewritten += 1
            if len(rows) < BATCH:
                return rewritten
            last = rows[-1].id
