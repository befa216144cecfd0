"""Retries and the daily interview limit: concurrent retries of one chat are told the truth."""

from __future__ import annotations

import asyncio

from tests.support.api_client import Client
from tests.support.fake_http import FakeLLMServer
from tests.support.finished import finished_chat


async def test_concurrent_retries_of_one_chat_take_one_interview_and_refuse_none_for_the_quota(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat = await finished_chat(alice, fake_llm, [5, 10])
    assert (await alice.get("/api/quota")).json()["remaining"] == 2
    results = await asyncio.gather(
        *(alice.post(f"/api/chats/{chat['id']}/retry", json={"mode": "all"}) for _ in range(5))
    )
    codes = sorted((r.status_code, r.json().get("error", {}).get("code")) for r in results)
    # One retry wins; the others lost the chat, not the day's interviews (one is still left).
    assert codes[0] == (200, None)
    assert set(codes[1:]) <= {(409, "chat_busy"), (409, "chat_not_finished")}, codes
    assert (await alice.get("/api/quota")).json()["remaining"] == 1
    assert (await alice.get(f"/api/chats/{chat['id']}")).json()["attempt"] == 2


async def test_a_retry_refused_by_the_quota_leaves_the_finished_chat_as_it_was(
    alice: Client, fake_llm: FakeLLMServer
) -> None:
    chat = await finished_chat(alice, fake_llm, [5, 10])
    for _ in range(2):
        assert (await alice.start("devops")).status_code == 201
    refused = await alice.post(f"/api/chats/{chat['id']}/retry", json={"mode": "mistakes"})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "quota_exhausted"
    after = (await alice.get(f"/api/chats/{chat['id']}")).json()
    same = ("status", "attempt", "round", "current", "overall_score", "summary", "questions")
    assert {key: after[key] for key in same} == {key: chat[key] for key in same}
    assert (await alice.get(f"/api/chats/{chat['id']}/report.md")).status_code == 200
