"""The services' health check: each part on its own, in bounded time."""

from __future__ import annotations

import asyncio
import socket

from pydantic import SecretStr
from sqlalchemy import create_engine

from onlyjobless.llm import OllamaLLM
from onlyjobless.services.health import check_health
from onlyjobless.services.hub import Services, build_services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from tests.support.fake_ollama import FakeOllama


async def test_all_parts_up(services: Services) -> None:
    report = await services.health()
    assert (report.database, report.chat_store, report.llm) == ("ok", "ok", "ok")
    assert report.status == "ok" and report.serving


async def test_llm_down_is_degraded_but_serving(services: Services, fake_ollama: FakeOllama) -> None:
    fake_ollama.set_models(["some-other-model"])
    report = await services.health()
    assert report.llm == "down" and report.status == "degraded" and report.serving


async def test_database_down_is_not_serving(services: Services) -> None:
    services.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    report = await services.health()
    assert report.database == "down" and report.chat_store == "ok" and not report.serving


async def test_a_silent_llm_is_down_after_the_bound(services: Services) -> None:
    """A server that accepts connections and never answers cannot hold the check up."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        host, port = silent.getsockname()
        patient = OllamaLLM(f"http://{host}:{port}", "mistral", connect_timeout=600, first_token_timeout=600)
        async with asyncio.timeout(60):  # a guard against hanging, not a measurement
            report = await check_health(services.engine, services.interviews.store, patient, seconds=0.5)
    assert report.llm == "down" and report.database == "ok" and report.serving


async def test_prepare_sets_the_chat_store_up_or_says_it_cannot_yet(
    services: Services, settings: Settings
) -> None:
    assert await services.prepare()  # the SQL chat store: nothing to do, and it answers
    down = settings.model_copy(
        update={"mongodb_url": SecretStr("mongodb://127.0.0.1:1/?connectTimeoutMS=300")}
    )
    unreachable = build_services(down)
    store = unreachable.interviews.store
    assert isinstance(store, MongoChatStore)
    try:
        assert not await unreachable.prepare()  # logged; the indexes are made on first use
    finally:
        store._database.client.close()
