"""The shared question bank: curated first use, LLM generation, atomic switch, single flight."""

from __future__ import annotations

import asyncio
import json

import pytest

from onlyjobless.domain.errors import NotFound, Unavailable
from onlyjobless.llm import SUPPORTED_LANGUAGES
from onlyjobless.services.bank import QuestionBank
from onlyjobless.services.curated import get_curated_bank
from onlyjobless.services.hub import Services
from onlyjobless.services.vacancies import Vacancy, get_catalogue
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import bank_replies, bank_responder, generated_bank


def _uncurated_vacancy() -> Vacancy:
    """A catalogue role with no curated bank in any language, found at run time so new banks keep it valid."""
    curated = get_curated_bank()
    return next(
        vacancy
        for vacancy in get_catalogue().all()
        if not any(curated.get(vacancy.slug, language) for language in SUPPORTED_LANGUAGES)
    )


NOT_CURATED_VACANCY = _uncurated_vacancy()
NOT_CURATED = NOT_CURATED_VACANCY.slug


async def test_first_use_serves_curated_bank_without_llm(services: Services, fake_ollama: FakeOllama) -> None:
    snapshot = await services.bank.active("backend-python", "ru")
    assert snapshot.source == "curated"
    assert len(snapshot.questions) == 12
    assert snapshot.questions == get_curated_bank().get("backend-python", "ru")
    again = await services.bank.active("backend-python", "ru")
    assert again.version_id == snapshot.version_id
    assert fake_ollama.chat_requests == []


