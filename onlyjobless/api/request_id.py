"""A request id on every API request: the caller's X-Request-ID when it is a plain token, else a new
one. It is echoed in the response and named in the log lines about the request, so an operator can
match a user's report to the log without the log holding anything the user typed."""

from __future__ import annotations

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    """ASGI middleware: picks the id, keeps it in the request's state and sends it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _chosen(scope)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != HEADER.encode()
                ]
                message = {**message, "headers": [*headers, (HEADER.encode(), rid.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_id)
