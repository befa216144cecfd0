"""Outages on real servers: every route answers a translated 503, and works again once the part is back.

The SQL faults are injected on a PostgreSQL database of the test's own (connections refused and
the open ones terminated); the chat store's on the MongoDB wire server (stopped, then started).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from onlyjobless.storage.db import get_engine
from tests.support.api_client import PASSWORD, Client, sign_in
from tests.support.databases import PostgresOutage

UNAVAILABLE = {
    "en": "The service is temporarily unavailable.",
    "ru": "Сервис временно недоступен.",
}
STORE_DOWN = {
    "en": "Your interviews cannot be reached right now.",
    "ru": "Ваши собеседования сейчас недоступны.",
}


@pytest.fixture
def outage() -> Iterator[PostgresOutage]:
    database = PostgresOutage()
    yield database
    database.up()
    database.close()


@pytest.fixture
def engine(outage: PostgresOutage) -> Engine:
    """The conftest's settings and services on this test's own PostgreSQL database."""
    return get_engine(outage.url)


def every_route(chat_id: str, refresh_token: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    """One request of every API route family that reaches a store (method, path, JSON body)."""
    chat = f"/api/chats/{chat_id}"
    return [
        ("POST", "/api/auth/register", {"username": "bob", "password": PASSWORD}),
        ("POST", "/api/auth/login", {"username": "alice", "password": PASSWORD}),
        ("POST", "/api/auth/refresh", {"refresh_token": refresh_token}),
        ("POST", "/api/auth/logout", {"refresh_token": refresh_token}),
        ("POST", "/api/auth/session", {"ticket": "x" * 40}),
        ("GET", "/api/me", None),
        ("PATCH", "/api/me", {"preferred_language": "ru"}),
        ("POST", "/api/me/password", {"current_password": PASSWORD, "new_password": PASSWORD + "!"}),
        ("GET", "/api/quota", None),
        ("GET", "/api/chats", None),
        ("POST", "/api/chats", {"position": "devops"}),
        ("GET", chat, None),
        ("POST", f"{chat}/answer", {"content": "my secret answer about kubernetes"}),
        ("POST", f"{chat}/hint", None),
        ("POST", f"{chat}/model-answer", None),
        ("POST", f"{chat}/finish", None),
        ("POST", f"{chat}/retry", {"mode": "all"}),
        ("DELETE", "/api/chats", None),
    ]


async def _signed_in(api: httpx.AsyncClient) -> tuple[Client, str, str]:
    alice = await sign_in(api, "alice")
    login = await api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    started = await alice.start("devops")
    assert started.status_code == 201, started.text
    return alice, started.json()["id"], login.json()["refresh_token"]


def assert_unavailable(response: httpx.Response, language: str, texts: dict[str, str]) -> None:
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code == 503, f"{where}: {response.status_code} {response.text}"
    error = response.json()["error"]
    assert error["code"] in ("service_unavailable", "chat_store_down"), where
    assert error["message"].startswith(texts[language]) or error["message"].startswith(
        STORE_DOWN[language]
    ), where
    assert response.headers["retry-after"].isdigit()
    assert response.headers["x-request-id"]
    for leak in ("Traceback", "sqlalchemy", "psycopg", "SELECT", "pymongo"):
        assert leak not in response.text, where


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_every_route_answers_503_while_postgresql_is_down_and_recovers(
    api: httpx.AsyncClient, outage: PostgresOutage, language: str
) -> None:
    alice, chat_id, refresh_token = await _signed_in(api)
    headers = {**alice.headers, "Accept-Language": language}
    routes = every_route(chat_id, refresh_token)

    outage.down()
    for method, path, body in routes:
        assert_unavailable(await api.request(method, path, json=body, headers=headers), language, UNAVAILABLE)
    health = await api.get("/api/health")
    assert health.status_code == 503 and health.json()["database"] == "down"

    outage.up()  # no restart: the pool's stale connections are replaced on first use
    assert (await alice.get("/api/me")).status_code == 200
    assert (await alice.get(f"/api/chats/{chat_id}")).status_code == 200
    assert (await alice.get("/api/quota")).status_code == 200
    assert (await api.post("/api/auth/refresh", json={"refresh_token": refresh_token})).status_code == 200
    assert (await api.get("/api/health")).status_code == 200
    assert (await sign_in(api, "carol")).headers
