"""Two tabs refresh the same token at the same moment over REST: both stay signed in with the same
successor; a reuse after the grace window ends the session. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx

from onlyjobless.services.hub import Services
from tests.support.api_client import PASSWORD, sign_in
from tests.support.sessions import age_spent_tokens


async def _refresh(api: httpx.AsyncClient, token: str) -> httpx.Response:
    return await api.post("/api/auth/refresh", json={"refresh_token": token})


def _bearer(body: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {body['access_token']}"}


async def test_two_tabs_refreshing_at_once_both_stay_signed_in(
    api: httpx.AsyncClient, services: Services
) -> None:
    await sign_in(api, "alice")
    tokens = (await api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})).json()
    answers = await asyncio.gather(*(_refresh(api, tokens["refresh_token"]) for _ in range(3)))
    assert [answer.status_code for answer in answers] == [200, 200, 200], [a.text for a in answers]
    bodies = [answer.json() for answer in answers]
    assert len({body["refresh_token"] for body in bodies}) == 1
    for body in bodies:
        assert (await api.get("/api/me", headers=_bearer(body))).status_code == 200

    # After the window the old token is a reuse: the session ends for every tab.
    age_spent_tokens(services.engine)
    reused = await _refresh(api, tokens["refresh_token"])
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "session_reused"
    assert (await _refresh(api, bodies[0]["refresh_token"])).status_code == 401
    assert (await api.get("/api/me", headers=_bearer(bodies[0]))).status_code == 401
