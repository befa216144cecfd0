"""ChatStore.delete_message: a placeholder message goes once it served its turn, on every store."""

from __future__ import annotations

import pytest
from bson import ObjectId

from onlyjobless.domain.chats import NewMessage
from onlyjobless.domain.errors import NotFound
from onlyjobless.storage.chats import ChatStore
from tests.integration.storage.chats.test_contract import ALICE, BOB, new_chat


def _message(content: str) -> NewMessage:
    return NewMessage(role="interviewer", kind="hint", content=content, complete=False, question_index=2)


async def test_a_message_is_removed_and_its_number_is_not_given_again(store: ChatStore) -> None:
    chat = await store.create_chat(new_chat())
    first, placeholder = [await store.add_message(ALICE, chat.id, _message(text)) for text in ("a", "")]
    assert await store.delete_message(ALICE, chat.id, placeholder.id) is True
    assert await store.list_messages(ALICE, chat.id) == [first]
    assert (await store.page_messages(ALICE, chat.id)).items == [first]
    following = await store.add_message(ALICE, chat.id, _message("b"))
    assert following.seq == placeholder.seq + 1
    assert await store.delete_message(ALICE, chat.id, placeholder.id) is False  # gone already


async def test_only_the_owners_message_of_that_chat_goes(store: ChatStore) -> None:
    chat, other = await store.create_chat(new_chat()), await store.create_chat(new_chat())
    kept = await store.add_message(ALICE, chat.id, _message("kept"))
    with pytest.raises(NotFound):
        await store.delete_message(BOB, chat.id, kept.id)
    assert await store.delete_message(ALICE, other.id, kept.id) is False  # not a message of that chat
    for bad in ("", "nope", kept.id.upper(), str(ObjectId()), "0" * 32, None, 42):
        assert await store.delete_message(ALICE, chat.id, bad) is False  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await store.delete_message(ALICE, "nope", kept.id)
    assert await store.list_messages(ALICE, chat.id) == [kept]
