"""A signed-in tab on the app in-process, and a way to count what the pages ask the services."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from onlyjobless.services.hub import Services
from tests.support.reflex_tab import Tab, app_tab
from tests.support.ui_scenarios import PASSWORD, Calls, spy


@pytest.fixture
def calls(services: Services, monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Counts of the session check and of whole-chat reads."""
    counted = Calls({})
    spy(monkeypatch, services.accounts, "user_for_session", counted)
    spy(monkeypatch, services.interviews, "view", counted)
    return counted


@pytest.fixture
async def tab(services: Services, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Tab]:
    """A tab signed in as a new user (the session cookie set, as the browser would have it)."""
    async with app_tab(services, monkeypatch) as opened:
        user = await services.accounts.register("alice", PASSWORD, "en")
        pair = await services.accounts.redeem_ticket(await services.accounts.ticket_for_user(user.id))
        opened.sign_in(pair.refresh_token)
        yield opened
