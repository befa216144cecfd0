"""The ChatStore contract for long chats: a page of messages at a time, and the latest of each kind."""

from __future__ import annotations

from typing import Any

import pytest

from onlyjobless.domain.chats import MessageKind, NewMessage
from onlyjobless.domain.errors import InvalidInput, NotFound
from onlyjobless.storage.chats import ChatStore
from tests.integration.storage.chats.test_contract import ALICE, BOB, new_chat


async def chat_of(store: ChatStore, count: int) -> str:
    chat = await store.create_chat(new_chat())
    for number in range(1, count + 1):
        await store.add_message(
            ALICE, chat.id, NewMessage(role="candidate", kind="answer", content=f"m{number}")
        )
    return chat.id


async def test_pages_run_from_the_newest_back_to_the_first(store: ChatStore) -> None:
    chat_id = await chat_of(store, 7)
    newest = await store.page_messages(ALICE, chat_id, limit=3)
    assert [m.content for m in newest.items] == ["m5", "m6", "m7"]
    assert newest.before == 5
    middle = await store.page_messages(ALICE, chat_id, limit=3, before=newest.before)
    assert [m.seq for m in middle.items] == [2, 3, 4] and middle.before == 2
    first = await store.page_messages(ALICE, chat_id, limit=3, before=middle.before)
    assert [m.content for m in first.items] == ["m1"] and first.before is None
    listed = await store.list_messages(ALICE, chat_id)
    assert first.items + middle.items + newest.items == listed


async def test_an_exact_page_has_no_before_and_an_empty_chat_an_empty_page(store: ChatStore) -> None:
    chat_id = await chat_of(store, 3)
    page = await store.page_messages(ALICE, chat_id, limit=3)
    assert len(page.items) == 3 and page.before is None
    empty = await store.create_chat(new_chat())
    assert (await store.page_messages(ALICE, empty.id)).items == []
    assert (await store.page_messages(ALICE, chat_id, before=1)).items == []


async def test_page_limit_is_clamped(store: ChatStore) -> None:
    chat_id = await chat_of(store, 102)
    assert len((await store.page_messages(ALICE, chat_id, limit=0)).items) == 1
    page = await store.page_messages(ALICE, chat_id, limit=1000)
    assert len(page.items) == 100 and page.before == 3


@pytest.mark.parametrize("before", [0, -1, "5", 2.5, True, {"$gt": 0}])
async def test_a_malformed_message_cursor_is_invalid_input(store: ChatStore, before: Any) -> None:
    chat_id = await chat_of(store, 1)
    with pytest.raises(InvalidInput) as caught:
        await store.page_messages(ALICE, chat_id, before=before)
    assert caught.value.code == "cursor_invalid"


async def test_pages_and_latest_of_another_users_chat_are_not_found(store: ChatStore) -> None:
    chat_id = await chat_of(store, 2)
    with pytest.raises(NotFound):
        await store.page_messages(BOB, chat_id)
    with pytest.raises(NotFound):
        await store.latest_messages(BOB, chat_id, [MessageKind.ANSWER])
    with pytest.raises(NotFound):
        await store.page_messages(ALICE, "0" * 24)


async def test_latest_messages_keep_the_last_complete_one_of_each_kind_and_question(
    store: ChatStore,
) -> None:
    chat = await store.create_chat(new_chat())

    async def say(
        kind: str, content: str, question: int | None, attempt: int = 1, complete: bool = True
    ) -> None:
        role = "candidate" if kind == "answer" else "interviewer"
        await store.add_message(
            ALICE,
            chat.id,
            NewMessage(
                role=role,
                kind=kind,
                content=content,
                question_index=question,
                attempt=attempt,
                complete=complete,
            ),
        )

    await say("greeting", "hello", None)
    await say("question", "q0", 0)
    await say("hint", "hint 0 first", 0)
    await say("answer", "a0 old", 0)
    await say("question", "q1", 1)
    await say("hint", "hint 1", 1)
    await say("hint", "hint 0 cut", 0, complete=False)
    await say("question", "q0 again", 0, attempt=2)
    await say("hint", "hint 0 second", 0, attempt=2)
    await say("answer", "a0 new", 0, attempt=2)

    kinds = [MessageKind.QUESTION, MessageKind.HINT]
    latest = await store.latest_messages(ALICE, chat.id, kinds)
    assert [m.content for m in latest] == ["q1", "hint 1", "q0 again", "hint 0 second"]
    assert [m.seq for m in latest] == sorted(m.seq for m in latest)
    first_attempt = await store.latest_messages(ALICE, chat.id, [MessageKind.ANSWER], attempt=1)
    assert [m.content for m in first_attempt] == ["a0 old"]
    assert [m.content for m in await store.latest_messages(ALICE, chat.id, ["answer"], attempt=2)] == [
        "a0 new"
    ]
    assert await store.latest_messages(ALICE, chat.id, [MessageKind.EVALUATION]) == []
    assert await store.latest_messages(ALICE, chat.id, []) == []
    with pytest.raises(ValueError):
        await store.latest_messages(ALICE, chat.id, ["nonsense"])
    with pytest.raises(ValueError):
        await store.latest_messages(ALICE, chat.id, ["answer"], attempt="1")  # type: ignore[arg-type]


async def test_a_message_is_found_by_its_dedupe_key_in_its_owners_chat_only(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    other = await store.create_chat(new_chat())
    for number in range(30):  # a long chat: the lookup does not depend on its length
        await store.add_message(
            ALICE, chat.id, NewMessage(role="candidate", kind="answer", content=f"m{number}")
        )
    hint = NewMessage(
        role="interviewer", kind="hint", content="a nudge", question_index=0, dedupe_key="hint:1:0"
    )
    stored = await store.add_message(ALICE, chat.id, hint)
    await store.add_message(ALICE, other.id, hint.model_copy(update={"content": "elsewhere"}))

    found = await store.find_message(ALICE, chat.id, "hint:1:0")
    assert found == stored and found is not None and found.content == "a nudge"
    assert (await store.find_message(ALICE, other.id, "hint:1:0") or stored).content == "elsewhere"
    assert await store.find_message(ALICE, chat.id, "hint:1:1") is None
    assert await store.find_message(BOB, chat.id, "hint:1:0") is None  # not Bob's chat: nothing of it
    with pytest.raises(NotFound):
        await store.find_message(ALICE, "not-an-id", "hint:1:0")
    with pytest.raises(ValueError):
        await store.find_message(ALICE, chat.id, None)  # type: ignore[arg-type]
