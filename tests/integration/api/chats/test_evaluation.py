"""Finish through REST: a graded call per answer, rows streamed, and always a finished chat with a report."""

from __future__ import annotations

import uuid
from contextlib import aclosing

import pytest

from onlyjobless.services.hub import Services
from onlyjobless.services.interviews import Graded
from onlyjobless.services.interviews.engine import Interviews
from tests.support.api_client import Client, long_answer, sign_in
from tests.support.fake_http import FakeLLMServer
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.fixtures import BOTH_BACKENDS
from tests.support.llm_replies import evaluation_replies, grade_json

ANSWERS = ("", "yes", "I do not know.")  # with long answers: short, evasive, and everything between


async def _answered(client: Client, position: str, count: int, *, varied: bool = False) -> str:
    chat_id: str = (await client.start(position)).json()["id"]
    for number in range(count):
        answer = (ANSWERS[number % len(ANSWERS)] if varied else "") or long_answer(f"point {number}")
        answered = await client.post(f"/api/chats/{chat_id}/answer", json={"content": answer})
        assert answered.status_code == 200, answered.text
    return chat_id


@BOTH_BACKENDS
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_any_schema_valid_reply_ends_in_a_finished_chat_with_a_report(
    api: object, fake_llm: FakeLLMServer, language: str
) -> None:
    client = await sign_in(api, f"arbitrary-{language}", language)  # type: ignore[arg-type]
    for seed in (1, 2, 3):
        fake_llm.set_default(Reply(arbitrary=seed, times=None))
        chat_id = await _answered(
            client, "python разработчик" if language == "ru" else "devops", 4, varied=True
        )
        status, events = await client.events(f"/api/chats/{chat_id}/finish")
        assert status == 200
        rows = [data for name, data in events if name == "row"]
        name, done = events[-1]
        assert name == "done", events[-1]
        assert [r["number"] for r in rows] == [1, 2, 3, 4]
        assert all(0 <= r["score"] <= 10 for r in rows)
        chat = (await client.get(f"/api/chats/{chat_id}")).json()
        assert chat["status"] == "finished" and chat["evaluation_source"] in ("llm", "mixed", "offline")
        assert [q["score"] for q in done["questions"][:4]] == [r["score"] for r in rows]
        assert done["summary"] and done["message"]["kind"] == "evaluation"
    grades = [r for r in fake_llm.chat_requests if r.format and r.format.get("title") == "QuestionGrade"]
    assert "index" not in str(grades[0].format)  # nothing to number wrongly


@BOTH_BACKENDS
async def test_a_question_the_llm_cannot_grade_gets_the_labelled_estimate(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat_id = await _answered(alice, "devops", 2)
    # The first answer: unusable twice (the corrective retry too); the second: graded.
    fake_llm.script(
        Reply(invalid_json=True),
        Reply(invalid_json="schema"),
        Reply(json=grade_json(7)),
        {"json": {"summary": "Fine."}},
    )
    _, events = await alice.events(f"/api/chats/{chat_id}/finish")
    rows = [data for name, data in events if name == "row"]
    assert [(r["estimate"], r["feedback"]["estimate"]) for r in rows] == [(True, True), (False, False)]
    assert rows[1]["score"] == 7 and rows[0]["feedback"]["strong_answer"]  # the stored model answer
    done = events[-1][1]
    assert done["evaluation_source"] == "mixed" and done["offline"] is False and done["summary"] == "Fine."
    assert "(estimate)" in done["message"]["content"] and "could not be graded" in done["message"]["content"]
    chat = (await alice.get(f"/api/chats/{chat_id}")).json()
    assert chat["status"] == "finished" and chat["evaluation_source"] == "mixed"


@BOTH_BACKENDS
async def test_once_the_llm_is_away_the_rest_is_estimated_and_the_summary_composed(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat_id = await _answered(alice, "devops", 3)
    before = len(fake_llm.chat_requests)
    fake_llm.script(Reply(status=503), *evaluation_replies([9, 9]))
    _, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert len(fake_llm.chat_requests) == before + 1  # busy: not asked again in this evaluation
    done = events[-1][1]
    assert [q["estimate"] for q in done["questions"][:3]] == [True, True, True]
    assert done["evaluation_source"] == "offline" and done["offline"] is True
    assert done["summary"].startswith("This is an offline estimate")


async def test_a_chat_left_evaluating_is_evaluated_by_the_next_finish(
    alice: Client, services: Services, fake_ollama: FakeOllama
) -> None:
    chat_id = await _answered(alice, "devops", 2)
    user_id = uuid.UUID((await alice.get("/api/me")).json()["id"])
    fake_ollama.script(Reply(json=grade_json(5)))
    interviews: Interviews = services.interviews
    async with aclosing(await interviews.finish(user_id, chat_id)) as events:  # type: ignore[type-var]
        first = await anext(events)
        assert isinstance(first, Graded) and first.row.score == 5
    # Cut off after one row (a crash, a closed tab): the chat waits, and its lease is gone.
    chat = (await alice.get(f"/api/chats/{chat_id}")).json()
    assert chat["status"] == "evaluating" and chat["evaluation_due"] is True
    fake_ollama.script(*evaluation_replies([8, 4]))
    _, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert events[-1][0] == "done"
    assert [q["score"] for q in events[-1][1]["questions"][:2]] == [8, 4]
    assert (await alice.get(f"/api/chats/{chat_id}")).json()["status"] == "finished"


@BOTH_BACKENDS
async def test_grading_is_deterministic_and_sized_to_its_prompt(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat_id = await _answered(alice, "devops", 1)
    before = len(fake_llm.chat_requests)
    fake_llm.script(*evaluation_replies([6]))
    await alice.events(f"/api/chats/{chat_id}/finish")
    grade, summary = fake_llm.chat_requests[before:]
    for request in (grade, summary):
        if request.path.endswith("/api/chat"):
            options = request.options
            assert (options["temperature"], options["seed"]) == (0.0, 42)
            context = options["num_ctx"]
            assert context % 1024 == 0 and context >= len(request.prompt_text) // 3 + options["num_predict"]
        else:
            assert (request.body["temperature"], request.body["seed"]) == (0.0, 42)
    assert grade.token_limit == 800 and summary.token_limit == 400


@BOTH_BACKENDS
async def test_a_summary_the_llm_cannot_write_is_composed_from_the_results(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat_id = await _answered(alice, "devops", 2)
    fake_llm.script(Reply(json=grade_json(9)), Reply(json=grade_json(3)), Reply(invalid_json=True, times=2))
    _, events = await alice.events(f"/api/chats/{chat_id}/finish")
    done = events[-1][1]
    assert done["evaluation_source"] == "llm"
    first, second = (q["topic"] for q in done["questions"][:2])
    assert done["summary"] == f"Strongest answers: {first}. Study next: {second}."
