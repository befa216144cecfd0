"""Migration 0005_skeleton on SQLite and PostgreSQL: existing users get their skeleton, existing
look-alikes keep working, and a new look-alike is refused by the index afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from alembic import command
from onlyjobless.storage.db import get_engine
from onlyjobless.storage.migrations import alembic_config
from tests.support import databases

OLD = [("alice", 0), ("\u0430lice", 1), ("bob", 2), ("al\u0131ce", 3)]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield databases.sqlite_url(tmp_path)
        return
    name = f"onlyjobless_skeleton_{uuid.uuid4().hex[:8]}"
    yield databases.postgres_url(name)
    databases.drop_postgres(name)


def _insert(url: str, name: str, minutes: int) -> uuid.UUID:
    user_id = uuid.uuid4()
    stamp = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, username_key, password_hash, preferred_language,"
                " created_at)"
                " VALUES (:id, :name, :key, 'x', 'en', :at)"
            ),
            {
                "id": user_id.hex if engine.dialect.name == "sqlite" else user_id,
                "name": name,
                "key": name.casefold(),
                "at": stamp,
            },
        )
    return user_id


def test_upgrade_backfills_skeletons_and_downgrade_removes_them(url: str) -> None:
    config: Config = alembic_config(url)
    command.upgrade(config, "0004")
    ids = {name: _insert(url, name, minutes) for name, minutes in OLD}
    command.upgrade(config, "0005_skeleton")
    engine = get_engine(url)
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT username, username_skeleton FROM users")).all())
    assert rows["alice"] == "alice" and rows["bob"] == "bob"
    # The later look-alikes keep their accounts, with the skeleton made unique by their id.
    for later in ("\u0430lice", "al\u0131ce"):
        assert rows[later] == "alice\x1f" + ids[later].hex
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, username_key, username_skeleton, password_hash,"
                " preferred_language, created_at) VALUES (:id, 'a1ice', 'a1ice', 'alice', 'x', 'en', :at)"
            ),
            {"id": uuid.uuid4().hex, "at": datetime.now(UTC)},
        )
    command.downgrade(config, "0004")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == len(OLD)
    engine.dispose()
