"""Answers stay secret until asked for: no endpoint reveals key points, unrequested hints or model
answers, questions not yet asked, or scores before the evaluation is finished."""

from __future__ import annotations

import json

import httpx

from onlyjobless.domain.questions import BankQuestion
from onlyjobless.services.curated import get_curated_bank
from tests.support.api_client import Client, long_answer
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import evaluation_replies

BANK = get_curated_bank().get("devops", "en")
assert BANK is not None


def secrets_of(bank: tuple[BankQuestion, ...], *, asked: int, shown: tuple[str, ...] = ()) -> set[str]:
    """Everything of the rubric, and the questions after the first `asked`, minus what was shown."""
    found = {text for q in bank for text in (*q.key_points, q.hint, q.model_answer)}
    found |= {q.text for q in bank[asked:]}
    return found - set(shown)


def leaks(response: httpx.Response | object, secrets: set[str]) -> list[str]:
    body = response.text if isinstance(response, httpx.Response) else json.dumps(response, ensure_ascii=False)
    return sorted(s for s in secrets if s in body)


async def test_start_read_answer_and_the_chat_list_show_only_what_was_asked(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    started = await alice.start("devops")
    assert started.status_code == 201
    chat = started.json()
    assert leaks(started, secrets_of(BANK, asked=1)) == []
    assert [(q["index"], q["text"], q["hint"], q["model_answer"]) for q in chat["questions"]] == [
        (0, BANK[0].text, None, None)
    ]
    assert all("key_points" not in q for q in chat["questions"])
    read = await alice.get(f"/api/chats/{chat['id']}")
    assert leaks(read, secrets_of(BANK, asked=1)) == []
    answered = await alice.post(f"/api/chats/{chat['id']}/answer", json={"content": long_answer("docker")})
    assert answered.status_code == 200 and len(answered.json()["questions"]) == 2
    assert leaks(answered, secrets_of(BANK, asked=2)) == []
    assert leaks(await alice.get("/api/chats"), secrets_of(BANK, asked=2)) == []


async def test_a_requested_hint_is_shown_and_nothing_else(alice: Client, fake_ollama: FakeOllama) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.script(Reply(text="Think about what a layer caches."))
    status, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert status == 200 and leaks(events, secrets_of(BANK, asked=1)) == []
    read = await alice.get(f"/api/chats/{chat_id}")
    question = read.json()["questions"][0]
    assert question["hint"] == "Think about what a layer caches." and question["model_answer"] is None
    assert leaks(read, secrets_of(BANK, asked=1)) == []


async def test_offline_the_banks_own_hint_is_shown_once_requested_but_not_its_model_answer(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.set_models([])  # offline: the hint is the bank's own
    _, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert events[-1][1]["message"]["content"] == BANK[0].hint
    read = await alice.get(f"/api/chats/{chat_id}")
    assert read.json()["questions"][0]["hint"] == BANK[0].hint
    assert leaks(read, secrets_of(BANK, asked=1, shown=(BANK[0].hint,))) == []
    assert BANK[0].model_answer not in read.text


async def test_scores_and_feedback_appear_once_the_evaluation_is_finished(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    await alice.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("docker")})
    fake_ollama.set_models([])  # the offline estimate: no LLM reply to script
    _, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert events[-1][0] == "done"
    finished = (await alice.get(f"/api/chats/{chat_id}")).json()
    assert finished["status"] == "finished"
    first = finished["questions"][0]
    assert first["score"] is not None and first["feedback"] is not None
    assert all("key_points" not in q for q in finished["questions"])
    retried = await alice.post(f"/api/chats/{chat_id}/retry", json={"mode": "all"})
    assert retried.status_code == 200
    assert all(q["score"] is None and q["hint"] is None for q in retried.json()["questions"])


async def test_a_retry_does_not_carry_over_the_hint_and_model_answer_of_the_attempt_before(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.script(Reply(text="First attempt's nudge."))
    await alice.events(f"/api/chats/{chat_id}/hint")
    fake_ollama.script(Reply(text="First attempt's model answer."))
    await alice.events(f"/api/chats/{chat_id}/model-answer")
    await alice.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("docker")})
    fake_ollama.script(*evaluation_replies([5]))
    await alice.events(f"/api/chats/{chat_id}/finish")
    finished = (await alice.get(f"/api/chats/{chat_id}")).json()["questions"][0]
    assert (finished["hint"], finished["model_answer"]) == (
        "First attempt's nudge.",
        "First attempt's model answer.",
    )
    retried = await alice.post(f"/api/chats/{chat_id}/retry", json={"mode": "all"})
    assert retried.status_code == 200
    # The new attempt asks the same question afresh: nothing asked for in it yet, so nothing shown.
    assert [(q["hint"], q["model_answer"]) for q in retried.json()["questions"]] == [(None, None)] * 2
    fake_ollama.script(Reply(text="Second attempt's nudge."))
    _, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert events[-1][1]["message"]["content"] == "Second attempt's nudge."
    read = (await alice.get(f"/api/chats/{chat_id}")).json()["questions"][0]
    assert (read["hint"], read["model_answer"]) == ("Second attempt's nudge.", None)
