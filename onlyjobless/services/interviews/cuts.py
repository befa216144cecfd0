"""Hints and model answers cut off with their worker: the placeholder a stream keeps in the chat.

A hint or model answer stream adds an empty, incomplete placeholder to the chat when it takes
the user's generation lease (meta "writing": the lease's token) and removes it when it ends,
however it ends (its result is stored as before). A placeholder whose lease's holder is gone
(services/quota.py: no renewal for two renewal intervals) was cut: its worker died mid-stream.
A view shows it as a translated mark; while its stream runs, a view leaves it out.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, Message, MessageKind
from onlyjobless.services.quota import GenerationLeases

WRITING = "writing"  # meta of a placeholder: the lease token of the stream writing it
CUT = "cut"  # meta of a placeholder shown as cut


def placeholder_meta(token: str) -> dict[str, str]:
    return {WRITING: token}


def _token(message: Message) -> str | None:
    token = message.meta.get(WRITING)
    return token if isinstance(token, str) else None


def marked(message: Message, language: str) -> Message:
    """A cut placeholder as the chat shows it: the mark after whatever text was saved."""
    mark = i18n.translate(f"interview.cut_{message.kind}", language)
    content = f"{message.content}\n\n{mark}" if message.content else mark
    return message.model_copy(update={"content": content, "meta": {CUT: True}})


async def settle(
    leases: GenerationLeases, chat: Chat, messages: Sequence[Message]
) -> tuple[list[Message], bool]:
    """The messages as shown (cut placeholders marked, running ones left out) and whether a
    stream is still writing in this chat."""
    shown: list[Message] = []
    writing = False
    for message in messages:
        token = _token(message)
        if token is None:
            shown.append(message)
        elif await leases.alive(uuid.UUID(chat.user_id), token):
            writing = True
        else:
            shown.append(marked(message, chat.language))
    return shown, writing


async def cut_last(
    leases: GenerationLeases, chat: Chat, kind: MessageKind, messages: Sequence[Message]
) -> bool:
    """The latest try at this kind for the current question and attempt was cut (its worker died)."""
    tries = [
        m
        for m in messages
        if m.kind == kind and m.question_index == chat.current and m.attempt == chat.attempt
    ]
    if not tries:
        return False
    token = _token(tries[-1])
    return token is not None and not await leases.alive(uuid.UUID(chat.user_id), token)
