"""Rules both chat stores share, so they cannot drift: changes, cursors, limits, timestamps."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from pydantic import TypeAdapter

from onlyjobless.services.errors import InvalidInput
from onlyjobless.storage.chats.models import Chat

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


def as_utc(moment: datetime) -> datetime:
    """Aware UTC whatever the driver returned (naive values are UTC already)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


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
