"""Download my data and delete my account, through the REST API, on both chat stores.

Accounts, sessions and quota live in the SQL database (SQLite and PostgreSQL through `engine`);
the chats in the same database or in MongoDB over the wire protocol.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text

from onlyjobless.services.guard import shared_guard
from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.storage.chats.sql import SqlChatStore
from tests.support.api_client import PASSWORD, Client, long_answer, sign_in
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

HINT = "Think about what breaks first."
SQL_TABLES_BY_USER = ("refresh_tokens", "login_tickets", "interview_counters", "generation_leases")


@pytest.fixture(scope="module", autouse=True)
def _warm_guard() -> None:
    assert shared_guard().warm_up()


@pytest.fixture(params=["sql-chats", "mongo-chats"])
def settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sql-chats":
        return settings
    url, database = request.getfixturevalue("mongo_url"), request.getfixturevalue("mongo_database")
    return settings.model_copy(update={"mongodb_url": SecretStr(url), "mongodb_db": database})


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    yield services
    store = services.interviews.store
    if isinstance(store, MongoChatStore):
        store._database.client.close()


async def interview(client: Client, fake_ollama: FakeOllama, topic: str) -> tuple[str, str]:
    """A chat with a hint and an answer; its id and the answer."""
    started = await client.start("devops")
    assert started.status_code == 201, started.text
    chat_id = started.json()["id"]
    fake_ollama.script(Reply(text=HINT))
    status, events = await client.events(f"/api/chats/{chat_id}/hint")
    assert status == 200 and events[-1][0] == "done"
    answer = long_answer(topic)
    answered = await client.post(f"/api/chats/{chat_id}/answer", json={"content": answer})
    assert answered.status_code == 200, answered.text
    return chat_id, answer


def raw_chat_records(services: Services, user_id: str) -> int:
    """How many chats and messages the chat store holds for a user, counted in the backend."""
    store = services.interviews.store
    if isinstance(store, MongoChatStore):
        return sum(
            store._database[name].count_documents({"user_id": user_id}) for name in ("chats", "messages")
        )
    assert isinstance(store, SqlChatStore)
    with services.engine.connect() as connection:
        return sum(
            connection.execute(
                text(f"SELECT count(*) FROM {name} WHERE user_id = :u"), {"u": user_id}
            ).scalar_one()
            for name in ("chats", "chat_messages")
        )


def sql_rows(services: Services, user_id: str, username: str) -> dict[str, int]:
    """The user's rows in each SQL table that can name them."""
    counts: dict[str, int] = {}
    with services.engine.connect() as connection:
        # uuid columns: SQLite stores the hex without dashes, PostgreSQL a uuid; compare as text.
        for table in (*SQL_TABLES_BY_USER, "users"):
            column = "id" if table == "users" else "user_id"
            rows = connection.execute(text(f"SELECT {column} FROM {table}")).scalars().all()
            counts[table] = sum(str(value).replace("-", "") == user_id.replace("-", "") for value in rows)
        counts["login_failures"] = connection.execute(
            text("SELECT count(*) FROM login_failures WHERE key = :k"), {"k": f"user:{username}"}
        ).scalar_one()
    return counts


