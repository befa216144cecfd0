"""Rules both chat stores share, so they cannot drift: changes, cursors, limits, timestamps."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar, cast

from pydantic import TypeAdapter

from onlyjobless.domain.chats import Chat, ChatPage, Message, MessageKind, MessagePage, NewChat, NewMessage
from onlyjobless.domain.clock import as_utc
from onlyjobless.domain.errors import ChatStoreDown, InvalidInput, NotFound
from onlyjobless.storage.chats.crypto import CHAT_SEALED, ChatCipher

T = TypeVar("T")

# The top-level chat fields update_chat may set (base.ChatStore.update_chat).
CHANGEABLE = frozenset(
    {
        "title",
        "status",
        "questions",
        "round",
        "current",
        "attempt",
        "bank_version",
        "overall_score",
        "summary",
        "evaluation_source",
    }
)
MAX_LIMIT = 100


@cache
def _adapter(field: str) -> TypeAdapter[Any]:
    """One validator per field, built from the Chat model so the types live in one place."""
    return TypeAdapter(cast(Any, Chat.model_fields[field].annotation))


def clean_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the requested changes and turn them into plain JSON-ready values.

    An unknown field or a value of the wrong type is a ValueError (pydantic's
    ValidationError is one): it is a programming error of the caller, never stored.
    """
    unknown = sorted(str(name) for name in changes if name not in CHANGEABLE)
    if unknown:
        raise ValueError(f"chat fields cannot be changed: {', '.join(unknown)}")
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        adapter = _adapter(name)
        cleaned[name] = adapter.dump_python(adapter.validate_python(value), mode="json")
    return cleaned


def clamp_limit(limit: int) -> int:
    """A page holds 1..100 chats whatever the caller asks."""
    return max(1, min(MAX_LIMIT, int(limit)))


