"""A role without a curated bank whose generation failed is not regenerated on every start."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import text

from onlyjobless.domain.clock import utcnow
from onlyjobless.llm import SUPPORTED_LANGUAGES
from onlyjobless.services.curated import get_curated_bank
from onlyjobless.services.hub import Services
from onlyjobless.services.vacancies import Vacancy, get_catalogue
from tests.support.api_client import Client, sign_in
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import bank_responder


def _uncurated() -> Vacancy:
    curated = get_curated_bank()
    return next(
        vacancy
        for vacancy in get_catalogue().all()
        if not any(curated.get(vacancy.slug, language) for language in SUPPORTED_LANGUAGES)
    )


ROLE = _uncurated()


def _fail_earlier(services: Services, minutes: int) -> None:
    """Move the failure back in time, as if the cool-down had run (or not) since."""
    with services.engine.begin() as connection:
        connection.execute(
            text("UPDATE bank_versions SET failed_at = :at WHERE failed_at IS NOT NULL"),
            {"at": utcnow() - timedelta(minutes=minutes)},
        )


async def _usage(client: Client) -> tuple[int, int]:
    quota, budget = (await client.get("/api/quota")).json(), (await client.get("/api/budget")).json()
    return quota["used"], budget["used"]


async def test_an_unusable_generation_is_not_retried_until_the_cool_down_ends(
    alice: Client, fake_ollama: FakeOllama, services: Services
) -> None:
    fake_ollama.script(Reply(invalid_json=True), Reply(invalid_json="schema"))  # the answer, its retry
    refused = await alice.start(ROLE.title("en"))
    assert refused.status_code == 503
    error = refused.json()["error"]
    assert error["code"] == "bank_generation_failed"
    assert "unavailable right now" in error["message"] and "10 min" in error["message"]
    assert "unreachable" not in error["message"]
    asked = len(fake_ollama.chat_requests)
    _fail_earlier(services, 4)
    again = await alice.start(ROLE.title("en"))
    assert again.status_code == 503 and again.json()["error"]["code"] == "bank_generation_failed"
    assert "6 min" in again.json()["error"]["message"]
    assert len(fake_ollama.chat_requests) == asked  # not regenerated
    assert await _usage(alice) == (0, 0)  # a start that made nothing costs nothing
    # Once the cool-down is over, the next start generates again (one generation of the budget).
    _fail_earlier(services, 11)
    fake_ollama.respond_with(bank_responder("fresh"))  # the bank is written in parts
    started = await alice.start(ROLE.title("en"))
    assert started.status_code == 201
    assert len(fake_ollama.chat_requests) > asked
    assert await _usage(alice) == (1, 1)


async def test_an_unreachable_generator_says_so_and_is_not_retried_meanwhile(
    api: httpx.AsyncClient, fake_ollama: FakeOllama
) -> None:
    ivan = await sign_in(api, "ivan", "ru")
    fake_ollama.set_default(Reply(status=503, times=None))
    refused = await ivan.start(ROLE.title("ru"))
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "bank_unavailable"
    assert "генератор вопросов недоступен" in refused.json()["error"]["message"]
    asked = len(fake_ollama.chat_requests)
    again = await ivan.start(ROLE.title("ru"))
    assert again.json()["error"]["code"] == "bank_unavailable"
    assert len(fake_ollama.chat_requests) == asked


async def test_a_start_that_would_generate_a_bank_needs_a_generation_left(
    alice: Client, fake_ollama: FakeOllama, services: Services
) -> None:
    services.interviews.budget.limit = 0
    refused = await alice.start(ROLE.title("en"))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "llm_budget_exhausted"
    assert fake_ollama.chat_requests == [] and await _usage(alice) == (0, 0)
    assert (await alice.start("devops")).status_code == 201  # a curated role needs none


async def test_concurrent_starts_that_share_one_bank_generation_count_it_once(
    api: httpx.AsyncClient, fake_ollama: FakeOllama
) -> None:
    alice, bob = await sign_in(api, "alice"), await sign_in(api, "bob")
    fake_ollama.respond_with(bank_responder("shared"))
    title = ROLE.title("en")
    starts = await asyncio.gather(alice.start(title), alice.start(title), bob.start(title))
    assert [r.status_code for r in starts] == [201] * 3
    assert len({r.json()["bank_version"] for r in starts}) == 1  # one bank, written once
    (alice_interviews, alice_generations), (bob_interviews, bob_generations) = (
        await _usage(alice),
        await _usage(bob),
    )
    assert (alice_interviews, bob_interviews) == (2, 1)
    # The start that had the LLM write the bank counts it; the ones that waited for it do not.
    assert alice_generations + bob_generations == 1
