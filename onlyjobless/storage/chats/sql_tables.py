"""Tables of the embedded chat store: the chat documents of DESIGN §3 kept in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from onlyjobless.storage.types import UTCDateTime


class ChatRow(SQLModel, table=True):
    """One interview chat; `message_seq` hands out message numbers under the row lock."""

    __tablename__ = "chats"
    # The sidebar: a user's chats newest first (read backwards, the index serves the order).
    __table_args__ = (Index("ix_chats_user_created", "user_id", "created_at", "id"),)

    id: str = Field(primary_key=True, max_length=32)
    user_id: str
    title: str
    vacancy: str
    language: str
    bank_version: int
    status: str = Field(max_length=16)
    attempt: int
    revision: int = 0
    message_seq: int = 0
    questions: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    round: list[int] = Field(sa_column=Column(JSON, nullable=False))
    current: int | None = None
    overall_score: float | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    evaluation_source: str | None = Field(default=None, max_length=16)
    # The key the sealed fields were written with (storage/chats/crypto.py); NULL before encryption.
    key_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ChatMessageRow(SQLModel, table=True):
    """One message of a chat; (chat_id, seq) orders it and (chat_id, dedupe_key) dedupes it."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("chat_id", "seq", name="uq_chat_messages_chat_seq"),
        # NULL keys never clash, on SQLite as on PostgreSQL: only keyed messages are deduplicated.
        Index("uq_chat_messages_chat_dedupe", "chat_id", "dedupe_key", unique=True),
    )

    id: str = Field(primary_key=True, max_length=32)
    chat_id: str = Field(foreign_key="chats.id", ondelete="CASCADE", max_length=32)
    user_id: str = Field(index=True)
    seq: int
    role: str = Field(max_length=16)
    kind: str = Field(max_length=16)
    content: str = Field(sa_column=Column(Text, nullable=False))
    complete: bool
    question_index: int | None = None
    attempt: int
    meta: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    dedupe_key: str | None = None
    key_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
