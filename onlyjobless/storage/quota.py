"""Per-user limits: the daily interview and LLM generation counters, and the one-generation lease."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from onlyjobless.storage.db import in_thread, session_scope, upsert_insert
from onlyjobless.storage.types import UTCDateTime


class InterviewCounter(SQLModel, table=True):
    """How many interviews (new chats and retries) a user started on one UTC day."""

    __tablename__ = "interview_counters"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    used: int = 0


class GenerationCounter(SQLModel, table=True):
    """How many LLM generations a user spent on one UTC day (the daily budget)."""

    __tablename__ = "generation_counters"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    used: int = 0


Counter = type[InterviewCounter] | type[GenerationCounter]


class GenerationLease(SQLModel, table=True):
    """At most one LLM generation per user at a time, across every app process."""

    __tablename__ = "generation_leases"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    token: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CounterStore:
    """Uses per user and day (interviews, LLM generations); concurrent takes never pass the limit."""

    def __init__(self, engine: Engine, table: Counter = InterviewCounter) -> None:
        self._engine = engine
        self._table = table

    def _count(self, session: Session, user_id: uuid.UUID, day: date) -> int | None:
        table = self._table
        return session.scalar(
            select(col(table.used)).where(col(table.user_id) == user_id, col(table.day) == day)
        )

    @in_thread
    def used(self, user_id: uuid.UUID, day: date) -> int:
        with session_scope(self._engine) as session:
            return self._count(session, user_id, day) or 0

    @in_thread
    def take(self, user_id: uuid.UUID, day: date, limit: int) -> int | None:
        """Count one more use unless `limit` are used already: the new count, or None.

        One statement: the day's row is made with its first use, or counted up while under the
        limit (the row lock orders concurrent takes), and the new count comes back with it.
        """
        if limit < 1:
            return None
        table = self._table
        statement = upsert_insert(self._engine)(table).values(user_id=user_id, day=day, used=1)
        with session_scope(self._engine) as session:
            used: int | None = session.scalar(
                statement.on_conflict_do_update(
                    index_elements=["user_id", "day"],
                    set_={"used": col(table.used) + 1},
                    where=col(table.used) < limit,
                ).returning(col(table.used))
            )
            return used

    @in_thread
    def give_back(self, user_id: uuid.UUID, day: date) -> None:
        """Count one use fewer (never below zero)."""
        table = self._table
        with session_scope(self._engine) as session:
            session.execute(
                update(table)
                .where(col(table.user_id) == user_id, col(table.day) == day, col(table.used) > 0)
                .values(used=col(table.used) - 1)
            )


class LeaseStore:
    """One lease row per user; a new lease replaces only an expired one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @in_thread
    def acquire(self, user_id: uuid.UUID, token: str, now: datetime, expires_at: datetime) -> bool:
        """Hold the user's lease under `token` unless another unexpired one holds it.

        One statement: a row comes back only when it was written (new, or replacing an expired one).
        """
        statement = upsert_insert(self._engine)(GenerationLease).values(
            user_id=user_id, token=token, expires_at=expires_at
        )
        with session_scope(self._engine) as session:
            written: str | None = session.scalar(
                statement.on_conflict_do_update(
                    index_elements=["user_id"],
                    set_={"token": token, "expires_at": expires_at},
                    where=col(GenerationLease.expires_at) < now,
                ).returning(col(GenerationLease.token))
            )
            return written == token

    @in_thread
    def renew(self, user_id: uuid.UUID, token: str, expires_at: datetime) -> bool:
        """Push the lease's expiry to `expires_at` if `token` still holds it; False if it was lost."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(GenerationLease)
                .where(col(GenerationLease.user_id) == user_id, col(GenerationLease.token) == token)
                .values(expires_at=expires_at)
            )
            return bool(getattr(result, "rowcount", 0))

    @in_thread
    def release(self, user_id: uuid.UUID, token: str) -> None:
        """Drop the lease if `token` still holds it."""
        with session_scope(self._engine) as session:
            session.execute(
                delete(GenerationLease).where(
                    col(GenerationLease.user_id) == user_id, col(GenerationLease.token) == token
                )
            )

    @in_thread
    def held(self, user_id: uuid.UUID, now: datetime) -> bool:
        """True while an unexpired lease of this user exists."""
        with session_scope(self._engine) as session:
            row = session.get(GenerationLease, user_id)
            return row is not None and row.expires_at >= now
