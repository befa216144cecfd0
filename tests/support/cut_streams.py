"""What a worker killed while it streams a hint or model answer leaves behind, made directly."""

from __future__ import annotations

import uuid

from onlyjobless.domain.chats import MessageKind, MessageRole, NewMessage
from onlyjobless.domain.clock import utcnow
from onlyjobless.services.hub import Services
from onlyjobless.services.interviews.cuts import WRITING
from onlyjobless.storage.quota import LeaseStore


async def killed_mid_stream(services: Services, user_id: uuid.UUID, chat_id: str, kind: MessageKind) -> None:
    """A counted generation, its lease renewed just now and never again (nor released), and its
    placeholder in the chat."""
    assert await services.interviews.budget.spend(user_id)
    now = utcnow()
    ttl = services.interviews.leases.ttl
    assert await LeaseStore(services.engine).acquire(user_id, "dead-worker", now, now + ttl)
    chat = await services.interviews.store.get_chat(str(user_id), chat_id)
    placeholder = NewMessage(
        role=MessageRole.INTERVIEWER,
        kind=kind,
        content="",
        complete=False,
        question_index=chat.current,
        attempt=chat.attempt,
        meta={WRITING: "dead-worker"},
    )
    await services.interviews.store.add_message(str(user_id), chat_id, placeholder)
