"""Failed logins (and registrations) counted per key, for throttling: the table and its store.

The rules are the service's (services/throttle.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Column, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, col

from onlyjobless.storage.db import in_thread, session_scope, upsert_insert
from onlyjobless.storage.types import UTCDateTime


class LoginFailure(SQLModel, table=True):
    """Failed logins counted per key ("user:<name>", "ip:<address>", …) for throttling; registrations
    per address ("register:<address>") in a fixed window."""

    __tablename__ = "login_failures"

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    first_failure_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    blocked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class Backoff(Protocol):
    """A throttling rule as the store applies it: counts reset after `window`."""

    @property
    def window(self) -> timedelta: ...

    def delay(self, failures: int) -> timedelta | None:
        """How long to block after this many failures in the window; None: not yet."""
        ...


class LoginFailureStore:
    """Counters per key; each failure is counted under a row lock with its rule."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @in_thread
    def blocks(self, keys: Iterable[str], now: datetime) -> list[datetime]:
        """The blocks of these keys that end after `now`."""
        with session_scope(self._engine) as session:
            rows = (session.get(LoginFailure, key) for key in keys)
            return [r.blocked_until for r in rows if r and r.blocked_until and r.blocked_until > now]

    @in_thread
    def record_failure(self, rules: Mapping[str, Backoff], now: datetime) -> None:
        """Count one failure under each key and block it as its rule says."""
        with session_scope(self._engine) as session:
            for key, rule in rules.items():
                row = session.get(LoginFailure, key, with_for_update=True)
                if row is None or now - row.first_failure_at > rule.window:
                    row = row or LoginFailure(key=key, first_failure_at=now)
                    row.failures, row.first_failure_at, row.blocked_until = 0, now, None
                row.failures += 1
                delay = rule.delay(row.failures)
                if delay is not None:
                    row.blocked_until = now + delay
                session.add(row)

    @in_thread
    def clear(self, key: str) -> None:
        with session_scope(self._engine) as session:
            row = session.get(LoginFailure, key)
            if row is not None:
                session.delete(row)

    @in_thread
    def count_within(self, key: str, limit: int, window: timedelta, now: datetime) -> datetime | None:
        """Count one more event under `key` unless `limit` happened in its window already: None when
        counted, else when the window ends. Each step is one conditional statement, so concurrent
        callers can never pass the limit, on SQLite and PostgreSQL alike."""
        table = LoginFailure
        with session_scope(self._engine) as session:
            fresh = upsert_insert(self._engine)(table).values(key=key, failures=0, first_failure_at=now)
            session.execute(fresh.on_conflict_do_nothing())
            session.execute(  # a window that is over starts again
                update(table)
                .where(col(table.key) == key, col(table.first_failure_at) <= now - window)
                .values(failures=0, first_failure_at=now)
            )
            counted = session.execute(
                update(table)
                .where(col(table.key) == key, col(table.failures) < limit)
                .values(failures=col(table.failures) + 1)
            )
            if counted.rowcount == 1:  # type: ignore[attr-defined]
                return None
            row = session.get(table, key, populate_existing=True)
            assert row is not None
            return row.first_failure_at + window
