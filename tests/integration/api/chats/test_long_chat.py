"""A 5,000-message chat through the REST API: the newest page first, older pages on request."""

from __future__ import annotations

import httpx

from onlyjobless.domain.chats import MessageKind, MessageRole, NewMessage
from onlyjobless.services.hub import Services
from tests.support.api_client import Client
from tests.support.long_chat import seed_messages

SEEDED = 5000
OPEN_BYTES = 200_000  # the target for opening a chat of any length


async def test_a_long_chat_opens_with_its_newest_page_and_pages_back_to_the_start(
    alice: Client, services: Services
) -> None:
    chat = (await alice.start()).json()
    chat_id, user_id = chat["id"], (await alice.get("/api/me")).json()["id"]
    store = services.interviews.store
    hint = await store.add_message(
        user_id,
        chat_id,
        NewMessage(
            role=MessageRole.INTERVIEWER, kind=MessageKind.HINT, content="Early hint", question_index=0
        ),
    )
    await seed_messages(store, user_id, chat_id, SEEDED)
    last = 3 + SEEDED  # greeting, question, hint, then the seed

    opened = await alice.get(f"/api/chats/{chat_id}")
    assert opened.status_code == 200, opened.text
    assert len(opened.content) <= OPEN_BYTES
    body = opened.json()
    assert [m["seq"] for m in body["messages"]] == list(range(last - 49, last + 1))
    assert body["messages"][-1]["content"].startswith(f"#{SEEDED} ")
    assert body["before"] == last - 49
    # What the page does not hold still counts: the question is open, its early hint was given.
    assert body["questions"][0]["hint"] == "Early hint" and hint.seq == 3
    assert body["current"] == 0 and body["progress"]["position"] == 1

    seen: list[int] = [m["seq"] for m in body["messages"]]
    before = body["before"]
    while before is not None:
        page = (await alice.get(f"/api/chats/{chat_id}", params={"before": before, "limit": 100})).json()
        assert page["messages"] and page["messages"][-1]["seq"] == before - 1
        seen = [m["seq"] for m in page["messages"]] + seen
        before = page["before"]
    assert seen == list(range(1, last + 1))

    # An answer brings back the newest page again, not the whole chat.
    answered = await alice.post(f"/api/chats/{chat_id}/answer", json={"content": "A short answer."})
    assert answered.status_code == 200, answered.text
    assert len(answered.json()["messages"]) == 50 and len(answered.content) <= OPEN_BYTES
    assert answered.json()["messages"][-1]["seq"] > last


async def test_bad_paging_parameters_are_refused(alice: Client, api: httpx.AsyncClient, bob: Client) -> None:
    chat_id = (await alice.start()).json()["id"]
    # A `before` past a 64-bit integer is refused, not a 500 from the database driver.
    for params in (
        {"before": 0},
        {"before": "x"},
        {"before": 2**63},
        {"before": 10**20},
        {"limit": 0},
        {"limit": 101},
    ):
        response = await alice.get(f"/api/chats/{chat_id}", params=params)
        assert response.status_code == 422, params
    page = (await alice.get(f"/api/chats/{chat_id}", params={"limit": 1})).json()
    assert [m["kind"] for m in page["messages"]] == ["question"] and page["before"] == 2
    assert (await alice.get(f"/api/chats/{chat_id}", params={"before": 2})).json()["before"] is None
    assert (await bob.get(f"/api/chats/{chat_id}", params={"before": 2})).status_code == 404
    schema = (await api.get("/openapi.json")).json()
    names = {p["name"] for p in schema["paths"]["/api/chats/{chat_id}"]["get"]["parameters"]}
    assert {"before", "limit"} <= names
