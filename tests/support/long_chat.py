"""A long chat seeded straight through the chat store: what years of retries would leave behind."""

from __future__ import annotations

from onlyjobless.domain.chats import MessageKind, MessageRole, NewMessage
from onlyjobless.storage.chats import ChatStore

# About the size of a real answer and of the interviewer's reply to it.
ANSWER = "I would keep the connection pool small and measure before tuning anything else. " * 4
REPLY = "Noted. Consider what happens under load when the pool is exhausted and requests queue."


def filler(number: int, attempt: int) -> NewMessage:
    """Message `number` of the seed: the candidate's answers and notes in turn, question 0."""
    if number % 2:
        return NewMessage(
            role=MessageRole.CANDIDATE,
            kind=MessageKind.ANSWER,
            content=f"#{number} {ANSWER}",
            question_index=0,
            attempt=attempt,
        )
    return NewMessage(
        role=MessageRole.SYSTEM, kind=MessageKind.NOTICE, content=f"#{number} {REPLY}", attempt=attempt
    )


async def seed_messages(
    store: ChatStore, user_id: str, chat_id: str, count: int, *, attempt: int = 1
) -> None:
    """Append `count` messages to the chat in order, numbered "#1" … in their text."""
    for number in range(1, count + 1):
        await store.add_message(user_id, chat_id, filler(number, attempt))
