"""Two app processes behind nginx, one product: PostgreSQL, the Mongo wire server and Redis shared.

Requests spread over both workers; the daily quota and the one-generation lease hold across them;
killing the worker that serves a stream loses nothing that was stored, the cut stream is marked,
and it can be asked again at once on the other worker and is counted once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from onlyjobless import i18n
from tests.support import databases
from tests.support.api_client import Client, long_answer, sign_in
from tests.support.cluster import Cluster, cluster
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.mongo_server import MongoServer

LIMIT = 3
LEASE_SECONDS = 2
HINT = "Think about what the interviewer wants to hear first, then give an example from your work."


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory, fake: FakeOllama) -> Iterator[Cluster]:
    database = f"onlyjobless_scale_{uuid.uuid4().hex[:8]}"
    sql = databases.postgres_url(database)
    try:
        with MongoServer() as mongo:
            overrides = {
                "ONLYJOBLESS_ENV": "test",
                "DATABASE_URL": sql,
                "MONGODB_URL": mongo.url,
                "MONGODB_DB": "onlyjobless_scale",
                "JWT_SECRET": uuid.uuid4().hex * 2,
                "OLLAMA_HOST": fake.url,
                "LLM_FIRST_TOKEN_TIMEOUT": "10",
                "LLM_TOTAL_TIMEOUT": "60",
                "DAILY_INTERVIEW_LIMIT": str(LIMIT),
                "GENERATION_LEASE_SECONDS": str(LEASE_SECONDS),
            }
            with cluster(tmp_path_factory.mktemp("cluster"), overrides, workers=2) as running:
                yield running
    finally:
        databases.drop_postgres(database)


def _user() -> str:
    return f"scale_{uuid.uuid4().hex[:8]}"


async def _api(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, timeout=30)


async def test_requests_spread_over_both_workers(two_workers: Cluster) -> None:
    async with await _api(two_workers.url) as api:
        client = await sign_in(api, _user())
        seen = set()
        for _ in range(6):
            response = await client.get("/api/chats")
            assert response.status_code == 200
            seen.add(response.headers["x-upstream"])
    assert seen == {f"127.0.0.1:{worker.port}" for worker in two_workers.workers}
    assert set(two_workers.served_by()) == {worker.port for worker in two_workers.workers}


async def test_a_token_from_one_worker_works_on_the_other(two_workers: Cluster) -> None:
    first, second = two_workers.workers
    async with await _api(first.url) as one, await _api(second.url) as other:
        client = await sign_in(one, _user())
        elsewhere = Client(other, client.headers)
        assert (await elsewhere.get("/api/me")).status_code == 200


async def test_the_daily_quota_holds_across_workers(two_workers: Cluster) -> None:
    first, second = two_workers.workers
    async with await _api(first.url) as one, await _api(second.url) as other:
        client = await sign_in(one, _user())
        clients = [client, Client(other, client.headers)]
        # Twice the limit at once, half on each worker: exactly the limit is granted.
        starts = await asyncio.gather(*(clients[n % 2].start("python developer") for n in range(2 * LIMIT)))
        codes = sorted(response.status_code for response in starts)
        assert codes == [201] * LIMIT + [429] * LIMIT
        quota = (await clients[1].get("/api/quota")).json()
        assert quota["used"] == LIMIT and quota["remaining"] == 0


async def test_one_generation_per_user_across_workers(two_workers: Cluster, fake: FakeOllama) -> None:
    first, second = two_workers.workers
    fake.script(Reply(text=HINT, tokens_per_second=20))
    async with await _api(first.url) as one, await _api(second.url) as other:
        client = await sign_in(one, _user())
        chat_id = (await client.start("python developer")).json()["id"]
        elsewhere = Client(other, client.headers)
        async with one.stream("POST", f"/api/chats/{chat_id}/hint", headers=client.headers) as stream:
            lines = stream.aiter_lines()
            while not (await anext(lines)).startswith("event: delta"):
                pass  # the first worker streams and holds the user's lease
            refused = await elsewhere.post(f"/api/chats/{chat_id}/model-answer")
            assert refused.status_code == 409 and refused.json()["error"]["code"] == "generation_busy"
            rest = [line async for line in lines]
        assert "event: done" in rest
    assert len(fake.chat_requests) >= 1


async def _first_delta(
    api: httpx.AsyncClient, client: Client, chat_id: str
) -> tuple[str, asyncio.Task[bool]]:
    """Open a hint stream through nginx and read its first chunk: the worker that streams it, and a
    task that reads on until the stream ends (True: with its `done` event; False: cut)."""
    request = api.build_request("POST", f"/api/chats/{chat_id}/hint", headers=client.headers)
    response = await api.send(request, stream=True)
    lines = response.aiter_lines()
    while not (await anext(lines)).startswith("event: delta"):
        pass
    return response.headers["x-upstream"], asyncio.create_task(_drain(response, lines))


async def _drain(response: httpx.Response, lines: AsyncIterator[str]) -> bool:
    try:
        text = "".join([line async for line in lines])
    except httpx.HTTPError:
        return False
    finally:
        await response.aclose()
    return "event: done" in text


async def test_killing_the_worker_that_streams_loses_nothing(two_workers: Cluster, fake: FakeOllama) -> None:
    async with await _api(two_workers.url) as api:
        client = await sign_in(api, _user())
        chat_id = (await client.start("python developer")).json()["id"]
        answered = await client.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("python")})
        assert answered.status_code == 200
        before = (await client.get(f"/api/chats/{chat_id}")).json()
        quota_before = (await client.get("/api/quota")).json()["used"]
        budget_before = (await client.get("/api/budget")).json()["used"]

        fake.script(Reply(text=" ".join([HINT] * 6), tokens_per_second=15))
        streaming_on, reader = await _first_delta(api, client, chat_id)
        victim = next(w for w in two_workers.workers if f"127.0.0.1:{w.port}" == streaming_on)
        victim.kill()
        assert await reader is False  # the client sees the stream cut, not a fake "done"

        # Everything stored before the crash is there, served by the survivor, and once the dead
        # worker's lease has missed its renewals the cut hint is marked in its place.
        after = await _until_marked(client, chat_id)
        assert [m["content"] for m in after["messages"][:-1]] == [m["content"] for m in before["messages"]]
        mark = after["messages"][-1]
        assert mark["kind"] == "hint" and not mark["complete"] and mark["meta"] == {"cut": True}
        assert mark["content"] == i18n.translate("interview.cut_hint", "en")
        assert not after["writing"]
        assert (await client.get("/api/quota")).json()["used"] == quota_before
        assert (await client.get("/api/budget")).json()["used"] == budget_before + 1  # the cut try

        # Asked again at once: the dead worker's lease is taken over; the hint is stored once.
        fake.script(Reply(text=HINT))
        status, events = await client.events(f"/api/chats/{chat_id}/hint")
        assert status == 200 and events[-1][0] == "done"
        final = (await client.get(f"/api/chats/{chat_id}")).json()
        hints = [m for m in final["messages"] if m["kind"] == "hint"]
        assert [h["content"] for h in hints if h["complete"]] == [HINT]
        assert [h["meta"] for h in hints] == [{"cut": True}, {}]
        assert (await client.get("/api/quota")).json()["used"] == quota_before
        assert (await client.get("/api/budget")).json()["used"] == budget_before + 1  # nothing counted twice

    victim.start()  # back to two workers for whatever runs next
    victim.wait_ready()


async def _until_marked(client: Client, chat_id: str) -> dict[str, Any]:
    """Read the chat until the cut hint is marked (bounded: a few lease lifetimes)."""
    for _ in range(LEASE_SECONDS * 20):
        chat: dict[str, Any] = (await client.get(f"/api/chats/{chat_id}")).json()
        if chat["messages"][-1]["meta"].get("cut"):
            return chat
        assert chat["writing"]  # until then the try counts as running
        await asyncio.sleep(LEASE_SECONDS / 8)
    raise AssertionError("the cut hint was never marked")
