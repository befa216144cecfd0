"""Real test databases: an SQLite file and a PostgreSQL database, both migrated with Alembic."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from onlyjobless.storage import tables  # noqa: F401  (registers every table)
from onlyjobless.storage.db import get_engine
from onlyjobless.storage.migrations import upgrade

PG_ADMIN_URL = os.environ.get("ONLYJOBLESS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = os.environ.get("ONLYJOBLESS_TEST_PG_DB", f"onlyjobless_test_{os.getpid()}")


def postgres_url(database: str = PG_DATABASE) -> str:
    """A fresh PostgreSQL database for this test run (one per process, so runs never collide)."""
    drop_postgres(database)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{database}"


def drop_postgres(database: str = PG_DATABASE) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / f'test-{uuid.uuid4().hex[:8]}.db'}"


def migrated(url: str) -> Engine:
    upgrade(url)
    return get_engine(url)


def wipe(engine: Engine) -> None:
    """Empty every table between tests, children first."""
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))


class PostgresOutage:
    """A PostgreSQL database of one test's own that can be taken away and given back.

    `down()` makes the server refuse new connections to it (ALLOW_CONNECTIONS false, which binds
    superusers too) and terminates the open ones, as a crashed or unreachable database looks to
    the app: every pooled connection dies, every new one is refused. `up()` lets them in again.
    """

    def __init__(self, name: str | None = None) -> None:
        self.name = name or f"onlyjobless_outage_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.url = postgres_url(self.name)
        upgrade(self.url)

    def _admin(self, *statements: str) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)

    def down(self) -> None:
        self._admin(
            f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false',
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()",
        )

    def up(self) -> None:
        self._admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')

    def close(self) -> None:
        get_engine(self.url).dispose()
        drop_postgres(self.name)
