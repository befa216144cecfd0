"""Security headers on the REST API's answers, errors, auth responses and docs, over HTTP in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from onlyjobless.api.app import create_api
from onlyjobless.api.security import HeaderPolicy, SecurityHeaders
from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings

PASSWORD = "correct horse battery"
PUBLIC_URL = "http://testserver"
EVERY_RESPONSE = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}


def _client(services: Services, settings: Settings, public_url: str = PUBLIC_URL) -> httpx.AsyncClient:
    policy = HeaderPolicy.from_settings(settings, public_url=public_url)
    app = SecurityHeaders(create_api(services), policy)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=public_url)


@pytest.fixture
async def secured(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(services, settings) as client:
        yield client


def _assert_protected(response: httpx.Response) -> None:
    for name, value in EVERY_RESPONSE.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "connect-src 'self' http://testserver ws://testserver" in policy
    assert "camera=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # COOKIE_SECURE is off


def _assert_private(response: httpx.Response) -> None:
    _assert_protected(response)
    assert response.headers.get_list("cache-control") == ["no-store"], response.request.url


async def _tokens(client: httpx.AsyncClient) -> dict[str, str]:
    registered = await client.post(
        "/api/auth/register", json={"username": "alice", "password": PASSWORD, "preferred_language": "en"}
    )
    _assert_private(registered)
    login = await client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert login.status_code == 200
    _assert_private(login)
    tokens: dict[str, str] = login.json()
    return tokens


async def test_private_answers_and_auth_responses_are_never_stored(secured: httpx.AsyncClient) -> None:
    tokens = await _tokens(secured)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}

    for response in (
        await secured.get("/api/me", headers=bearer),
        await secured.get("/api/quota", headers=bearer),
        await secured.get("/api/chats", headers=bearer),
        await secured.get("/api/vacancies", headers=bearer),
        await secured.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
    ):
        assert response.status_code == 200, response.text
        _assert_private(response)


async def test_the_cookie_session_routes_carry_the_headers(
    secured: httpx.AsyncClient, services: Services
) -> None:
    user = await services.accounts.register("bob", PASSWORD, "en")
    ticket = await services.accounts.ticket_for_user(user.id)

    opened = await secured.post("/api/auth/session", json={"ticket": ticket})
    assert opened.status_code == 204
    assert "HttpOnly" in opened.headers["set-cookie"]
    _assert_private(opened)
    ended = await secured.post("/api/auth/session/end", json={})  # the client kept the cookie
    assert ended.status_code == 204
    _assert_private(ended)


async def test_errors_carry_the_headers(secured: httpx.AsyncClient) -> None:
    unauthorised = await secured.get("/api/me")
    invalid = await secured.post("/api/auth/login", json={"username": 5})
    missing = await secured.get("/api/no-such-route")
    wrong_method = await secured.put("/api/health")

    assert [r.status_code for r in (unauthorised, invalid, missing, wrong_method)] == [401, 422, 404, 405]
    for response in (unauthorised, invalid, missing, wrong_method):
        _assert_private(response)
    outside = await secured.get("/no-such-page")
    assert outside.status_code == 404
    _assert_protected(outside)


async def test_an_unexpected_failure_still_carries_the_headers(
    secured: httpx.AsyncClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.accounts, "login", broken)
    crashed = await secured.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})

    assert crashed.status_code == 500
    assert crashed.json()["error"]["code"] == "internal"
    _assert_private(crashed)


async def test_public_documents_carry_the_headers_and_may_be_cached(secured: httpx.AsyncClient) -> None:
    health = await secured.get("/api/health")
    _assert_private(health)  # under /api/: never stored, like every API answer
    for path in ("/openapi.json", "/docs", "/docs/assets/swagger-ui.css", "/docs/assets/start.js"):
        response = await secured.get(path)
        assert response.status_code == 200, path
        _assert_protected(response)
        assert "no-store" not in response.headers.get("cache-control", ""), path


@pytest.mark.parametrize("secure", [True, False])
async def test_hsts_only_with_secure_cookies(services: Services, settings: Settings, secure: bool) -> None:
    chosen = settings.model_copy(update={"cookie_secure": secure})
    async with _client(services, chosen, "https://jobs.example.org") as client:
        responses = [await client.get("/api/health"), await client.get("/docs"), await client.get("/nowhere")]

    for response in responses:
        hsts = response.headers.get("strict-transport-security")
        assert (hsts == "max-age=31536000; includeSubDomains") if secure else (hsts is None)
        policy = response.headers["content-security-policy"]
        assert ("upgrade-insecure-requests" in policy) is secure
        assert "connect-src 'self' https://jobs.example.org wss://jobs.example.org" in policy
