"""With the chat store unreachable, export and deletion answer 503 and the account stays whole."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.support.api_client import PASSWORD, sign_in

# Nothing listens on port 1; the store gives up within its server-selection timeout.
UNREACHABLE = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"mongodb_url": SecretStr(UNREACHABLE)})


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    yield services
    store = services.interviews.store
    assert isinstance(store, MongoChatStore)
    store._database.client.close()


async def test_nothing_is_deleted_while_the_chat_store_is_down(api: httpx.AsyncClient) -> None:
    alice = await sign_in(api, "alice")
    exported = await alice.get("/api/me/export")
    assert exported.status_code == 503 and exported.json()["error"]["code"] == "chat_store_down"

    refused = await api.request("DELETE", "/api/me", headers=alice.headers, json={"password": PASSWORD})
    assert refused.status_code == 503
    assert (await alice.get("/api/me")).json()["username"] == "alice"
    login = await api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert login.status_code == 200
