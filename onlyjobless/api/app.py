"""The FastAPI app that Reflex mounts; OpenAPI docs at /docs, served without a CDN."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from onlyjobless.api import docs, errors
from onlyjobless.api.body_limit import BodyLimit
from onlyjobless.api.request_id import RequestId
from onlyjobless.api.routes import auth, chats, health, me, personal_data, progress, vacancies
from onlyjobless.services.hub import Services

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _fallback(routers: list[APIRouter], prefix: str) -> Callable[[Request], Awaitable[None]]:
    """The answer for what no route takes: 405 with `Allow` when the path exists for other
    methods (GET on a POST route, OPTIONS), 404 otherwise; JSON either way, where the app's
    pages would otherwise answer in HTML."""
    known: list[tuple[re.Pattern[str], set[str]]] = [
        (compile_path(prefix + route.path)[0], set(route.methods or ()))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]

    async def unrouted(request: Request) -> None:
        path = request.url.path
        allowed = {method for regex, methods in known if regex.match(path) for method in methods}
        if allowed:
            raise HTTPException(
                status.HTTP_405_METHOD_NOT_ALLOWED, headers={"Allow": ", ".join(sorted(allowed))}
            )
        raise HTTPException(status.HTTP_404_NOT_FOUND)

    return unrouted


def create_api(services: Services | None = None) -> FastAPI:
    """Build the API; with no services given, the process-wide ones are used lazily."""
    app = FastAPI(
        title="OnlyJobless API",
        version=health.VERSION,
        description="Practise IT job interviews with an LLM.",
        docs_url=None,  # docs.install serves /docs with the app's own copy of Swagger UI
        redoc_url=None,  # ReDoc would come from a CDN too
        openapi_url="/openapi.json",
    )
    app.state.services = services
    api = APIRouter(prefix="/api")
    routers = [module.router for module in (auth, me, personal_data, vacancies, chats, progress, health)]
    for router in routers:
        api.include_router(router)
    # Last: what no route above takes stays a JSON answer of the API, never the UI's page.
    api.add_api_route(
        "/{rest:path}",
        _fallback(routers, api.prefix),
        methods=list(METHODS),
        include_in_schema=False,
        response_model=None,
    )
    app.include_router(api)
    errors.install(app)
    docs.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestId, on_error=errors.unexpected)  # added last: the outermost
    return app
