"""What the API documents besides success: the error body every refusal has, and which
statuses each route can answer with, so /openapi.json says what the code does."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from onlyjobless.api.body_limit import MAX_BODY_BYTES


class ErrorDetail(BaseModel):
    """A refusal: a stable code, a message in the caller's language, and the values it names
    (e.g. `retry_after`, `max`, `suggestions`)."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(examples=["username_taken"])
    message: str


class ErrorOut(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


WHY = {
    400: "The request cannot be read.",
    401: "Not signed in, or the token or session is invalid or expired (`WWW-Authenticate: Bearer`).",
    404: "Not found, or not yours.",
    409: "Taken already, or the resource's state does not allow it now.",
    413: f"The request body is over {MAX_BODY_BYTES // 1024} KB.",
    422: "A value is refused; the message says which rule it breaks.",
    429: "Throttled or over the daily quota; `Retry-After` says when to come back.",
    503: "A database, the chat store or the model is unreachable; nothing was changed.",
}


def _with_body_cap(statuses: tuple[int, ...]) -> tuple[int, ...]:
    """A route that reads values (422) can also get a body over the cap (413, api/body_limit.py)."""
    return tuple(sorted({*statuses, 413})) if 422 in statuses else statuses


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that may refuse with these statuses."""
    return {status: {"model": ErrorOut, "description": WHY[status]} for status in _with_body_cap(statuses)}


def stream_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The same for a route that streams events: its refusals are still JSON (FastAPI would
    give a model the route's own media type)."""
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    return {status: {"description": WHY[status], "content": body} for status in _with_body_cap(statuses)}


# The statuses of a route that reads or writes a database for a signed-in user.
PRIVATE = (401, 503)
