"""Per-user limits: the daily interview counter and the one-generation-at-a-time lease."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from onlyjobless.storage.types import UTCDateTime


class InterviewCounter(SQLModel, table=True):
    """How many interviews (new chats and retries) a user started on one UTC day."""

    __tablename__ = "interview_counters"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    used: int = 0


class GenerationLease(SQLModel, table=True):
    """At most one LLM generation per user at a time, across every app process."""

    __tablename__ = "generation_leases"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    token: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
