"""The LLM is a budget: stored hints and model answers are reused, and each user has a daily allowance."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta

import httpx
import pytest

from onlyjobless.domain.errors import TooManyRequests
from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from tests.support.api_client import Client, long_answer, sign_in
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply


async def test_asking_again_replays_the_stored_hint_and_model_answer_at_no_cost(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    for route, text in (("hint", "Think about layers."), ("model-answer", "Layers are cached.")):
        fake_ollama.script(Reply(text=text))
        _, first = await alice.events(f"/api/chats/{chat_id}/{route}")
        _, again = await alice.events(f"/api/chats/{chat_id}/{route}")
        assert [name for name, _ in again] == ["delta", "done"]
        assert again[0][1]["text"] == text and again[1][1]["message"] == first[-1][1]["message"]
    assert len(fake_ollama.chat_requests) == 2  # one per kind: the second clicks cost nothing


BUDGET = 4


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The usual test settings with a small daily budget of LLM generations."""
    return settings.model_copy(update={"llm_daily_budget": BUDGET})


async def _user_id(client: Client) -> uuid.UUID:
    return uuid.UUID((await client.get("/api/me")).json()["id"])


def _seconds_to_midnight() -> float:
    now = datetime.now(UTC)
    return (datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC) - now).total_seconds()


async def test_over_budget_a_new_generation_is_refused_with_retry_after_but_stored_ones_stay(
    alice: Client, fake_ollama: FakeOllama, services: Services
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.script(Reply(text="A hint worth keeping."))
    _, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert events[-1][0] == "done"
    assert (await alice.get("/api/budget")).json()["remaining"] == BUDGET - 1
    for _ in range(BUDGET - 1):
        await services.interviews.budget.consume(await _user_id(alice))
    async with alice.api.stream(
        "POST", f"/api/chats/{chat_id}/model-answer", headers=alice.headers
    ) as refused:
        await refused.aread()
    assert refused.status_code == 429
    assert abs(int(refused.headers["Retry-After"]) - _seconds_to_midnight()) < 5
    error = refused.json()["error"]
    assert error["code"] == "llm_budget_exhausted" and f"all {BUDGET} AI generations" in error["message"]
    # The hint already given is shown again: it costs nothing, so it is not refused.
    _, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert events[-1][1]["message"]["content"] == "A hint worth keeping."
    assert len(fake_ollama.chat_requests) == 1
    budget = (await alice.get("/api/budget")).json()
    assert budget["used"] == BUDGET and budget["remaining"] == 0 and budget["limit"] == BUDGET


async def test_the_refusal_is_translated(api: httpx.AsyncClient, services: Services) -> None:
    ivan = await sign_in(api, "ivan", "ru")
    chat_id = (await ivan.start("devops")).json()["id"]
    for _ in range(BUDGET):
        await services.interviews.budget.consume(await _user_id(ivan))
    status, events = await ivan.events(f"/api/chats/{chat_id}/hint")
    assert status == 429 and "генераций ИИ" in events[0][1]["error"]["message"]


async def test_the_last_generation_left_goes_to_exactly_one_of_many_concurrent_requests(
    alice: Client, fake_ollama: FakeOllama, services: Services
) -> None:
    # Three chats, hint and model answer each: six generations none of which can be a replay.
    chats = [(await alice.start(role)).json()["id"] for role in ("devops", "python developer", "qa engineer")]
    for _ in range(BUDGET - 1):
        await services.interviews.budget.consume(await _user_id(alice))
    fake_ollama.script(Reply(text="The one generation."))
    paths = [f"/api/chats/{chat_id}/{route}" for chat_id in chats for route in ("hint", "model-answer")]
    results = await asyncio.gather(*(alice.events(path) for path in paths))
    assert sorted(status for status, _ in results) == [200] + [429] * 5
    assert len(fake_ollama.chat_requests) == 1
    assert (await alice.get("/api/budget")).json()["used"] == BUDGET


async def test_offline_generations_cost_nothing_and_finish_is_never_refused(
    alice: Client, fake_ollama: FakeOllama, services: Services
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.set_models([])  # the model is missing: hints come from the bank
    _, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert events[-1][1]["offline"] is True
    assert (await alice.get("/api/budget")).json()["used"] == 0
    for _ in range(BUDGET):
        await services.interviews.budget.consume(await _user_id(alice))
    await alice.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("docker")})
    _, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert events[-1][0] == "done"  # an interview can always be evaluated
    assert (await alice.get("/api/budget")).json()["used"] == BUDGET


async def test_many_concurrent_takes_never_pass_the_budget(alice: Client, services: Services) -> None:
    user_id = await _user_id(alice)

    async def take() -> bool:
        try:
            await services.interviews.budget.consume(user_id)
        except TooManyRequests:
            return False
        return True

    taken = await asyncio.gather(*(take() for _ in range(BUDGET * 5)))
    assert sum(taken) == BUDGET
    assert (await services.interviews.budget.status(user_id)).used == BUDGET
