"""Field types of the REST schemas that carry the rules the services enforce, so /openapi.json
states them: no NUL in any text, the username, password, answer and cursor rules.

A NUL is refused here with the error type "text_nul", a lone surrogate with "text_surrogate",
which api/errors.py answers with the translated 422 the services give for them too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from onlyjobless.domain.text import NUL, SURROGATE
from onlyjobless.services import passwords
from onlyjobless.settings import MAX_ANSWER_LENGTH

NO_NUL = r"^[^\u0000]*$"
USERNAME_PATTERN = r"^[\w.\-]{3,32}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_\-]+={0,2}$"
CURSOR_MAX = 200


def no_nul(value: Any) -> Any:
    """The value, unless it is text holding a NUL ("text_nul") or a lone surrogate ("text_surrogate")."""
    if isinstance(value, str) and NUL in value:
        raise PydanticCustomError("text_nul", "text must not contain the NUL character (U+0000)")
    if isinstance(value, str) and SURROGATE.search(value):
        raise PydanticCustomError("text_surrogate", "text must not contain a lone surrogate (U+D800-U+DFFF)")
    return value


def text(max_length: int | None, **schema: Any) -> Any:
    """A string field (to use inside Annotated) of at most max_length characters, without NUL."""
    return Field(max_length=max_length, json_schema_extra={"pattern": NO_NUL, **schema})


Checked = AfterValidator(no_nul)


def utc_text(moment: datetime) -> str:
    """A moment as RFC 3339 in UTC, always with microseconds, so every timestamp has one length and
    two of them compare as text the way they compare as times (a whole second is not shortened)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


Timestamp = Annotated[
    datetime,
    PlainSerializer(utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

Text = Annotated[str, Checked, text(1000)]
ShortText = Annotated[str, Checked, text(16)]
Token = Annotated[str, Checked, text(500)]
Username = Annotated[str, Checked, text(200)]
# Registration and rename: the service trims, then requires this pattern (Unicode letters and digits).
NewUsername = Annotated[str, Checked, text(200, pattern=USERNAME_PATTERN, minLength=3, maxLength=32)]
Password = Annotated[str, Checked, text(1000)]
NewPassword = Annotated[
    str, Checked, text(1000, minLength=passwords.MIN_LENGTH, maxLength=passwords.MAX_LENGTH)
]
# The answer's limit is enforced by the service, whose refusal names it.
Answer = Annotated[str, Checked, text(None, maxLength=MAX_ANSWER_LENGTH, minLength=1)]

# Query and path parameters.
# Enforced by the chat store, whose refusal ("cursor_invalid") names the problem.
Cursor = Annotated[
    str | None, Query(json_schema_extra={"pattern": CURSOR_PATTERN, "maxLength": CURSOR_MAX}), Checked
]
Search = Annotated[str, Query(max_length=200), Checked]
Language = Annotated[str | None, Query(max_length=8), Checked]
ChatId = Annotated[str, Path(max_length=64, description="A chat's id, as listed."), Checked]
