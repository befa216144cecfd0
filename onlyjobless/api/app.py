"""The FastAPI app that Reflex mounts; OpenAPI docs at /docs, served without a CDN."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from onlyjobless.api import docs, errors
from onlyjobless.api.request_id import RequestId
from onlyjobless.api.routes import auth, chats, health, me, personal_data, progress, vacancies
from onlyjobless.services.hub import Services


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
    for module in (auth, me, personal_data, vacancies, chats, progress, health):
        api.include_router(module.router)
    app.include_router(api)
    errors.install(app)
    docs.install(app)
    app.add_middleware(RequestId, on_error=errors.unexpected)
    return app
