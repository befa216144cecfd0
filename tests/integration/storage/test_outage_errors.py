"""Which SQL errors are an outage (DatabaseDown, a 503) and which stay what they are (a bug, a 500)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from onlyjobless.domain.errors import DatabaseDown
from onlyjobless.storage.db import in_thread, is_outage, wait_for_database


def test_a_dropped_connection_is_an_outage_and_a_refused_statement_is_not() -> None:
    dropped = DBAPIError(
        "SELECT 1", None, Exception("server closed the connection"), connection_invalidated=True
    )
    assert is_outage(dropped)
    assert is_outage(OperationalError("SELECT 1", None, Exception("refused")))
    assert not is_outage(IntegrityError("INSERT", None, Exception("duplicate key")))
    assert not is_outage(DBAPIError("SELECT 1", None, Exception("syntax error")))
    # SQLite: a locked or missing file is an outage, a missing column a bug.
    assert is_outage(OperationalError("SELECT 1", None, sqlite3.OperationalError("database is locked")))
    assert not is_outage(OperationalError("SELECT x", None, sqlite3.OperationalError("no such column: x")))


async def test_a_statement_error_passes_through_and_an_outage_becomes_database_down(engine: Engine) -> None:
    @in_thread
    def broken() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT no_such_column FROM users"))

    with pytest.raises(DBAPIError) as refused:
        await broken()
    assert not isinstance(refused.value, DatabaseDown)

    @in_thread
    def unreachable() -> None:
        raise OperationalError(
            "SELECT secret FROM users WHERE name = %(name)s", {"name": "alice"}, Exception()
        )

    with pytest.raises(DatabaseDown) as down:
        await unreachable()
    assert down.value.code == "service_unavailable" and down.value.cause == "OperationalError"
    assert down.value.__cause__ is None and down.value.__suppress_context__  # the statement goes no further


def test_waiting_for_a_database_that_answers_returns_at_once(engine: Engine) -> None:
    said: list[str] = []
    wait_for_database(engine.url.render_as_string(hide_password=False), 5, said.append)
    assert said == []


def test_a_statement_error_while_waiting_is_not_retried(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onlyjobless.storage import db

    def refused(_engine: Engine) -> None:
        raise IntegrityError("SELECT 1", None, Exception("not an outage"))

    monkeypatch.setattr(db, "ping", refused)
    with pytest.raises(IntegrityError):
        wait_for_database(engine.url.render_as_string(hide_password=False), 5, print)
