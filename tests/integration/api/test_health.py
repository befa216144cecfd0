"""GET /api/health: each part named; 503 only when the app cannot serve."""

from __future__ import annotations

import httpx
from pydantic import SecretStr
from sqlalchemy import create_engine

from onlyjobless.api.app import create_api
from onlyjobless.services.hub import Services, build_services
from onlyjobless.settings import Settings
from tests.support.fake_http import FakeLLMServer
from tests.support.fixtures import BOTH_BACKENDS


@BOTH_BACKENDS
async def test_health_reports_every_part(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["chat_store"], body["llm"]) == ("ok", "ok", "ok")
    assert body["down"] == []


async def test_health_reports_database_down(api: httpx.AsyncClient, services: Services) -> None:
    services.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = await api.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["status"] == "degraded"
    assert response.json()["down"] == ["database"]


@BOTH_BACKENDS
async def test_without_the_llm_the_app_still_serves(api: httpx.AsyncClient, fake_llm: FakeLLMServer) -> None:
    fake_llm.set_models([])  # the model is missing: hints and evaluations run offline
    response = await api.get("/api/health")
    assert response.status_code == 200
    assert response.json() | {"version": None} == {
        "status": "degraded",
        "database": "ok",
        "chat_store": "ok",
        "llm": "down",
        "down": ["llm"],
        "version": None,
    }


async def test_chat_store_down_is_a_503(settings: Settings) -> None:
    down = settings.model_copy(
        update={"mongodb_url": SecretStr("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500")}
    )
    transport = httpx.ASGITransport(app=create_api(build_services(down)))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["chat_store"]) == ("degraded", "ok", "down")
    assert body["down"] == ["chat_store"]
