"""Reports and progress with the chats in MongoDB (over the real wire protocol)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.support.api_client import sign_in
from tests.support.fake_ollama import FakeOllama
from tests.support.finished import RUSSIAN_ANSWER, finished_chat


@pytest.fixture
def settings(settings: Settings, mongo_url: str, mongo_database: str) -> Settings:
    return settings.model_copy(update={"mongodb_url": SecretStr(mongo_url), "mongodb_db": mongo_database})


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    assert isinstance(services.interviews.store, MongoChatStore)
    yield services
    services.interviews.store._database.client.close()


async def test_report_and_progress_read_from_mongodb(api: httpx.AsyncClient, fake_ollama: FakeOllama) -> None:
    olga = await sign_in(api, "olga", "ru")
    first = await finished_chat(olga, fake_ollama, [5, 9])
    second = await finished_chat(olga, fake_ollama, [10])

    markdown = await olga.get(f"/api/chats/{first['id']}/report.md")
    assert markdown.status_code == 200 and "> " + RUSSIAN_ANSWER in markdown.text

    [role] = (await olga.get("/api/progress")).json()["roles"]
    assert [a["chat_id"] for a in role["attempts"]] == [first["id"], second["id"]]
    assert role["answered"] == 3 and role["weakest"][0]["average"] == 7.5  # (5 + 10) / 2
