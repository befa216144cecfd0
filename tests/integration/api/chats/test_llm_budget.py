"""The LLM is a budget: stored hints and model answers are reused, and each user has a daily allowance."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

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
    assert sum(events[-1][0] == "done" for _, events in results) == 1
    # The others were refused: the one generation left was running, or was spent by then.
    assert all(_refusal(status, events) in REFUSALS for status, events in results if events[-1][0] != "done")
    assert len(fake_ollama.chat_requests) == 1
    assert (await alice.get("/api/budget")).json()["used"] == BUDGET


REFUSALS = {"generation_busy", "llm_budget_exhausted"}


def _refusal(status: int, events: list[tuple[str, dict[str, Any]]]) -> str:
    """The code of a refusal, before the stream (an HTTP error) or as its only event."""
    name, data = events[-1]
    return str(data["error"]["code"] if status != 200 else data["code"] if name == "error" else name)


async def test_concurrent_requests_never_take_from_the_budget_for_a_generation_that_did_not_run(
    api: httpx.AsyncClient, fake_ollama: FakeOllama, services: Services
) -> None:
    """Many hints, model answers and Finishes at once: one runs at a time (the rest are told so),
    only the ones that ran are counted, and none is refused for a budget that is not used up."""
    dora = await sign_in(api, "dora")
    fake_ollama.set_default(Reply(text="A generated nudge.", chunk_size=4, chunk_delay=0.01))
    chats = [(await dora.start(role)).json()["id"] for role in ("devops", "python developer", "qa engineer")]
    for chat_id in chats[:2]:
        await dora.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("docker")})
    kinds = ["hint"] * 5 + ["model-answer"] * 5 + ["finish"] * 2
    paths = [f"/api/chats/{chat_id}/{kind}" for chat_id in chats for kind in kinds]
    results = await asyncio.gather(*(dora.events(path) for path in paths))
    ran = [events[-1][1] for _, events in results if events[-1][0] == "done"]
    refused = [_refusal(status, events) for status, events in results if events[-1][0] != "done"]
    assert ran and set(refused) <= {"generation_busy"}, refused  # nothing is used up: no 429
    written = sum(1 for done in ran if "message" in done and not done.get("offline"))
    assert (await dora.get("/api/budget")).json()["used"] == written <= BUDGET


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
