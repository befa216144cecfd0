"""Two signed-in users for driving interviews through the REST API."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api_client import Client, sign_in


@pytest.fixture
async def alice(api: httpx.AsyncClient) -> Client:
    return await sign_in(api, "alice")


@pytest.fixture
async def bob(api: httpx.AsyncClient) -> Client:
    return await sign_in(api, "bob")
