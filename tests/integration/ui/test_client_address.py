"""The sign-up form keys its throttle on the same client address as the REST API: the peer, or
behind a trusted proxy the address that proxy saw (the last X-Forwarded-For entry)."""

from __future__ import annotations

import pytest

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.ui.pages.auth import AuthFormState
from tests.support.reflex_tab import app_tab
from tests.support.ui_scenarios import PASSWORD

LIMIT = 2
PROXY = "10.0.0.2"  # every browser's websocket arrives from the proxy


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"registrations_per_address": LIMIT, "trust_proxy_headers": True})


async def _register(services: Services, monkeypatch: pytest.MonkeyPatch, name: str, forwarded: str) -> str:
    """Submit the sign-up form from a browser behind the proxy; the form's error ("" when created)."""
    async with app_tab(services, monkeypatch) as tab:
        tab.ip, tab.headers = PROXY, {"x-forwarded-for": forwarded}
        await tab.load("/register")
        form = {"username": name, "password": PASSWORD, "preferred_language": "en"}
        await (await tab.send(AuthFormState.register, form=form)).wait_all()
        return (await tab.state(AuthFormState)).error


async def test_behind_a_trusted_proxy_each_browser_has_its_own_allowance(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(LIMIT + 1):  # more browsers than one address may register from
        assert await _register(services, monkeypatch, f"browser{n}", f"198.51.100.{n}") == ""
    # A name the client wrote in front of the proxy's own entry changes nothing.
    for n in range(LIMIT):
        error = await _register(services, monkeypatch, f"spoof{n}", f"203.0.113.{n}, 192.0.2.9")
        assert error == ""
    assert "Too many accounts" in await _register(services, monkeypatch, "spoof9", "203.0.113.9, 192.0.2.9")