def now() -> datetime:
    """Now in UTC at millisecond precision: what BSON keeps, so both stores round-trip alike."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def encode_cursor(created_at: datetime, chat_id: str) -> str:
    """The opaque position after a chat: urlsafe base64 of "created_at ISO|id"."""
    raw = f"{as_utc(created_at).isoformat()}|{chat_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode("ascii")


def decode_cursor(cursor: object, id_pattern: re.Pattern[str]) -> tuple[datetime, str]:
    """The (created_at, id) a cursor stands for; anything else is InvalidInput("cursor_invalid")."""
    try:
        if not isinstance(cursor, str) or len(cursor) > 200:
            raise ValueError("not a cursor")
        raw = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        stamp, chat_id = raw.split("|")
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None or not id_pattern.fullmatch(chat_id):
            raise ValueError("not a cursor")
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise InvalidInput("cursor_invalid") from exc
    return created_at.astimezone(UTC), chat_id


def message_cursor(before: object) -> int | None:
    """A page of messages ends below this seq: None, or an int >= 1; else cursor_invalid."""
    if before is None:
        return None
    if isinstance(before, bool) or not isinstance(before, int) or before < 1:
        raise InvalidInput("cursor_invalid")
    return before


def message_kinds(kinds: Collection[str]) -> list[str]:
    """The stored values of the requested kinds; an unknown kind is a ValueError (a bug)."""
    return sorted({MessageKind(kind).value for kind in kinds})


def latest_ids(rows: Iterable[tuple[Any, int, str, int | None]]) -> list[Any]:
    """Of (id, seq, kind, question_index) rows, the id of the highest seq per (kind, question)."""
    best: dict[tuple[str, int | None], tuple[int, Any]] = {}
    for record_id, seq, kind, question in rows:
        key = (str(kind), question)
        if key not in best or seq > best[key][0]:
            best[key] = (seq, record_id)
    return [record_id for _, record_id in sorted(best.values(), key=lambda pair: pair[0])]


def page_of(newest_first: list[Message], limit: int) -> MessagePage:
    """A page from up to limit + 1 messages read newest first (the extra one means "more")."""
    items = sorted(newest_first[:limit], key=lambda message: message.seq)
    before = items[0].seq if len(newest_first) > limit and items else None
    return MessagePage(items=items, before=before)


def owner(value: object) -> str:
    """User ids are strings; anything else (a dict above all) owns nothing and filters nothing."""
    if isinstance(value, str):
        return value
    raise NotFound("not_found")


class ThreadedChatStore(ABC):
    """The async ChatStore interface over a store's blocking methods, each run in a worker thread.

    Subclasses validate ids their own way (`_key`) and implement the `_sync` methods; the
    arguments reaching those are already typed and checked.
    """

    id_pattern: re.Pattern[str]
    # Seals the chat contents (crypto.CHAT_SEALED, MESSAGE_SEALED) before they are stored.
    cipher: ChatCipher
    # Errors that mean "the backend is not there", as opposed to a refused operation.
    unreachable: tuple[type[BaseException], ...] = ()

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking store work in a thread; an unreachable backend becomes ChatStoreDown."""
        try:
            return await asyncio.to_thread(fn, *args)
        except self.unreachable as exc:
            self._lost()
            raise ChatStoreDown(exc.__class__.__name__) from exc

    def _lost(self) -> None:
        """The backend was out of reach (a store that prepares its backend prepares it again)."""
        return

    def _prepare(self) -> None:
        """Blocking set-up before first use (indexes); nothing by default."""
        return

    async def prepare(self) -> None:
        """Set the backend up now rather than on first use; ChatStoreDown when unreachable."""
        await self._run(self._prepare)

    @abstractmethod
    def _key(self, chat_id: object) -> Any:
        """The store's own id for a chat id string, or NotFound."""

    async def create_chat(self, chat: NewChat) -> Chat:
        """Store a new chat (revision 0) and return it with its id and timestamps."""
        return await self._run(self._create_chat, chat)

    async def get_chat(self, user_id: str, chat_id: str) -> Chat:
        """The owner's chat, or NotFound."""
        return await self._run(self._get_chat, owner(user_id), self._key(chat_id))

    async def list_chats(self, user_id: str, *, limit: int = 20, cursor: str | None = None) -> ChatPage:
        """The owner's chats newest first, a page at a time."""
        after = None if cursor is None else decode_cursor(cursor, self.id_pattern)
        return await self._run(self._list_chats, owner(user_id), clamp_limit(limit), after)

    async def update_chat(
        self, user_id: str, chat_id: str, revision: int, changes: Mapping[str, Any]
    ) -> Chat:
        """Set fields if the revision still matches; bump revision and updated_at."""
        if not isinstance(revision, int) or isinstance(revision, bool):
            raise ValueError("revision must be an int")
        key = self._key(chat_id)
        values = self.cipher.seal_fields("chat", str(key), clean_changes(changes), CHAT_SEALED)
        return await self._run(self._update_chat, owner(user_id), key, revision, values)

    async def add_message(self, user_id: str, chat_id: str, message: NewMessage) -> Message:
        """Append a message with the next seq, or return the one with the same dedupe_key."""
        return await self._run(self._add_message, owner(user_id), self._key(chat_id), message)

    async def delete_message(self, user_id: str, chat_id: str, message_id: str) -> bool:
        """Remove one message of the owner's chat; True when it was there."""
        key = self._key(chat_id)
        try:
            message_key = self._key(message_id)  # messages have ids of the chats' shape
        except NotFound:
            message_key = None
        return await self._run(self._delete_message, owner(user_id), key, message_key)

    async def find_message(self, user_id: str, chat_id: str, dedupe_key: str) -> Message | None:
        """The message under this dedupe key in the owner's chat, or None."""
        if not isinstance(dedupe_key, str):
            raise ValueError("dedupe_key must be a string")
        return await self._run(self._find_message, owner(user_id), self._key(chat_id), dedupe_key)

    async def list_messages(self, user_id: str, chat_id: str) -> list[Message]:
        """The chat's messages by seq; NotFound when not the owner's."""
        return await self._run(self._list_messages, owner(user_id), self._key(chat_id))

    async def page_messages(
        self, user_id: str, chat_id: str, *, limit: int = 50, before: int | None = None
    ) -> MessagePage:
        """The newest `limit` messages below seq `before`, in order."""
        below = message_cursor(before)
        key = self._key(chat_id)
        return await self._run(self._page_messages, owner(user_id), key, clamp_limit(limit), below)

    async def latest_messages(
        self, user_id: str, chat_id: str, kinds: Collection[MessageKind], *, attempt: int | None = None
    ) -> list[Message]:
        """The latest complete message per (kind, question_index) of the given kinds, in order."""
        if attempt is not None and (isinstance(attempt, bool) or not isinstance(attempt, int)):
            raise ValueError("attempt must be an int")
        wanted = message_kinds(kinds)
        return await self._run(self._latest_messages, owner(user_id), self._key(chat_id), wanted, attempt)

    async def delete_all(self, user_id: str) -> int:
        """Delete every chat and message of the user; how many chats went."""
        return await self._run(self._delete_all, owner(user_id))

    async def ping(self) -> None:
        """Raise ChatStoreDown if the backend is unreachable."""
        await self._run(self._ping)

    async def reencrypt(self) -> int:
        """Seal again, under the current key, every record that is not (key rotation).

        Returns how many records were found stale and sealed again; a chat updated meanwhile
        is left for the next pass, so a pass that returns 0 leaves no value under another key.
        """
        return await self._run(self._reencrypt)

    @abstractmethod
    def _create_chat(self, chat: NewChat) -> Chat: ...

    @abstractmethod
    def _get_chat(self, user_id: str, chat_id: Any) -> Chat: ...

    @abstractmethod
    def _list_chats(self, user_id: str, limit: int, after: tuple[datetime, str] | None) -> ChatPage: ...

    @abstractmethod
    def _update_chat(self, user_id: str, chat_id: Any, revision: int, values: dict[str, Any]) -> Chat: ...

    @abstractmethod
    def _add_message(self, user_id: str, chat_id: Any, message: NewMessage) -> Message: ...

    @abstractmethod
    def _delete_message(self, user_id: str, chat_id: Any, message_id: Any) -> bool: ...

    @abstractmethod
    def _find_message(self, user_id: str, chat_id: Any, dedupe_key: str) -> Message | None: ...

    @abstractmethod
    def _list_messages(self, user_id: str, chat_id: Any) -> list[Message]: ...

    @abstractmethod
    def _page_messages(self, user_id: str, chat_id: Any, limit: int, before: int | None) -> MessagePage: ...

    @abstractmethod
    def _latest_messages(
        self, user_id: str, chat_id: Any, kinds: list[str], attempt: int | None
    ) -> list[Message]: ...

    @abstractmethod
    def _delete_all(self, user_id: str) -> int: ...

    @abstractmethod
    def _ping(self) -> None: ...

    @abstractmethod
    def _reencrypt(self) -> int: ...
