"""The chat store down (the MongoDB wire server stopped): chat routes answer a translated 503, the
rest of the app serves, and everything works again once the server is back, without a restart."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.integration.api.test_outages import STORE_DOWN, _signed_in, assert_unavailable, every_route
from tests.support.mongo_server import MongoServer


@pytest.fixture
def settings(settings: Settings, own_mongo_server: MongoServer) -> Settings:
    """Chats on a wire server this test may stop (the SQL database stays up)."""
    return settings.model_copy(
        update={"mongodb_url": SecretStr(own_mongo_server.url), "mongodb_db": "outage"}
    )


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    yield services
    store = services.interviews.store
    assert isinstance(store, MongoChatStore)
    store._database.client.close()


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_chat_routes_answer_503_while_the_chat_store_is_down_and_recover(
    api: httpx.AsyncClient, own_mongo_server: MongoServer
) -> None:
    alice, chat_id, _ = await _signed_in(api)
    chat_routes = [route for route in every_route(chat_id, "") if "/chats" in route[1]]

    own_mongo_server.stop()
    for method, path, body in chat_routes:
        response = await api.request(method, path, json=body, headers=alice.headers)
        assert_unavailable(response, "en", STORE_DOWN)
        assert response.json()["error"]["code"] == "chat_store_down"
    assert (await alice.get("/api/me")).status_code == 200  # accounts live in SQL, still up
    health = (await api.get("/api/health")).json()
    assert (health["database"], health["chat_store"]) == ("ok", "down")

    own_mongo_server.start()  # same port, same data: the client reconnects by itself
    listed = await alice.get("/api/chats")
    assert listed.status_code == 200 and [item["id"] for item in listed.json()["items"]] == [chat_id]
    assert (await alice.get(f"/api/chats/{chat_id}")).status_code == 200
    assert (await alice.start("python")).status_code == 201
