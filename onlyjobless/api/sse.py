"""Server-Sent Events for generations: `delta` chunks, then `done` or `error`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi.responses import StreamingResponse

from onlyjobless import i18n
from onlyjobless.api.schemas import MessageOut
from onlyjobless.domain.chats import Message
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services.interviews import Delta, Done, Event, Failed, Reset


def _frame(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def _error(code: str, message: str, partial: Message | None) -> bytes:
    kept = MessageOut.model_validate(partial).model_dump(mode="json") if partial else None
    return _frame("error", {"code": code, "message": message, "partial": kept})


def stream_events(
    events: AsyncIterator[Event], language: str, done_body: Callable[[Done], dict[str, Any]]
) -> StreamingResponse:
    """Relay an engine generation to the client as it happens."""

    async def body() -> AsyncIterator[bytes]:
        try:
            async for event in events:
                if isinstance(event, Delta):
                    yield _frame("delta", {"text": event.text})
                elif isinstance(event, Reset):
                    yield _frame("reset", {})
                elif isinstance(event, Done):
                    yield _frame("done", done_body(event))
                elif isinstance(event, Failed):
                    yield _error(event.code, i18n.error_message(event.code, language), event.partial)
        except ServiceError as exc:  # e.g. the chat store went away mid-stream: say so, in the stream
            yield _error(exc.code, i18n.error_message(exc, language), None)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)
