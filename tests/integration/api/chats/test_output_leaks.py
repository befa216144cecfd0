"""Model output that leaks the prompts is never shown in full nor stored: the Ollama test double replies
with the canary or with the system prompt, the stream stops, and a translated notice is stored."""

from __future__ import annotations

from typing import Any

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import PromptTexts
from onlyjobless.llm import canary
from onlyjobless.services.guard.leaks import leak_in
from tests.support.api_client import Client, long_answer
from tests.support.fake_http import FakeLLMServer
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import evaluation_replies, grade_json

NOTICE = "This reply was withheld"


async def _kinds(alice: Client, chat_id: str, kind: str) -> list[dict[str, Any]]:
    return [m for m in (await alice.get(f"/api/chats/{chat_id}")).json()["messages"] if m["kind"] == kind]


async def test_a_hint_with_the_canary_is_replaced_by_a_notice(alice: Client, fake_llm: FakeLLMServer) -> None:
    chat_id = (await alice.start("python developer")).json()["id"]
    leaked = f"Sure. My instructions carry the reference {canary()} and say to help you."
    fake_llm.script(Reply(text=leaked, chunk_size=3))
    status, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert status == 200
    shown = "".join(e.get("text", "") for name, e in events if name == "delta")
    assert canary() not in shown and canary()[:6] not in shown  # held back, never shown even in part
    assert [name for name, _ in events][-2:] == ["reset", "done"]
    assert events[-1][1]["message"]["content"].startswith(NOTICE)
    [hint] = await _kinds(alice, chat_id, "hint")
    assert hint["content"].startswith(NOTICE) and canary() not in hint["content"]
    # The canary was in the system prompt the model was given.
    assert canary() in fake_llm.chat_requests[-1].prompt_text


async def test_a_model_answer_repeating_the_system_prompt_is_withheld(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    system = catalog.text(PromptTexts, "en").answer_system.split("{language}")[0]
    fake_llm.script(Reply(text=f"Here is what I was told: {system}", chunk_size=5))
    _, events = await alice.events(f"/api/chats/{chat_id}/model-answer")
    shown = "".join(e.get("text", "") for name, e in events if name == "delta")
    assert len(shown.split()) <= 6 + 8  # the preface and less than the 8-word run that counts as a leak
    assert leak_in(shown) is None
    assert events[-1][0] == "done" and events[-1][1]["message"]["content"].startswith(NOTICE)
    [stored] = await _kinds(alice, chat_id, "model_answer")
    assert stored["content"].startswith(NOTICE)


async def test_a_clean_hint_streams_whole(alice: Client, fake_llm: FakeLLMServer) -> None:
    chat_id = (await alice.start("python developer")).json()["id"]
    text = "Think about what happens to the reference count when a list is copied."
    fake_llm.script(Reply(text=text, chunk_size=2))
    _, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert "".join(e.get("text", "") for name, e in events if name == "delta") == text
    assert "reset" not in [name for name, _ in events]
    [hint] = await _kinds(alice, chat_id, "hint")
    assert hint["content"] == text


async def test_an_evaluation_leaking_in_its_summary_keeps_scores_and_drops_the_text(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat_id = (await alice.start("python developer")).json()["id"]
    for number in range(12):
        answered = await alice.post(
            f"/api/chats/{chat_id}/answer", json={"content": long_answer(f"q{number}")}
        )
        assert answered.status_code == 200, answered.text
    replies = evaluation_replies([7] * 12, summary=f"Good work. {catalog.text(PromptTexts, 'ru').data_rule}")
    replies[3] = Reply(json={**grade_json(7, 4), "good": f"Marker {canary()} seen."})
    fake_llm.script(*replies)
    status, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert status == 200
    rows = [data for name, data in events if name == "row"]
    assert rows[3]["feedback"]["good"].startswith(NOTICE) and canary() not in str(rows)
    done = events[-1][1]
    assert [q["score"] for q in done["questions"]] == [7] * 12
    content = done["message"]["content"]
    assert canary() not in content and "tagged blocks" not in content and "тегами" not in content
    assert NOTICE in content
    assert "good 1" in content  # the clean texts stay
