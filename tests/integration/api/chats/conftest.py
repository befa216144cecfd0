"""Two signed-in users for driving interviews through the REST API."""

from __future__ import annotations

import httpx
import pytest

from onlyjobless.services.guard import shared_guard
from tests.support.api_client import Client, sign_in


@pytest.fixture(scope="session", autouse=True)
def _warm_guard() -> None:
    """The app warms the guard at start; these tests judge answers at once, so warm it first."""
    assert shared_guard().warm_up()


@pytest.fixture
async def alice(api: httpx.AsyncClient) -> Client:
    return await sign_in(api, "alice")


@pytest.fixture
async def bob(api: httpx.AsyncClient) -> Client:
    return await sign_in(api, "bob")
