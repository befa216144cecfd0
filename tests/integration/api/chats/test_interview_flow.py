"""A whole interview through the REST API, on each LLM backend against its protocol's test double."""

from __future__ import annotations

import asyncio

import httpx

from onlyjobless.services.hub import Services
from tests.support.api_client import Client, long_answer, sign_in
from tests.support.fake_http import FakeLLMServer
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.fixtures import BOTH_BACKENDS
from tests.support.llm_replies import SUMMARY, bank_replies, evaluation_replies


@BOTH_BACKENDS
async def test_full_interview_retry_quota_stale_clear(
    alice: Client, api: httpx.AsyncClient, services: Services, fake_llm: FakeLLMServer
) -> None:
    assert (await alice.get("/api/quota")).json()["remaining"] == 3

    started = await alice.start("python разработчик")
    assert started.status_code == 201, started.text
    chat = started.json()
    chat_id = chat["id"]
    assert chat["vacancy"] == "backend-python" and chat["language"] == "en"
    assert len(chat["questions"]) == 1 and chat["progress"] == {"position": 1, "total": 12, "answered": 0}
    assert [m["kind"] for m in chat["messages"]] == ["greeting", "question"]
    assert "Python Backend Developer" in chat["messages"][0]["content"]
    assert chat["messages"][1]["content"] == chat["questions"][0]["text"]
    assert fake_llm.chat_requests == []  # starting calls no LLM
    assert (await alice.get("/api/quota")).json() == {**(await alice.get("/api/quota")).json(), "used": 1}

    # A hint and a model answer stream token by token and are stored.
    fake_llm.script(Reply(text="Think about what the interpreter does with threads."))
    status, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert status == 200
    assert [name for name, _ in events[:-1]] == ["delta"] * (len(events) - 1)
    assert "".join(e["text"] for _, e in events[:-1]) == "Think about what the interpreter does with threads."
    assert events[-1][0] == "done" and events[-1][1]["message"]["kind"] == "hint"
    assert "<question>" in fake_llm.chat_requests[-1].prompt_text
    fake_llm.script(Reply(text="A model answer."))
    status, events = await alice.events(f"/api/chats/{chat_id}/model-answer")
    assert events[-1][1]["message"]["kind"] == "model_answer"

    # Answering moves on without any LLM call.
    calls = len(fake_llm.chat_requests)
    for number in range(12):
        response = await alice.post(
            f"/api/chats/{chat_id}/answer", json={"content": long_answer(f"q{number}")}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["questions"][number]["used"] is True
        if number < 11:
            assert body["progress"]["position"] == number + 2
            assert body["messages"][-1]["kind"] == "question"
    assert len(fake_llm.chat_requests) == calls
    assert body["status"] == "evaluating" and body["evaluation_due"] is True
    late = await alice.post(f"/api/chats/{chat_id}/answer", json={"content": "one more"})
    assert late.status_code == 409

    scores = [10, 6, 10, 10, 3, 10, 10, 9, 10, 10, 10, 10]
    fake_llm.script(*evaluation_replies(scores, chunk_size=40))
    before = len(fake_llm.chat_requests)
    status, events = await alice.events(f"/api/chats/{chat_id}/finish")
    assert status == 200
    rows = [data for name, data in events if name == "row"]  # the report streamed row by row
    assert [(r["number"], r["score"], r["estimate"]) for r in rows] == [
        (n, s, False) for n, s in enumerate(scores, start=1)
    ]
    name, done = events[-1]
    assert name == "done"
    assert [q["score"] for q in done["questions"]] == scores
    assert [q["index"] for q in done["questions"] if q["mistakes"]] == [1, 4, 7]
    assert done["message"]["kind"] == "evaluation" and "6/10" in done["message"]["content"]
    assert done["overall_score"] == round(sum(scores) / 12, 1)
    assert done["summary"] == SUMMARY and done["evaluation_source"] == "llm"
    calls = fake_llm.chat_requests[before:]
    assert len(calls) == 13  # one call per answered question, then the summary
    assert all(c.last_user_message.count("<candidate_answer>") == 1 for c in calls[:12])
    assert [c.format["title"] for c in calls] == ["QuestionGrade"] * 12 + ["SummaryText"]
    assert list(calls[0].format["properties"]) == ["good", "missing", "score"]  # reasons before the score

    # Retry the mistakes: exactly the flagged questions are asked.
    retried = await alice.post(f"/api/chats/{chat_id}/retry", json={"mode": "mistakes"})
    assert retried.status_code == 200, retried.text
    retry = retried.json()
    assert retry["round"] == [1, 4, 7] and retry["current"] == 1 and retry["attempt"] == 2
    assert retry["progress"] == {"position": 1, "total": 3, "answered": 0}
    asked = []
    for _ in range(3):
        current = (await alice.get(f"/api/chats/{chat_id}")).json()["current"]
        asked.append(current)
        await alice.post(f"/api/chats/{chat_id}/answer", json={"content": long_answer("again")})
    assert asked == [1, 4, 7]
    fake_llm.script(*evaluation_replies([10, 10, 8]))
    status, events = await alice.events(f"/api/chats/{chat_id}/finish")
    final = (await alice.get(f"/api/chats/{chat_id}")).json()
    assert [q["index"] for q in final["questions"] if q["mistakes"]] == [7]
    assert (await alice.get("/api/quota")).json()["used"] == 2

    # A third interview is allowed, a fourth is refused until midnight UTC.
    assert (await alice.start("golang developer")).status_code == 201
    refused = await alice.start("frontend")
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "quota_exhausted" and "UTC" in error["message"]
    assert int(refused.headers["Retry-After"]) > 0
    quota = (await alice.get("/api/quota")).json()
    assert (quota["remaining"] == 0 and quota["resets_at"].endswith("00:00:00Z")) or "T00:00:00" in quota[
        "resets_at"
    ]

    # A bank refresh makes the chat stale.
    assert (await alice.get(f"/api/chats/{chat_id}")).json()["stale"] is False
    fake_llm.script(*bank_replies("fresh"))
    assert (await services.bank.regenerate("backend-python", "en")).ok
    assert (await alice.get(f"/api/chats/{chat_id}")).json()["stale"] is True
    listed = (await alice.get("/api/chats")).json()["items"]
    assert [(c["vacancy"], c["stale"]) for c in listed] == [("backend-go", False), ("backend-python", True)]

    # Clear history.
    assert (await alice.delete("/api/chats")).status_code == 204
    assert (await alice.get("/api/chats")).json() == {"items": [], "next_cursor": None}
    assert (await alice.get(f"/api/chats/{chat_id}")).status_code == 404


async def test_ten_parallel_starts_never_exceed_the_limit(api: httpx.AsyncClient) -> None:
    carol = await sign_in(api, "carol")
    results = await asyncio.gather(*(carol.start("devops") for _ in range(10)))
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 3 + [429] * 7
    assert (await carol.get("/api/quota")).json()["used"] == 3
    assert len((await carol.get("/api/chats")).json()["items"]) == 3


async def test_non_it_title_is_refused_with_suggestions(alice: Client) -> None:
    for title in ("повар", "truck driver", "", "x" * 500):
        response = await alice.start(title)
        assert response.status_code == 422, title
        error = response.json()["error"]
        assert error["code"].startswith("position_")
        assert len(error["suggestions"]) == 3
    assert (await alice.get("/api/quota")).json()["used"] == 0


async def test_resume_restores_everything(alice: Client) -> None:
    chat_id = (await alice.start("qa automation")).json()["id"]
    for number in range(3):
        await alice.post(f"/api/chats/{chat_id}/answer", json={"content": f"answer {number} " * 10})
    again = (await alice.get(f"/api/chats/{chat_id}")).json()
    assert again["current"] == 3 and again["progress"]["answered"] == 3
    assert [m["kind"] for m in again["messages"]] == ["greeting"] + ["question", "answer"] * 3 + ["question"]
    assert [q["used"] for q in again["questions"][:4]] == [True, True, True, False]


async def test_pagination_by_cursor(api: httpx.AsyncClient, services: Services) -> None:
    services.interviews.quota.limit = 100
    dave = await sign_in(api, "dave")
    ids = [(await dave.start("devops")).json()["id"] for _ in range(5)]
    first = (await dave.get("/api/chats", params={"limit": 2})).json()
    second = (await dave.get("/api/chats", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    third = (await dave.get("/api/chats", params={"limit": 2, "cursor": second["next_cursor"]})).json()
    seen = [c["id"] for page in (first, second, third) for c in page["items"]]
    assert seen == list(reversed(ids)) and third["next_cursor"] is None
    bad = await dave.get("/api/chats", params={"cursor": "!!!"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "cursor_invalid"


async def test_a_hint_is_asked_with_the_conversation_so_far(alice: Client, fake_ollama: FakeOllama) -> None:
    chat = (await alice.start("devops")).json()
    answer = long_answer("layers")
    answered = await alice.post(f"/api/chats/{chat['id']}/answer", json={"content": answer})
    assert answered.status_code == 200, answered.text
    following = answered.json()["messages"][-1]["content"]
    fake_ollama.script(Reply(text="Think of the cache."))
    status, events = await alice.events(f"/api/chats/{chat['id']}/hint")
    assert status == 200 and events[-1][0] == "done"
    prompt = "\n".join(m["content"] for m in fake_ollama.chat_requests[-1].body["messages"])
    # The greeting, the first question, the answer (as data) and the question now asked.
    for earlier in (chat["messages"][0]["content"], chat["messages"][1]["content"], answer, following):
        assert earlier in prompt
