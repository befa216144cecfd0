"""Server-Sent Events for generations: `delta` chunks, then `done` or `error`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi.responses import StreamingResponse

from onlyjobless import i18n
from onlyjobless.api.schemas import MessageOut
from onlyjobless.services.interviews import Delta, Done, Event, Failed, Reset


def _frame(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def stream_events(
    events: AsyncIterator[Event], language: str, done_body: Callable[[Done], dict[str, Any]]
) -> StreamingResponse:
    """Relay an engine generation to the client as it happens."""

    async def body() -> AsyncIterator[bytes]:
        async for event in events:
            if isinstance(event, Delta):
                yield _frame("delta", {"text": event.text})
            elif isinstance(event, Reset):
                yield _frame("reset", {})
            elif isinstance(event, Done):
                yield _frame("done", done_body(event))
            elif isinstance(event, Failed):
                message = i18n.error_message(event.code, language)
                partial = (
                    MessageOut.model_validate(event.partial).model_dump(mode="json")
                    if event.partial
                    else None
                )
                yield _frame("error", {"code": event.code, "message": message, "partial": partial})

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)
