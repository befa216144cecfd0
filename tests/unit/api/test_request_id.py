"""The request-id middleware: ids chosen, echoed, and errors answered only before the response began."""

from __future__ import annotations

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

from onlyjobless.api.request_id import RequestId, request_id_of


async def _answer(_request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": type(exc).__name__}, status_code=500)


async def _call(app: RequestId, headers: list[tuple[bytes, bytes]] | None = None) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/x",
        "headers": headers or [],
        "query_string": b"",
    }
    await app(scope, receive, send)
    return sent


async def test_an_error_before_the_answer_is_answered_with_the_id() -> None:
    async def broken(scope: Scope, _receive: Receive, _send: Send) -> None:
        assert request_id_of(scope) == "client-given-id-1"
        raise RuntimeError("boom")

    sent = await _call(RequestId(broken, _answer), [(b"x-request-id", b"client-given-id-1")])
    assert sent[0]["status"] == 500
    assert (b"x-request-id", b"client-given-id-1") in sent[0]["headers"]


async def test_an_error_after_the_answer_began_is_not_answered_twice() -> None:
    async def streaming(_scope: Scope, _receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-request-id", b"spoofed")]})
        raise RuntimeError("mid-stream")

    app = RequestId(streaming, _answer)
    with pytest.raises(RuntimeError, match="mid-stream"):
        await _call(app)


async def test_other_scopes_pass_through() -> None:
    seen: list[str] = []

    async def lifespan(scope: Scope, _receive: Receive, _send: Send) -> None:
        seen.append(scope["type"])

    await RequestId(lifespan, _answer)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    assert seen == ["lifespan"] and request_id_of({}) == "-"
