"""A request id on every API request: the caller's X-Request-ID when it is a plain token, else a new
one. It is echoed in the response and named in the log lines about the request, so an operator can
match a user's report to the log without the log holding anything the user typed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]

HEADER = "x-request-id"
ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_of(scope: Scope) -> str:
    """The id given to this request (set by the middleware), or "-" outside it."""
    return str(scope.get("state", {}).get("request_id", "-"))


def _chosen(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name.decode("latin-1").lower() == HEADER:
            given: str = value.decode("latin-1")
            if ACCEPTED.fullmatch(given):
                return given
    return uuid.uuid4().hex


class RequestId:
    """ASGI middleware: picks the id, keeps it in the request's state and sends it back.

    An error that reaches it before the response began is answered by `on_error` (and goes no
    further, so the server does not log it again with its message).
    """

    def __init__(self, app: ASGIApp, on_error: ErrorHandler) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _chosen(scope)
        scope.setdefault("state", {})["request_id"] = rid

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != HEADER.encode()
                ]
                message = {**message, "headers": [*headers, (HEADER.encode(), rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started:
                raise
            response = await self.on_error(Request(scope), exc)
            await response(scope, receive, send_with_id)
