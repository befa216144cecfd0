"""What the log says about a failed request: the error's class and the request id, never what the
user sent (answers, usernames), neither during an outage nor when a statement fails."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from onlyjobless.services.hub import Services
from onlyjobless.storage.db import get_engine, in_thread
from tests.support.api_client import PASSWORD, sign_in
from tests.support.databases import PostgresOutage

SECRET_ANSWER = "my-password-is-Tr0ub4dor&3 and my card 4111 1111 1111 1111"
SECRET_NAME = "secret.user.name"


@pytest.fixture
def outage() -> Iterator[PostgresOutage]:
    database = PostgresOutage()
    yield database
    database.up()
    database.close()


@pytest.fixture
def engine(outage: PostgresOutage) -> Engine:
    return get_engine(outage.url)


async def test_an_outage_logs_the_class_and_the_request_id_not_the_answer(
    api: httpx.AsyncClient, outage: PostgresOutage, caplog: pytest.LogCaptureFixture
) -> None:
    alice = await sign_in(api, "alice")
    chat_id = (await alice.start("devops")).json()["id"]
    outage.down()
    caplog.set_level(logging.DEBUG)

    answered = await api.post(
        f"/api/chats/{chat_id}/answer",
        json={"content": SECRET_ANSWER},
        headers={**alice.headers, "X-Request-ID": "req-answer-0001"},
    )
    login = await api.post("/api/auth/login", json={"username": SECRET_NAME, "password": PASSWORD})

    assert answered.status_code == login.status_code == 503
    assert answered.headers["x-request-id"] == "req-answer-0001"  # the caller's id, echoed
    generated = login.headers["x-request-id"]
    assert len(generated) == 32 and generated != "req-answer-0001"
    logged = caplog.text
    assert SECRET_ANSWER not in logged and "Tr0ub4dor" not in logged and SECRET_NAME not in logged
    assert PASSWORD not in logged
    assert "service_unavailable on POST /api/chats/" in logged and "req-answer-0001" in logged
    assert f"service_unavailable on POST /api/auth/login (OperationalError) [request {generated}]" in logged


async def test_a_failing_statement_logs_where_it_failed_not_the_value_it_refused(
    api: httpx.AsyncClient, services: Services, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    alice = await sign_in(api, "alice")

    @in_thread
    def session_user(_user_id: object, _family_id: object) -> None:
        # A bug that reaches the database with user text: PostgreSQL quotes the value it refuses.
        with engine.connect() as connection:
            connection.execute(text("SELECT CAST(:answer AS INTEGER)"), {"answer": SECRET_ANSWER})

    services.accounts._store.session_user = session_user  # type: ignore[method-assign]
    caplog.set_level(logging.DEBUG)
    crashed = await api.get("/api/me", headers={**alice.headers, "X-Request-ID": "req-crash-0001"})

    assert crashed.status_code == 500 and crashed.json()["error"]["code"] == "internal"
    assert crashed.headers["x-request-id"] == "req-crash-0001"
    assert "Tr0ub4dor" not in crashed.text and "Tr0ub4dor" not in caplog.text
    assert (
        "unhandled DataError <- InvalidTextRepresentation on GET /api/me [request req-crash-0001]"
        in caplog.text
    )
    assert "in session_user" in caplog.text  # the code line that failed is still there to find the bug


async def test_an_unusable_request_id_is_replaced(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"
    assert len(response.headers["x-request-id"]) == 32
