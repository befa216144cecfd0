"""Chat contents at rest: read the raw rows and documents of every store, find no plaintext."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text, update

from onlyjobless.domain.chats import NewMessage
from onlyjobless.storage.chats import ChatStore, sql
from onlyjobless.storage.chats.crypto import ChatCipher, ChatKeyError, Keyring, new_key
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.storage.chats.sql import CHATS, MESSAGES, SqlChatStore
from tests.integration.storage.chats.test_contract import ALICE, BOB, new_chat

ANSWER = "My secret answer about the GIL and мой пароль"
SUMMARY = "Strong on threads, weak on asyncio"
# Texts of new_chat()'s questions and of the messages below that must never be stored plain.
SECRETS = [ANSWER, SUMMARY, "Think about threads", "interpreter lock", "Что такое GIL", "strong_answer"]


def raw_records(store: ChatStore) -> list[dict[str, Any]]:
    """Every stored chat and message exactly as the backend holds it."""
    if isinstance(store, SqlChatStore):
        with store._engine.connect() as connection:
            rows = [*connection.execute(text("SELECT * FROM chats")).mappings()]
            rows += [*connection.execute(text("SELECT * FROM chat_messages")).mappings()]
        # SQLite hands JSON columns back as their text; PostgreSQL's driver decodes them.
        return [{name: json_text(name, value) for name, value in row.items()} for row in rows]
    assert isinstance(store, MongoChatStore)
    return [*store._database["chats"].find({}), *store._database["messages"].find({})]


def json_text(name: str, value: Any) -> Any:
    if name in {"questions", "round", "meta"} and isinstance(value, str) and value[:1] in '"[{':
        return json.loads(value)
    return value


def replace_raw(store: ChatStore, kind: str, record_id: str, values: dict[str, Any]) -> None:
    """Overwrite stored fields behind the store's back (what an attacker with the database could do)."""
    if isinstance(store, SqlChatStore):
        table = CHATS if kind == "chat" else MESSAGES
        with store._engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == record_id).values(**values))
        return
    assert isinstance(store, MongoChatStore)
    from bson import ObjectId

    collection = store._database["chats" if kind == "chat" else "messages"]
    collection.update_one({"_id": ObjectId(record_id)}, {"$set": values})


async def fill(store: ChatStore, user_id: str = ALICE) -> tuple[str, list[str]]:
    """A chat with an answer, a hint, an evaluation and a summary; its id and its message ids."""
    chat = await store.create_chat(new_chat(user_id))
    ids = []
    for kind, content in [("answer", ANSWER), ("hint", "Think about threads"), ("evaluation", SUMMARY)]:
        role = "candidate" if kind == "answer" else "interviewer"
        message = await store.add_message(user_id, chat.id, NewMessage(role=role, kind=kind, content=content))
        ids.append(message.id)
    await store.update_chat(user_id, chat.id, 0, {"summary": SUMMARY, "status": "finished"})
    return chat.id, ids


def stored_text(record: dict[str, Any]) -> str:
    return json.dumps(record, default=str, ensure_ascii=False)


async def test_no_plaintext_at_rest_and_metadata_stays_queryable(store: ChatStore) -> None:
    chat_id, _ = await fill(store)
    records = raw_records(store)
    assert len(records) == 4
    for record in records:
        dump = stored_text(record)
        for secret in SECRETS:
            assert secret not in dump
        assert record["key_id"] == store.cipher.key_id
        assert record["user_id"] == ALICE  # metadata stays plain
    chat = next(record for record in records if "questions" in record)
    assert chat["status"] == "finished" and chat["vacancy"] == "python-developer"
    assert str(chat["questions"]).startswith("oj1:") and str(chat["summary"]).startswith("oj1:")
    kinds = sorted(record["kind"] for record in records if "kind" in record)
    assert kinds == ["answer", "evaluation", "hint"]

    # The store reads it all back, and lists and pages by the plain metadata.
    opened = await store.get_chat(ALICE, chat_id)
    assert opened.summary == SUMMARY and opened.questions[0].hint == "Think about threads."
    messages = await store.list_messages(ALICE, chat_id)
    assert [m.content for m in messages] == [ANSWER, "Think about threads", SUMMARY]
    page = await store.list_chats(ALICE, limit=1)
    assert [item.id for item in page.items] == [chat_id]


async def test_a_value_moved_to_another_record_does_not_open(store: ChatStore) -> None:
    chat_id, (first, second, _) = await fill(store)
    by_id = {str(record.get("_id", record.get("id"))): record for record in raw_records(store)}
    replace_raw(store, "message", second, {"content": by_id[first]["content"]})
    with pytest.raises(ChatKeyError):
        await store.list_messages(ALICE, chat_id)


async def test_a_tampered_value_does_not_open(store: ChatStore) -> None:
    chat_id, _ = await fill(store)
    chat = next(record for record in raw_records(store) if "questions" in record)
    token: str = chat["summary"]
    middle = len(token) // 2  # a character that carries six bits of the ciphertext
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    replace_raw(store, "chat", chat_id, {"summary": flipped})
    with pytest.raises(ChatKeyError):
        await store.get_chat(ALICE, chat_id)


async def test_rotation_seals_everything_under_the_new_key(
    store: ChatStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "BATCH", 3)  # several batches in the SQL store's pass
    old_id, old_key, new_id, new_key_ = "old", new_key(), "new", new_key()
    store.cipher = ChatCipher(Keyring({old_id: old_key}, old_id))
    chat_id, _ = await fill(store)
    other_id, _ = await fill(store, BOB)
    # A record written before encryption: plain values, no key id.
    replace_raw(store, "chat", other_id, {"summary": "plain summary", "key_id": None})

    # The new key is current; the old one still opens until the rotation is through.
    store.cipher = ChatCipher(Keyring({new_id: new_key_, old_id: old_key}, new_id))
    assert (await store.get_chat(BOB, other_id)).summary == "plain summary"
    assert (await store.get_chat(ALICE, chat_id)).summary == SUMMARY
    assert await store.reencrypt() == 8
    assert await store.reencrypt() == 0  # nothing left

    for record in raw_records(store):
        assert record["key_id"] == new_id
        assert "plain summary" not in stored_text(record)
        for name in ("questions", "summary", "content"):
            if record.get(name) is not None:
                assert record[name].startswith(f"oj1:{new_id}:")
    store.cipher = ChatCipher(Keyring({new_id: new_key_}, new_id))
    assert (await store.get_chat(BOB, other_id)).summary == "plain summary"
    assert (await store.get_chat(ALICE, chat_id)).questions[1].feedback is not None
    assert (await store.list_messages(ALICE, chat_id))[0].content == ANSWER


async def test_an_unknown_key_is_an_error_not_garbage(store: ChatStore) -> None:
    chat_id, _ = await fill(store)
    store.cipher = ChatCipher()
    with pytest.raises(ChatKeyError, match="no chat key"):
        await store.get_chat(ALICE, chat_id)
