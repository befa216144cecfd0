"""Registrations are throttled per client address: N per window, concurrent ones included."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from tests.support.api_client import PASSWORD

LIMIT = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Proxy headers trusted, so a test can speak from several addresses."""
    return settings.model_copy(update={"registrations_per_address": LIMIT, "trust_proxy_headers": True})


async def _register(api: httpx.AsyncClient, name: str, address: str, language: str = "en") -> httpx.Response:
    return await api.post(
        "/api/auth/register",
        json={"username": name, "password": PASSWORD},
        headers={"X-Forwarded-For": address, "Accept-Language": language},
    )


async def test_concurrent_registrations_from_one_address_stop_exactly_at_the_limit(
    api: httpx.AsyncClient,
) -> None:
    results = await asyncio.gather(*(_register(api, f"user{n}", "203.0.113.7") for n in range(LIMIT + 5)))
    assert sorted(r.status_code for r in results) == [201] * LIMIT + [429] * 5
    refused = next(r for r in results if r.status_code == 429)
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3605  # the window: an hour from the first
    error = refused.json()["error"]
    assert error["code"] == "registration_throttled" and "Too many accounts" in error["message"]
    # Another address is not held back; the refused names were not taken.
    assert (await _register(api, "user0x", "198.51.100.1")).status_code == 201
    created = {r.json()["username"] for r in results if r.status_code == 201}
    assert len(created) == LIMIT


async def test_failed_attempts_count_too_and_the_refusal_is_translated(api: httpx.AsyncClient) -> None:
    for _ in range(LIMIT):
        taken = await api.post(
            "/api/auth/register",
            json={"username": "x", "password": PASSWORD},  # an invalid name: refused, yet counted
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert taken.status_code == 422
    refused = await _register(api, "ivan", "203.0.113.9", "ru")
    assert refused.status_code == 429 and "слишком много аккаунтов" in refused.json()["error"]["message"]


async def test_behind_an_appending_proxy_what_the_client_wrote_in_front_does_not_count(
    api: httpx.AsyncClient,
) -> None:
    # A proxy that appends keeps the client's own X-Forwarded-For in front of the address it saw.
    spoofed = [_register(api, f"spoof{n}", f"198.51.100.{n}, 203.0.113.7") for n in range(LIMIT + 2)]
    results = await asyncio.gather(*spoofed)
    assert sorted(r.status_code for r in results) == [201] * LIMIT + [429] * 2


async def test_without_a_trusted_proxy_the_header_is_ignored(
    api: httpx.AsyncClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        services, "settings", services.settings.model_copy(update={"trust_proxy_headers": False})
    )
    results = [await _register(api, f"direct{n}", f"198.51.100.{n}") for n in range(LIMIT + 1)]
    assert [r.status_code for r in results] == [201] * LIMIT + [429]
