"""`python -m onlyjobless keys rotate` on the SQL chat store (SQLite, PostgreSQL) and on MongoDB."""

from __future__ import annotations

import asyncio
import base64
import json
import stat
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from onlyjobless import cli
from onlyjobless.domain.chats import NewMessage
from onlyjobless.services import hub
from onlyjobless.settings import Settings, get_settings
from onlyjobless.storage.chats import ChatStore
from onlyjobless.storage.chats.crypto import (
    ChatCipher,
    ChatKeyError,
    Keyring,
    format_keys,
    new_key,
    parse_keys,
)
from onlyjobless.storage.chats.factory import build_chat_store
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.integration.storage.chats.test_contract import ALICE, new_chat
from tests.integration.storage.chats.test_encryption import ANSWER, raw_records


@pytest.fixture(params=["sql", "mongo"])
def rotating(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The process-wide settings on the test database, the chat store in SQL or in MongoDB."""
    env = {
        "DATABASE_URL": settings.sql_url,
        "DATA_DIR": str(settings.data_dir),
        "JWT_SECRET": "cli-secret-0123456789abcdef0123456789abcdef",
    }
    if request.param == "mongo":
        env["MONGODB_URL"] = request.getfixturevalue("mongo_url")
        env["MONGODB_DB"] = request.getfixturevalue("mongo_database")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    hub.get_services.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
    hub.get_services.cache_clear()


async def two_chats(store: ChatStore) -> list[str]:
    ids = []
    for title in ("first", "second"):
        chat = await store.create_chat(new_chat(ALICE, title))
        await store.add_message(ALICE, chat.id, NewMessage(role="candidate", kind="answer", content=ANSWER))
        await store.update_chat(ALICE, chat.id, 0, {"summary": f"summary of {title}"})
        ids.append(chat.id)
    return ids


def close(store: ChatStore) -> None:
    if isinstance(store, MongoChatStore):
        store._database.client.close()


async def test_rotate_with_the_key_file(
    rotating: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    running = build_chat_store(rotating, engine)  # an app that keeps running through the rotation
    ids = await two_chats(running)
    old_id = running.cipher.key_id
    old_keys = json.loads(rotating.chat_key_file.read_text())["keys"]

    assert await asyncio.to_thread(cli.main, ["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    data = json.loads(rotating.chat_key_file.read_text())
    new_id = data["current"]
    assert new_id != old_id and list(data["keys"]) == [new_id]
    assert f"current chat key: {new_id}; records sealed again: 4" in out
    assert f"retired keys: {old_id}" in out
    assert stat.S_IMODE(rotating.chat_key_file.stat().st_mode) == 0o600
    for record in raw_records(running):
        assert record["key_id"] == new_id
        assert all(
            str(record[name]).startswith(f"oj1:{new_id}:")
            for name in ("content", "summary")
            if name in record
        )

    # The running app picked the new key file up; new writes use the new key.
    assert (await running.get_chat(ALICE, ids[1])).summary == "summary of second"
    assert (await running.list_messages(ALICE, ids[0]))[0].content == ANSWER
    assert running.cipher.key_id == new_id
    # The old key alone opens nothing any more.
    running.cipher = ChatCipher(Keyring({old_id: base64.urlsafe_b64decode(old_keys[old_id])}, old_id))
    with pytest.raises(ChatKeyError):
        await running.get_chat(ALICE, ids[0])
    close(running)


async def test_rotate_with_configured_keys(
    rotating: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = {"old": new_key()}, {"new": new_key()}
    monkeypatch.setenv("CHAT_KEYS", format_keys(old, "old"))
    get_settings.cache_clear()
    store = build_chat_store(get_settings(), engine)
    ids = await two_chats(store)
    close(store)

    assert await asyncio.to_thread(cli.main, ["keys", "new"]) == 0
    printed = capsys.readouterr().out.strip()
    assert len(parse_keys(printed)[0]) == 1
    monkeypatch.setenv("CHAT_KEYS", format_keys({**new, **old}, "new"))
    get_settings.cache_clear()
    assert await asyncio.to_thread(cli.main, ["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "current chat key: new; records sealed again: 4" in out and "can be removed" in out
    assert not get_settings().chat_key_file.exists()

    monkeypatch.setenv("CHAT_KEYS", format_keys(new, "new"))
    get_settings.cache_clear()
    store = build_chat_store(get_settings(), engine)
    assert (await store.get_chat(ALICE, ids[0])).summary == "summary of first"
    assert all(record["key_id"] == "new" for record in raw_records(store))
    close(store)
