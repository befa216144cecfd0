"""Every error leaves the API as JSON with a stable code and a translated message."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from onlyjobless import i18n
from onlyjobless.services.errors import ServiceError, TooManyRequests

log = logging.getLogger(__name__)


def request_language(request: Request) -> str:
    """The caller's language: set by the auth dependency, else Accept-Language."""
    chosen = getattr(request.state, "language", None)
    return chosen or i18n.pick_language(request.headers.get("accept-language"))


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into clear JSON answers."""

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        message = i18n.translate(f"error.{exc.code}", request_language(request), **exc.params)
        headers = {}
        if isinstance(exc, TooManyRequests) and exc.retry_after:
            headers["Retry-After"] = str(exc.retry_after)
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            error_body(exc.code, message, **exc.params), status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for item in exc.errors():
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            problems.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
        detail = "; ".join(problems)[:500]
        message = i18n.translate("error.bad_request", request_language(request), detail=detail)
        return JSONResponse(error_body("bad_request", message), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "bad_request"
        text = i18n.translate(f"error.{code}", request_language(request), detail=str(exc.detail))
        return JSONResponse(error_body(code, text), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        text = i18n.translate("error.internal", request_language(request))
        return JSONResponse(error_body("internal", text), status_code=500)
