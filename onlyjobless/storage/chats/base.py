"""The one interface every chat store implements; the contract tests run against each."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from onlyjobless.domain.chats import Chat, ChatPage, Message, MessageKind, MessagePage, NewChat, NewMessage
from onlyjobless.storage.chats.crypto import ChatCipher


class RevisionConflict(Exception):
    """The chat changed since it was read: reload and try again."""


class ChatStore(Protocol):
    """Chats and their messages. Every call names the owner; another user's chat does not exist.

    Ids are opaque strings; an id that is not valid for the store, or not a string, is simply
    not found (NotFound from onlyjobless.domain.errors), never an error of the database.
    Every method may raise ChatStoreDown (domain.errors) when the backend is unreachable (within seconds).
    Chat contents are sealed with `cipher` (crypto.py) before they reach the backend.
    """

    cipher: ChatCipher

    async def create_chat(self, chat: NewChat) -> Chat:
        """Store a new chat (revision 0) and return it with its id and timestamps."""
        ...

    async def get_chat(self, user_id: str, chat_id: str) -> Chat:
        """The owner's chat, or NotFound."""
        ...

    async def list_chats(self, user_id: str, *, limit: int = 20, cursor: str | None = None) -> ChatPage:
        """The owner's chats newest first (created_at, then id), a page at a time.

        `cursor` is the opaque `next_cursor` of the previous page; a malformed cursor is
        InvalidInput("cursor_invalid"). limit is 1..100 (clamped).
        """
        ...

    async def update_chat(
        self, user_id: str, chat_id: str, revision: int, changes: Mapping[str, Any]
    ) -> Chat:
        """Set the given top-level fields if the stored revision still equals `revision`.

        Allowed fields: title, status, questions, round, current, attempt, bank_version,
        overall_score, summary, evaluation_source. Bumps revision and updated_at. Raises
        RevisionConflict when the revision moved, NotFound when not the owner's.
        """
        ...

    async def add_message(self, user_id: str, chat_id: str, message: NewMessage) -> Message:
        """Append a message (next seq). With a dedupe_key already used in this chat, return
        the existing message unchanged instead. NotFound when the chat is not the owner's."""
        ...

    async def delete_message(self, user_id: str, chat_id: str, message_id: str) -> bool:
        """Remove one message of the chat (a placeholder that served its turn); True when it was
        there. An id that names no message of this chat is False; NotFound when the chat is not
        the owner's. The numbering goes on: a removed seq is never given again."""
        ...

    async def find_message(self, user_id: str, chat_id: str, dedupe_key: str) -> Message | None:
        """The message stored under `dedupe_key` in the owner's chat, or None (also when the chat
        is not the owner's: nothing of it is found). One indexed read, however long the chat."""
        ...

    async def list_messages(self, user_id: str, chat_id: str) -> list[Message]:
        """The chat's messages in order (seq ascending); NotFound when not the owner's."""
        ...

    async def page_messages(
        self, user_id: str, chat_id: str, *, limit: int = 50, before: int | None = None
    ) -> MessagePage:
        """The newest `limit` messages (1..100, clamped) with seq below `before`, in order.

        `before` is an int >= 1 (a page's `before`); anything else is InvalidInput("cursor_invalid").
        NotFound when the chat is not the owner's.
        """
        ...

    async def latest_messages(
        self, user_id: str, chat_id: str, kinds: Collection[MessageKind], *, attempt: int | None = None
    ) -> list[Message]:
        """For each (kind, question_index) of the given kinds, the latest complete message
        (of that attempt when `attempt` is given), in order: what a view needs of a long chat
        (questions asked, hints given, answers) without reading all of it."""
        ...

    async def delete_all(self, user_id: str) -> int:
        """Delete every chat and message of the user; returns how many chats went."""
        ...

    async def ping(self) -> None:
        """Raise ChatStoreDown if the store is unreachable."""
        ...

    async def reencrypt(self) -> int:
        """Seal every record's contents again under the current key; how many were rewritten."""
        ...

    async def prepare(self) -> None:
        """Set the backend up (indexes) now rather than on first use; idempotent. ChatStoreDown
        when unreachable."""
        ...