async def test_export_holds_the_account_and_every_chat(
    api: httpx.AsyncClient, services: Services, fake_ollama: FakeOllama
) -> None:
    alice, bob = await sign_in(api, "alice"), await sign_in(api, "bob")
    chat_id, answer = await interview(alice, fake_ollama, "rollouts")
    await interview(bob, fake_ollama, "bob's secret topic")

    response = await alice.get("/api/me/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="onlyjobless-data-')
    assert response.headers["cache-control"] == "no-store"
    exported: dict[str, Any] = response.json()
    me = (await alice.get("/api/me")).json()
    assert exported["account"] == me
    assert exported["format"] == 1
    # No credential of any kind: not the password, nor its hash (Argon2 PHC string), nor a token.
    assert PASSWORD not in response.text and "$argon2" not in response.text
    assert not {"password_hash", "token_hash", "refresh_token"} & set(exported["account"])
    assert [chat["id"] for chat in exported["chats"]] == [chat_id]
    chat = exported["chats"][0]
    assert "user_id" not in chat and chat["questions"][0]["text"]
    kinds = [(m["kind"], m["content"]) for m in chat["messages"]]
    assert ("hint", HINT) in kinds and ("answer", answer) in kinds
    assert "bob's secret topic" not in response.text
    assert (await api.get("/api/me/export")).status_code == 401


async def test_export_holds_the_questions_only_as_far_as_they_were_seen(
    api: httpx.AsyncClient, services: Services, fake_ollama: FakeOllama
) -> None:
    """The export is no way round the interview's secrecy: as in the chat's own view, key points,
    the bank's hints and model answers, and questions not yet asked stay on the server."""
    alice = await sign_in(api, "alice")
    chat_id, _ = await interview(alice, fake_ollama, "rollouts")
    shown = (await alice.get(f"/api/chats/{chat_id}")).json()["questions"]
    stored = await services.interviews.store.get_chat((await alice.get("/api/me")).json()["id"], chat_id)

    exported = (await alice.get("/api/me/export")).text
    questions = json.loads(exported)["chats"][0]["questions"]
    assert questions == shown and [q["hint"] for q in questions] == [HINT, None]
    for question in stored.questions:
        assert question.model_answer not in exported and question.hint not in exported
        assert all(point not in exported for point in question.key_points)
    assert stored.questions[-1].text not in exported  # not asked yet


async def test_delete_my_account_removes_everything_and_frees_the_name(
    api: httpx.AsyncClient, services: Services, fake_ollama: FakeOllama
) -> None:
    alice, bob = await sign_in(api, "alice"), await sign_in(api, "bob")
    alice_id, bob_id = (await alice.get("/api/me")).json()["id"], (await bob.get("/api/me")).json()["id"]
    chat_id, _ = await interview(alice, fake_ollama, "rollouts")
    bob_chat, _ = await interview(bob, fake_ollama, "queues")
    failed = await api.post("/api/auth/login", json={"username": "alice", "password": "not it at all"})
    assert failed.status_code == 401
    assert sql_rows(services, alice_id, "alice")["login_failures"] == 1
    assert raw_chat_records(services, alice_id) > 0
    bob_before = (sql_rows(services, bob_id, "bob"), raw_chat_records(services, bob_id))

    wrong = await api.request("DELETE", "/api/me", headers=alice.headers, json={"password": "wrong one"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "password_wrong"
    missing = await api.request("DELETE", "/api/me", headers=alice.headers)
    assert missing.status_code == 422
    assert (await alice.get(f"/api/chats/{chat_id}")).status_code == 200  # nothing went yet

    gone = await api.request("DELETE", "/api/me", headers=alice.headers, json={"password": PASSWORD})
    assert gone.status_code == 204, gone.text
    assert "oj_session=" in gone.headers.get("set-cookie", "")
    assert (await alice.get("/api/me")).status_code == 401
    assert raw_chat_records(services, alice_id) == 0
    assert sql_rows(services, alice_id, "alice") == dict.fromkeys(bob_before[0], 0)
    login = await api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert login.status_code == 401

    # Bob is untouched.
    assert (sql_rows(services, bob_id, "bob"), raw_chat_records(services, bob_id)) == bob_before
    assert (await bob.get(f"/api/chats/{bob_chat}")).status_code == 200

    # The name is free: a new alice starts empty.
    again = await sign_in(api, "alice")
    assert (await again.get("/api/me")).json()["id"] != alice_id
    assert (await again.get("/api/chats")).json() == {"items": [], "next_cursor": None}
    assert (await again.get("/api/quota")).json()["used"] == 0
    exported = (await again.get("/api/me/export")).json()
    assert exported["chats"] == [] and json.dumps(exported).count("rollouts") == 0
