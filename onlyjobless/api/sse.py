"""Server-Sent Events for generations, through FastAPI's own support: `delta` chunks (an evaluation:
a `row` per question as it is scored), then `done` or `error`.

A route that relays a generation is an async generator of ServerSentEvent with
`response_class=EventSourceResponse`; FastAPI frames the events, sets the no-cache and
no-buffering headers, pings an idle stream and stops the generation when the client leaves.
The generation itself is begun in a dependency, so a refusal before the first event (not your
chat, quota, busy) is still an ordinary JSON error with its HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi.sse import ServerSentEvent

from onlyjobless import i18n
from onlyjobless.api.schemas import MessageOut, ReportRowOut
from onlyjobless.domain.chats import Message
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services.interviews import Delta, Done, Event, Failed, Graded, Reset


def _event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    """One event with JSON data, non-ASCII kept as it is (Russian text stays compact)."""
    return ServerSentEvent(event=name, raw_data=json.dumps(data, ensure_ascii=False, default=str))


def _error(code: str, message: str, partial: Message | None) -> ServerSentEvent:
    kept = MessageOut.model_validate(partial).model_dump(mode="json") if partial else None
    return _event("error", {"code": code, "message": message, "partial": kept})


async def relay(
    events: AsyncIterator[Event], language: str, done_body: Callable[[Done], dict[str, Any]]
) -> AsyncIterator[ServerSentEvent]:
    """An engine generation as events, as it happens."""
    try:
        async for event in events:
            if isinstance(event, Delta):
                yield _event("delta", {"text": event.text})
            elif isinstance(event, Reset):
                yield _event("reset", {})
            elif isinstance(event, Graded):
                yield _event("row", ReportRowOut.of(event.row).model_dump(mode="json"))
            elif isinstance(event, Done):
                yield _event("done", done_body(event))
            elif isinstance(event, Failed):
                yield _error(event.code, i18n.error_message(event.code, language), event.partial)
    except ServiceError as exc:  # e.g. the chat store went away mid-stream: say so, in the stream
        yield _error(exc.code, i18n.error_message(exc, language), None)
