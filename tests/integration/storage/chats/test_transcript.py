"""What the generation reads of a chat, on every store: the stored hint by its key, and the last
turns a page at a time, never the whole chat."""

from __future__ import annotations

import pytest

from onlyjobless.domain.chats import MessageKind, NewMessage
from onlyjobless.services.interviews import transcript
from onlyjobless.services.interviews.transcript import Transcript
from onlyjobless.storage.chats import ChatStore
from tests.integration.storage.chats.test_contract import ALICE, new_chat

CONVERSATION = (MessageKind.GREETING, MessageKind.QUESTION, MessageKind.ANSWER)


async def test_recent_turns_are_the_last_complete_ones_in_order_across_pages(
    store: ChatStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transcript, "RECENT_PAGE", 4)  # several pages for a short chat
    chats = Transcript(store)
    chat = await store.create_chat(new_chat())
    said = []
    for index in range(6):
        said.append(await chats.say(chat, MessageKind.QUESTION, f"q{index}", question=index))
        await chats.say(chat, MessageKind.HINT, f"hint {index}", question=index)
        await chats.say(chat, MessageKind.ANSWER, f"cut {index}", role="candidate", complete=False)
        said.append(await chats.say(chat, MessageKind.ANSWER, f"a{index}", role="candidate", question=index))
    await chats.say(chat, MessageKind.MODEL_ANSWER, "the last word", question=5)

    assert [m.content for m in await chats.recent(chat, CONVERSATION, 3)] == ["a4", "q5", "a5"]
    assert await chats.recent(chat, CONVERSATION, 12) == said
    assert await chats.recent(chat, CONVERSATION, 50) == said  # back to the first page
    assert await chats.recent(chat, [MessageKind.EVALUATION], 5) == []
    assert await chats.recent(chat, CONVERSATION, 0) == []
    newest = await chats.newest(chat)  # the page a generation read already: the look back starts there
    assert [m.content for m in newest.items] == ["hint 5", "cut 5", "a5", "the last word"]
    assert await chats.recent(chat, CONVERSATION, 12, newest) == said


async def test_stored_finds_the_complete_message_under_its_key(store: ChatStore) -> None:
    chats = Transcript(store)
    chat = await store.create_chat(new_chat())
    hint = await chats.say(chat, MessageKind.HINT, "a nudge", question=0, dedupe="hint:1:0")
    await store.add_message(
        ALICE,
        chat.id,
        NewMessage(
            role="interviewer", kind="model_answer", content="cut", complete=False, dedupe_key="m:1:0"
        ),
    )
    assert await chats.stored(chat, "hint:1:0") == hint
    assert await chats.stored(chat, "m:1:0") is None  # incomplete: not a stored result
    assert await chats.stored(chat, "hint:1:1") is None
