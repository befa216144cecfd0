"""A cap on the size of request bodies: the API reads a body whole, so an unbounded one is memory a
caller can take at will. The largest body a route needs (a 4,000-character answer, every character
escaped in JSON) is far below the cap."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onlyjobless import i18n

MAX_BODY_BYTES = 64 * 1024
CODE = "body_too_large"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _language(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name.lower() == b"accept-language":
            return i18n.pick_language(value.decode("latin-1"))
    return i18n.pick_language(None)


class BodyLimit:
    """ASGI middleware: a 413 with the API's JSON error body, before the route runs when the declared
    length is too large, else as soon as the bytes read pass the cap (a chunked body states no
    length): reading then fails with an HTTPException, which the API's handlers answer."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except HTTPException as exc:  # not answered inside (read outside a route's handlers)
            if exc.status_code != 413 or started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = i18n.translate(f"error.{CODE}", _language(scope), limit_kb=self.limit // 1024)
        body = json.dumps({"error": {"code": CODE, "message": message}}, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
