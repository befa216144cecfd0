"""Every error leaves the API as JSON with a stable code and a translated message.

The services know no HTTP: the status of each kind of refusal is decided here, in one table.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from onlyjobless import i18n
from onlyjobless.api import body_limit
from onlyjobless.api.request_id import request_id_of
from onlyjobless.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    ServiceError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from onlyjobless.domain.text import NUL

log = logging.getLogger(__name__)

# How long a client should wait before trying again after a 503 (an outage, or the store busy).
RETRY_AFTER_SECONDS = 5

# The most specific class of an error decides (ChatStoreDown is an Unavailable: 503).
STATUS: dict[type[ServiceError], int] = {
    InvalidInput: 422,
    Unauthorized: 401,
    NotFound: 404,
    Conflict: 409,
    TooManyRequests: 429,
    Unavailable: 503,
    ServiceError: 400,
}


# Refusals of the HTTP layer itself, by status.
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: body_limit.CODE}


def status_of(error: ServiceError) -> int:
    """The HTTP status of a refusal: that of its nearest class in the table."""
    return next(STATUS[kind] for kind in type(error).__mro__ if kind in STATUS)


def request_language(request: Request) -> str:
    """The caller's language: set by the auth dependency, else Accept-Language."""
    chosen = getattr(request.state, "language", None)
    return chosen or i18n.pick_language(request.headers.get("accept-language"))


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def _holds_nul(problem: Any) -> bool:
    """A validation problem caused by a NUL character, wherever in the request it came."""
    value = problem.get("input")
    return problem.get("type") == "text_nul" or (isinstance(value, str) and NUL in value)


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into clear JSON answers."""

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        message = i18n.error_message(exc, request_language(request))
        headers = {}
        if isinstance(exc, TooManyRequests) and exc.retry_after:
            headers["Retry-After"] = str(exc.retry_after)
        if isinstance(exc, Unavailable):
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            _log_outage(request, exc)
        if isinstance(exc, Unauthorized):
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            error_body(exc.code, message, **exc.params), status_code=status_of(exc), headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(_holds_nul(item) for item in exc.errors()):
            text = i18n.error_message(InvalidInput("text_nul"), request_language(request))
            return JSONResponse(error_body("text_nul", text), status_code=422)
        if any(item.get("type") == "text_surrogate" for item in exc.errors()):
            text = i18n.error_message(InvalidInput("text_surrogate"), request_language(request))
            return JSONResponse(error_body("text_surrogate", text), status_code=422)
        problems = []
        for item in exc.errors():
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            problems.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
        detail = "; ".join(problems)[:500]
        message = i18n.error_message(InvalidInput("bad_request", detail=detail), request_language(request))
        return JSONResponse(error_body("bad_request", message), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "bad_request")
        params: dict[str, object] = {"detail": str(exc.detail)}
        if exc.status_code == 405:
            params = {"method": request.method}
        elif exc.status_code == 413:
            params = {"limit_kb": body_limit.MAX_BODY_BYTES // 1024}
        text = i18n.error_message(ServiceError(code, **params), request_language(request))
        return JSONResponse(error_body(code, text), status_code=exc.status_code, headers=exc.headers)


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A 500 for an error no handler expected (a bug), logged without the error's text.

    Called by the request-id middleware, which catches the error before Starlette's outermost
    middleware would hand it, message and all, to the server's log.
    """
    rid = request_id_of(request.scope)
    # Where it failed, by class and code line: an error's text can quote what was sent
    # (a database echoes the value it refused), so it stays out of the log.
    log.error(
        "unhandled %s on %s %s [request %s]\n%s",
        _classes(exc),
        request.method,
        request.url.path,
        rid,
        "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
    )
    text = i18n.error_message("internal", request_language(request))
    return JSONResponse(error_body("internal", text), status_code=500)


def _classes(exc: BaseException) -> str:
    """The error's class and those of its causes: "DataError <- InvalidTextRepresentation"."""
    names: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(names) < 5:
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


def _log_outage(request: Request, exc: Unavailable) -> None:
    """One line: what is down and why by class name, with the request id; never what was asked."""
    cause = getattr(exc, "cause", "") or "-"
    log.warning(
        "%s on %s %s (%s) [request %s]",
        exc.code,
        request.method,
        request.url.path,
        cause,
        request_id_of(request.scope),
    )
