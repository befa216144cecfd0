"""The SQL engine, short-lived sessions and the worker threads the repositories run their queries in."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine

from onlyjobless.domain.errors import DatabaseDown

P = ParamSpec("P")
R = TypeVar("R")

# Errors that mean "no database to talk to" (unreachable, refusing connections, a dropped
# connection, the pool exhausted), as opposed to a refused statement.
UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10


# SQLite calls a missing column an OperationalError too: only these messages mean its file is
# out of reach (locked by another process, gone, unreadable, full).
SQLITE_OUTAGES = ("locked", "unable to open", "disk i/o", "readonly", "disk is full", "busy")


def is_outage(exc: BaseException) -> bool:
    """True when the error says the database is not there, not that a statement was refused."""
    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.OperationalError):
        return any(sign in str(exc.orig).lower() for sign in SQLITE_OUTAGES)
    if isinstance(exc, UNREACHABLE):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def in_thread(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Turn a blocking function into a coroutine that runs it in a worker thread.

    An unreachable database becomes DatabaseDown (a 503 at the API, a message in the UI); the
    SQL error itself, with its statement and parameters, goes no further.
    """

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except (DBAPIError, DisconnectionError, PoolTimeout) as exc:
            if not is_outage(exc):
                raise
            raise DatabaseDown(type(exc).__name__) from None

    return wrapper


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One pooled engine per database URL; SQLite gets WAL and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_pre_ping=True,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # Parameters hold answers and usernames: an error's text never shows them. A database that
    # does not answer fails a request in seconds, not after the operating system's TCP timeout.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        hide_parameters=True,
    )


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    """Concurrent readers and enforced foreign keys for the embedded database."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def wait_for_database(
    url: str,
    timeout: float,
    report: Callable[[str], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Ping the database until it answers, waiting 1, 2, 4 … (at most 10) s between attempts.

    Each failed attempt is reported in one line (the error's class, never the URL's password);
    after `timeout` seconds it raises DatabaseDown.
    """
    engine = get_engine(url)
    where = engine.url.render_as_string(hide_password=True)
    deadline = time.monotonic() + timeout
    delay = 1.0
    attempt = 0
    while True:
        attempt += 1
        try:
            ping(engine)
        except (DBAPIError, DisconnectionError, PoolTimeout) as exc:
            if not is_outage(exc):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                raise DatabaseDown(type(exc).__name__) from None
            pause = min(delay, left)
            report(
                f"database {where} not reachable (attempt {attempt}, {type(exc).__name__}); "
                f"retrying in {pause:.1f} s"
            )
            sleep(pause)
            delay = min(delay * 2, 10.0)
        else:
            return


def upsert_insert(engine: Engine) -> Callable[..., Any]:
    """The dialect's INSERT, which has ON CONFLICT clauses (PostgreSQL and SQLite alike)."""
    return pg_insert if engine.dialect.name == "postgresql" else sqlite_insert


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
