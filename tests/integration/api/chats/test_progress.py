"""Progress across attempts through REST: scores over time, weakest topics, practising again."""

from __future__ import annotations

from tests.support.api_client import Client
from tests.support.fake_http import FakeLLMServer
from tests.support.finished import finished_chat


async def test_a_new_user_has_no_progress(alice: Client) -> None:
    response = await alice.get("/api/progress")
    assert response.status_code == 200
    assert response.json() == {"roles": []}


async def test_progress_after_two_finished_attempts_and_practising_again(
    alice: Client, bob: Client, fake_llm: FakeLLMServer
) -> None:
    first = await finished_chat(alice, fake_llm, [8, 2])
    second = await finished_chat(alice, fake_llm, [6])
    unfinished = (await alice.start("devops")).json()  # a role with nothing evaluated yet

    body = (await alice.get("/api/progress")).json()
    roles = {role["vacancy"]: role for role in body["roles"]}
    assert set(roles) == {"backend-python", "devops"}
    python = roles["backend-python"]
    assert python["title"] == first["title"]
    assert [(a["chat_id"], a["attempt"], a["score"]) for a in python["attempts"]] == [
        (first["id"], 1, first["overall_score"]),
        (second["id"], 1, second["overall_score"]),
    ]
    assert python["attempts"][0]["finished_at"] <= python["attempts"][1]["finished_at"]
    assert python["answered"] == 3
    assert python["average"] == round((first["overall_score"] + second["overall_score"]) / 2, 1)
    topics = [q["topic"] for q in first["questions"]]
    assert python["weakest"][0] == {"topic": topics[1], "average": 2.0, "questions": 1}
    if topics[0] != topics[1]:
        assert {"topic": topics[0], "average": 7.0, "questions": 2} in python["weakest"]
    devops = roles["devops"]
    assert devops["attempts"] == [] and devops["answered"] == 0 and devops["average"] is None
    assert devops["title"] == unfinished["title"]

    assert (await bob.get("/api/progress")).json() == {"roles": []}  # only one's own chats

    # All three of today's interviews are used: practising counts like any start.
    refused = await alice.post("/api/progress/backend-python/practise")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "quota_exhausted"


async def test_practising_starts_a_new_interview_for_the_role(alice: Client, fake_llm: FakeLLMServer) -> None:
    await finished_chat(alice, fake_llm, [5])
    started = await alice.post("/api/progress/backend-python/practise")
    assert started.status_code == 201, started.text
    chat = started.json()
    assert chat["vacancy"] == "backend-python" and chat["status"] == "active"
    assert [m["kind"] for m in chat["messages"]] == ["greeting", "question"]
    assert (await alice.get("/api/quota")).json()["used"] == 2

    unknown = await alice.post("/api/progress/frontend/practise")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "vacancy_unknown"
    assert (await alice.get("/api/quota")).json()["used"] == 2


async def test_progress_needs_a_signed_in_user(alice: Client) -> None:
    assert (await alice.api.get("/api/progress")).status_code == 401
