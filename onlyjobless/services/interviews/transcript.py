"""A user's own chats and what is said in them, as the engine reads and writes them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from typing import Any

from onlyjobless.domain.chats import (
    Chat,
    ChatStatus,
    Message,
    MessageKind,
    MessagePage,
    MessageRole,
    NewMessage,
)
from onlyjobless.domain.errors import ChatStoreDown, Conflict
from onlyjobless.domain.text import refuse_nul
from onlyjobless.storage.chats import ChatStore

log = logging.getLogger(__name__)

RECENT_PAGE = 50  # messages read at a time when looking back for the last turns


def _as_id(value: object) -> str:
    """Ids are strings; anything else is simply an id that does not exist."""
    return value if isinstance(value, str) else ""


class Transcript:
    """The chat store seen from the engine: every read names the owner."""

    def __init__(self, store: ChatStore) -> None:
        self.store = store

    async def chat(self, user_id: uuid.UUID, chat_id: object) -> Chat:
        """The user's chat, or NotFound (someone else's chat does not exist)."""
        refuse_nul(chat_id)
        return await self.store.get_chat(str(user_id), _as_id(chat_id))

    async def active_chat(self, user_id: uuid.UUID, chat_id: object) -> Chat:
        """The user's chat while a question waits for its answer, or Conflict."""
        chat = await self.chat(user_id, chat_id)
        if chat.status != ChatStatus.ACTIVE or chat.current is None:
            raise Conflict("chat_not_active")
        return chat

    async def messages(self, chat: Chat) -> list[Message]:
        return await self.store.list_messages(chat.user_id, chat.id)

    async def stored(self, chat: Chat, dedupe: str) -> Message | None:
        """The complete message said under this dedupe key, if any (one read, not the whole chat)."""
        found = await self.store.find_message(chat.user_id, chat.id, dedupe)
        return found if found is not None and found.complete else None

    async def newest(self, chat: Chat) -> MessagePage:
        """The chat's newest RECENT_PAGE messages."""
        return await self.store.page_messages(chat.user_id, chat.id, limit=RECENT_PAGE)

    async def recent(
        self, chat: Chat, kinds: Collection[MessageKind], count: int, newest: MessagePage | None = None
    ) -> list[Message]:
        """The last `count` complete messages of these kinds, in order: read a page at a time from
        the newest (`newest`, when it was read already), only as far back as needed."""
        picked: list[Message] = []
        page = newest if newest is not None else await self.newest(chat)
        while True:
            picked[:0] = [m for m in page.items if m.kind in kinds and m.complete]
            if len(picked) >= count or page.before is None:
                return picked[-count:] if count > 0 else []
            page = await self.store.page_messages(
                chat.user_id, chat.id, limit=RECENT_PAGE, before=page.before
            )

    async def say(
        self,
        chat: Chat,
        kind: MessageKind,
        content: str,
        *,
        role: MessageRole = MessageRole.INTERVIEWER,
        question: int | None = None,
        dedupe: str | None = None,
        complete: bool = True,
        meta: dict[str, Any] | None = None,
    ) -> Message:
        """Append a message to the chat's current attempt (a repeated `dedupe` key adds nothing)."""
        return await self.store.add_message(
            chat.user_id,
            chat.id,
            NewMessage(
                role=role,
                kind=kind,
                content=content,
                complete=complete,
                question_index=question,
                attempt=chat.attempt,
                meta=meta or {},
                dedupe_key=dedupe,
            ),
        )

    async def forget(self, chat: Chat, message: Message) -> None:
        """Remove a running stream's placeholder once the stream is over; gone already is fine.
        With the store out of reach at that moment it stays (logged), and shows as cut later: the
        stream's own result, stored or not, is not lost to an error about its placeholder."""
        try:
            await self.store.delete_message(chat.user_id, chat.id, message.id)
        except ChatStoreDown:
            log.warning("a stream's placeholder was left in chat %s: the chat store is down", chat.id)

    async def ask(self, chat: Chat, index: int) -> Message:
        """The interviewer asks question `index` (once per attempt)."""
        return await self.say(
            chat,
            MessageKind.QUESTION,
            chat.questions[index].text,
            dedupe=f"question:{chat.attempt}:{index}",
            question=index,
        )
