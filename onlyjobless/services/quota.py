"""The daily interview limit (UTC days; new chats and retries count) and the per-user LLM lease."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import col

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import TooManyRequests
from onlyjobless.services.threads import in_thread
from onlyjobless.storage.db import session_scope
from onlyjobless.storage.quota import GenerationLease, InterviewCounter


@dataclass(frozen=True)
class QuotaStatus:
    """What the user has left today and when it resets."""

    limit: int
    used: int
    remaining: int
    resets_at: datetime


def _next_midnight(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)


class Quota:
    """Counts interviews per user and UTC day; concurrent starts can never exceed the limit."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self._engine = engine
        self.limit = limit

    def _insert(self):  # type: ignore[no-untyped-def]
        return pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert

    def _status(self, used: int, now: datetime) -> QuotaStatus:
        used = min(used, self.limit)
        return QuotaStatus(self.limit, used, self.limit - used, _next_midnight(now))

    @in_thread
    def status(self, user_id: uuid.UUID) -> QuotaStatus:
        now = utcnow()
        with session_scope(self._engine) as session:
            row = session.get(InterviewCounter, (user_id, now.date()))
            return self._status(row.used if row else 0, now)

    @in_thread
    def consume(self, user_id: uuid.UUID) -> QuotaStatus:
        """Take one interview from today's allowance, or refuse with when it resets."""
        now = utcnow()
        day = now.date()
        with session_scope(self._engine) as session:
            statement = self._insert()(InterviewCounter).values(user_id=user_id, day=day, used=0)
            session.execute(statement.on_conflict_do_nothing())
            taken = session.execute(
                update(InterviewCounter)
                .where(
                    col(InterviewCounter.user_id) == user_id,
                    col(InterviewCounter.day) == day,
                    col(InterviewCounter.used) < self.limit,
                )
                .values(used=InterviewCounter.used + 1)  # type: ignore[operator]
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                resets = _next_midnight(now)
                raise TooManyRequests(
                    "quota_exhausted",
                    retry_after=int((resets - now).total_seconds()) + 1,
                    limit=self.limit,
                    resets_at=resets.strftime("%H:%M UTC"),
                )
            row = session.get(InterviewCounter, (user_id, day))
            assert row is not None
            return self._status(row.used, now)

    @in_thread
    def refund(self, user_id: uuid.UUID) -> None:
        """Give back an interview whose start failed before anything was created."""
        with session_scope(self._engine) as session:
            session.execute(
                update(InterviewCounter)
                .where(
                    col(InterviewCounter.user_id) == user_id,
                    col(InterviewCounter.day) == utcnow().date(),
                    col(InterviewCounter.used) > 0,
                )
                .values(used=InterviewCounter.used - 1)  # type: ignore[operator]
            )


class GenerationLeases:
    """One LLM generation per user at a time; a lease expires on its own if a process dies."""

    def __init__(self, engine: Engine, ttl: timedelta) -> None:
        self._engine = engine
        self._ttl = ttl

    @asynccontextmanager
    async def hold(self, user_id: uuid.UUID) -> AsyncIterator[bool]:
        """Take the user's lease for the block (True), or find it taken (False); always let go.

        The release runs even when the block is cancelled or closed, and only removes this
        block's own lease, so it is harmless when the lease was never taken.
        """
        token = secrets.token_hex(16)
        try:
            yield await self._acquire(user_id, token)
        finally:
            await self._release(user_id, token)

    @in_thread
    def busy(self, user_id: uuid.UUID) -> bool:
        """True while a generation of this user holds an unexpired lease."""
        with session_scope(self._engine) as session:
            row = session.get(GenerationLease, user_id)
            return row is not None and row.expires_at >= utcnow()

    @in_thread
    def _acquire(self, user_id: uuid.UUID, token: str) -> bool:
        now = utcnow()
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        with session_scope(self._engine) as session:
            statement = insert(GenerationLease).values(
                user_id=user_id, token=token, expires_at=now + self._ttl
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["user_id"],
                    set_={"token": token, "expires_at": now + self._ttl},
                    where=col(GenerationLease.expires_at) < now,
                )
            )
            row = session.get(GenerationLease, user_id, populate_existing=True)
            return row is not None and row.token == token

    @in_thread
    def _release(self, user_id: uuid.UUID, token: str) -> None:
        with session_scope(self._engine) as session:
            session.execute(
                delete(GenerationLease).where(
                    col(GenerationLease.user_id) == user_id, col(GenerationLease.token) == token
                )
            )
