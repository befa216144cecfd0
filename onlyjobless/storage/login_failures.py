"""Failed logins (and registrations) counted per key, for throttling: the table and its store.

The rules are the service's (services/throttle.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Column, ColumnElement, case, literal, or_, update
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


_STEPS = 64  # counts past this earn the same block as this one (every rule's cap is reached by then)


def _earned(rule: Backoff, now: datetime) -> ColumnElement[datetime | None]:
    """The block an attempt earns by the count it makes (`failures + 1`), as one SQL expression:
    the rule's delay for each count where it changes, the row's own block below the free ones."""
    after = col(LoginFailure.failures) + 1
    steps: list[tuple[int, timedelta]] = []
    for count in range(1, _STEPS + 1):
        delay = rule.delay(count)
        if delay is not None and (not steps or steps[-1][1] != delay):
            steps.append((count, delay))
    whens = [(after >= count, literal(now + delay, UTCDateTime())) for count, delay in reversed(steps)]
    return case(*whens, else_=col(LoginFailure.blocked_until))


class LoginFailureStore:
    """Counters per key; each failure is counted under a row lock with its rule."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @in_thread
    def admit(self, rules: Mapping[str, Backoff], now: datetime) -> datetime | None:
        """Count an attempt under each key, as a failure (see `forgive`), unless one of them is
        blocked: None when counted, else when that block ends (and nothing is counted).

        Each key is one conditional statement that counts and sets the block its count earns at
        once, so of concurrent attempts the one that earns a block stops the ones after it, on
        SQLite and PostgreSQL alike (a check, then a count after the password, let a burst through).
        """
        table = LoginFailure
        with session_scope(self._engine) as session:
            for key, rule in rules.items():
                fresh = upsert_insert(self._engine)(table).values(key=key, failures=0, first_failure_at=now)
                session.execute(fresh.on_conflict_do_nothing())
                session.execute(  # a window that is over starts again
                    update(table)
                    .where(col(table.key) == key, col(table.first_failure_at) < now - rule.window)
                    .values(failures=0, first_failure_at=now, blocked_until=None)
                )
                counted = session.execute(
                    update(table)
                    .where(
                        col(table.key) == key,
                        or_(col(table.blocked_until).is_(None), col(table.blocked_until) <= now),
                    )
                    .values(failures=col(table.failures) + 1, blocked_until=_earned(rule, now))
                    .returning(col(table.failures))
                ).scalar()
                if counted is None:
                    row = session.get(table, key, populate_existing=True)
                    until = row.blocked_until if row is not None else None
                    session.rollback()  # the keys counted before this one are not counted either
                    return until or now
            return None

    @in_thread
    def forgive(self, keys: Iterable[str]) -> None:
        """Take back one counted attempt under each key (it was not a failure after all)."""
        table = LoginFailure
        with session_scope(self._engine) as session:
            for key in keys:
                session.execute(
                    update(table)
                    .where(col(table.key) == key, col(table.failures) > 0)
                    .values(failures=col(table.failures) - 1)
                )

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