async def test_generation_happy_path(services: Services, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(*bank_replies())
    snapshot = await services.bank.active(NOT_CURATED, "en")
    assert snapshot.source == "llm"
    assert next(q.text for q in snapshot.questions).startswith("[v1]")
    assert len(snapshot.questions) == 12
    parts = fake_ollama.chat_requests
    assert len(parts) == 4  # three questions a reply, so no reply outgrows a small model's budget
    request = parts[0]
    assert request.format["properties"]["questions"]["maxItems"] == 4  # structured output was asked for
    assert NOT_CURATED_VACANCY.title("en") in request.prompt_text
    assert "<covered_topics>" not in request.prompt_text
    topics = [q.topic for q in snapshot.questions[:9]]
    assert all(f"- {topic}" in parts[3].last_user_message for topic in topics)  # the last part avoids them
    assert await services.bank.active_version_id(NOT_CURATED, "en") == snapshot.version_id


async def test_invalid_json_then_valid_retries_once(services: Services, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(invalid_json=True), *bank_replies())
    snapshot = await services.bank.active(NOT_CURATED, "en")
    assert snapshot.source == "llm"
    assert len(fake_ollama.chat_requests) == 5  # the first part asked twice, then the three others


async def test_parts_of_one_question_each_make_a_whole_bank(
    services: Services, fake_ollama: FakeOllama
) -> None:
    """The schema lets a part hold a single question: twelve such replies are a bank, not a failure."""
    fake_ollama.script(*bank_replies(part=1))
    snapshot = await services.bank.active(NOT_CURATED, "en")
    assert snapshot.source == "llm"
    assert len(snapshot.questions) == 12
    assert len(fake_ollama.chat_requests) == 12


async def test_points_padded_to_the_schemas_minimum_are_kept_as_written(
    services: Services, fake_ollama: FakeOllama
) -> None:
    """Held to a minimum length, a model may pad a short point ("DI "): that fits the schema sent."""
    questions = generated_bank()["questions"]
    assert isinstance(questions, list)
    questions[0] = {**questions[0], "topic": "C ", "key_points": ["DI ", " UI", "  Liskov  "]}
    fake_ollama.script(*(Reply(json={"questions": questions[i : i + 3]}) for i in range(0, 12, 3)))
    snapshot = await services.bank.active(NOT_CURATED, "en")
    assert (snapshot.questions[0].topic, snapshot.questions[0].key_points) == ("C ", ["DI ", " UI", "Liskov"])
    assert len(fake_ollama.chat_requests) == 4  # no part was refused
    assert (await services.bank.snapshot(snapshot.version_id)).questions == snapshot.questions  # read back


async def test_a_part_repeating_some_questions_keeps_its_new_ones(
    services: Services, fake_ollama: FakeOllama
) -> None:
    """A small model often asks again what it asked before: that question is dropped, not the part."""
    questions = generated_bank()["questions"]
    assert isinstance(questions, list)
    parts = [questions[0:3], [questions[1], questions[3], questions[3]], questions[4:7], questions[7:10]]
    parts.append(questions[10:12])
    fake_ollama.script(*(Reply(json={"questions": part}) for part in parts))
    snapshot = await services.bank.active(NOT_CURATED, "en")
    assert [q.text for q in snapshot.questions] == [q["text"] for q in questions]
    assert len(fake_ollama.chat_requests) == 5  # no part was refused; the short one was made up


async def test_a_part_cut_at_the_output_cap_is_asked_again_a_question_at_a_time(
    services: Services, fake_ollama: FakeOllama
) -> None:
    """A verbose model's three long answers run past the part's token cap (the fake cuts them there,
    as a server does): cut twice, the part is asked for one question a reply, which fits."""
    questions = generated_bank()["questions"]
    assert isinstance(questions, list)
    wordy = [{**q, "model_answer": (q["model_answer"] + " a" * 2000)[:3990]} for q in questions]  # ~2k tokens
    cut = Reply(json={"questions": wordy[:3]}, times=2)
    fake_ollama.script(cut, *(Reply(json={"questions": [q]}) for q in wordy))
    snapshot = await services.bank.active(NOT_CURATED, "en")
    assert [q.text for q in snapshot.questions] == [q["text"] for q in questions]
    first, retried, single = fake_ollama.chat_requests[:3]
    assert first.token_limit == single.token_limit == 4000 and len(fake_ollama.chat_requests) == 14
    assert "could not be used" in retried.last_user_message  # the corrective retry came first
    assert "how many: exactly 3." in first.prompt_text
    assert "how many: exactly 1." in single.prompt_text


async def test_garbage_twice_keeps_the_old_version(services: Services, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(*bank_replies("v1"))
    first = await services.bank.active(NOT_CURATED, "en")
    fake_ollama.script(Reply(invalid_json=True), Reply(invalid_json="schema"))
    outcome = await services.bank.regenerate(NOT_CURATED, "en")
    assert not outcome.ok and outcome.reason == "llm_invalid_output"
    assert (await services.bank.active(NOT_CURATED, "en")).version_id == first.version_id
    # A part repeating an earlier part's question is invalid, as is a bank that stays too short.
    first_part = bank_replies("v2")[0]
    fake_ollama.script(first_part, first_part, first_part)
    outcome = await services.bank.regenerate(NOT_CURATED, "en")
    assert not outcome.ok and outcome.reason == "llm_invalid_output"
    singles = bank_replies("v2", count=6, part=1)  # a question a reply, six times: the bank stays short
    fake_ollama.script(*singles)
    outcome = await services.bank.regenerate(NOT_CURATED, "en")
    assert not outcome.ok and outcome.reason == "llm_invalid_output"
    assert (await services.bank.active(NOT_CURATED, "en")).version_id == first.version_id
    # A good generation replaces it atomically.
    fake_ollama.script(*bank_replies("v3"))
    outcome = await services.bank.regenerate(NOT_CURATED, "en")
    assert outcome.ok
    current = await services.bank.active(NOT_CURATED, "en")
    assert current.version_id == outcome.version_id != first.version_id
    assert current.questions[0].text.startswith("[v3]")
    old = await services.bank.snapshot(first.version_id)
    assert old.questions[0].text.startswith("[v1]")


async def test_twenty_concurrent_first_uses_make_one_generation(
    services: Services, fake_ollama: FakeOllama
) -> None:
    fake_ollama.script(*bank_replies(chunk_size=200, chunk_delay=0.01, slow_first_token=0.3))
    results = await asyncio.gather(*(services.bank.active(NOT_CURATED, "en") for _ in range(20)))
    assert len({r.version_id for r in results}) == 1
    assert len(fake_ollama.chat_requests) == 4  # one generation, in its parts


async def test_two_processes_share_one_generation(services: Services, fake_ollama: FakeOllama) -> None:
    """A second QuestionBank on the same database stands for another worker process."""
    other = QuestionBank(services.engine, services.llm, services.catalogue, get_curated_bank(), build_wait=30)
    fake_ollama.script(*bank_replies(slow_first_token=0.5))
    first, second = await asyncio.gather(
        services.bank.active(NOT_CURATED, "en"), other.active(NOT_CURATED, "en")
    )
    assert first.version_id == second.version_id
    assert len(fake_ollama.chat_requests) == 4


async def test_llm_down_and_no_curated_bank_is_a_clear_refusal(
    services: Services, fake_ollama: FakeOllama
) -> None:
    fake_ollama.script(Reply(status=503), Reply(status=503))
    with pytest.raises(Unavailable) as caught:
        await services.bank.active(NOT_CURATED, "en")
    assert caught.value.code == "bank_unavailable"
    assert await services.bank.active_version_id(NOT_CURATED, "en") is None


async def test_unknown_vacancy_and_version(services: Services) -> None:
    with pytest.raises(NotFound):
        await services.bank.regenerate("no-such-role", "en")
    with pytest.raises(NotFound):
        await services.bank.snapshot(999_999)


async def test_regenerate_all_covers_banks_in_use(services: Services, fake_ollama: FakeOllama) -> None:
    await services.bank.active("backend-python", "en")
    await services.bank.active("devops", "ru")
    assert await services.bank.in_use() == [("backend-python", "en"), ("devops", "ru")]
    fake_ollama.respond_with(bank_responder("sched"))
    summary = await services.bank.scheduled_refresh()
    assert summary == "2 of 2 banks regenerated"
    snapshot = await services.bank.active("devops", "ru")
    assert snapshot.source == "llm"
    stats = await services.bank.stats()
    assert stats["versions"] == 4
    assert stats["vacancies"] >= 40
    named = await services.bank.regenerate_all("backend-go", None)
    assert {(o.vacancy_slug, o.language) for o in named} == {("backend-go", "en"), ("backend-go", "ru")}


async def test_generation_prompt_carries_language(services: Services, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(*bank_replies())
    await services.bank.regenerate(NOT_CURATED, "ru")
    prompt = fake_ollama.chat_requests[0].prompt_text
    assert NOT_CURATED_VACANCY.title("ru") in prompt
    assert json.dumps(fake_ollama.chat_requests[0].body["options"]).find("num_predict") >= 0
