"""The accounts REST API end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from onlyjobless.services.hub import Services
from tests.support.sessions import age_spent_tokens

PASSWORD = "correct horse battery"


async def _register(api: httpx.AsyncClient, name: str = "alice", language: str = "en") -> httpx.Response:
    return await api.post(
        "/api/auth/register", json={"username": name, "password": PASSWORD, "preferred_language": language}
    )


async def _login(api: httpx.AsyncClient, name: str = "alice", password: str = PASSWORD) -> httpx.Response:
    return await api.post("/api/auth/login", json={"username": name, "password": password})


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_register_login_me_refresh_logout(api: httpx.AsyncClient, services: Services) -> None:
    created = await _register(api)
    assert created.status_code == 201
    body = created.json()
    assert body["username"] == "alice" and body["preferred_language"] == "en"
    assert "password" not in str(body) and "$argon2" not in created.text

    login = await _login(api, "ALICE")
    assert login.status_code == 200
    tokens = login.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 900
    me = await api.get("/api/me", headers=_bearer(tokens))
    assert me.status_code == 200 and me.json()["id"] == body["id"]

    fresh = await api.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200
    age_spent_tokens(services.engine)  # past the grace window for a second tab
    reused = await api.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "session_reused"
    # Reuse revoked the family: the fresh pair is dead too.
    assert (await api.get("/api/me", headers=_bearer(fresh.json()))).status_code == 401

    again = (await _login(api)).json()
    out = await api.post("/api/auth/logout", json={"refresh_token": again["refresh_token"]})
    assert out.status_code == 204
    assert (await api.get("/api/me", headers=_bearer(again))).status_code == 401


async def test_errors_are_translated_json(api: httpx.AsyncClient) -> None:
    await _register(api)
    english = await _register(api)
    assert english.status_code == 409
    assert english.json()["error"] == {
        "code": "username_taken",
        "message": "That username is taken. Please choose another.",
    }
    russian = await api.post(
        "/api/auth/register",
        json={"username": "alice", "password": PASSWORD},
        headers={"Accept-Language": "ru-RU,ru;q=0.9"},
    )
    assert russian.json()["error"]["message"] == "Это имя уже занято. Выберите другое."


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"username": "ab", "password": PASSWORD}, 422, "username_invalid"),
        ({"username": "bob", "password": "short"}, 422, "password_too_short"),
        ({"username": "bob", "password": "p" * 129}, 422, "password_too_long"),
        ({"username": "bob", "password": "qwerty123"}, 422, "password_common"),
        ({"username": "bob", "password": PASSWORD, "preferred_language": "fr"}, 422, "language_unsupported"),
        ({"username": {"$gt": ""}, "password": PASSWORD}, 422, "bad_request"),
        ({"username": "bob"}, 422, "bad_request"),
        ({"username": "bob", "password": PASSWORD, "is_admin": True}, 422, "bad_request"),
        ({"username": "b" * 500, "password": PASSWORD}, 422, "bad_request"),
    ],
)
async def test_register_refusals(api: httpx.AsyncClient, payload: dict, status: int, code: str) -> None:
    response = await api.post("/api/auth/register", json=payload)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


async def test_malformed_bodies_are_4xx_never_500(api: httpx.AsyncClient) -> None:
    for raw in (b"{not json", b"[]", b"null", b'"text"', b""):
        response = await api.post(
            "/api/auth/login", content=raw, headers={"content-type": "application/json"}
        )
        assert 400 <= response.status_code < 500, raw
        assert response.json()["error"]["code"] == "bad_request"
    assert (await api.get("/api/nowhere")).status_code == 404


async def test_login_refusals_and_throttling(api: httpx.AsyncClient) -> None:
    await _register(api)
    wrong = await _login(api, "alice", "not the password")
    unknown = await _login(api, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    for _ in range(5):
        await _login(api, "alice", "not the password")
    throttled = await _login(api)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.json()["error"]["code"] == "login_throttled"


async def test_access_token_checks(api: httpx.AsyncClient) -> None:
    await _register(api)
    tokens = (await _login(api)).json()
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic YWxpY2U6eA=="},
        {"Authorization": f"Bearer {tokens['refresh_token']}"},
        {"Authorization": f"Bearer {tokens['access_token']}x"},
    ):
        response = await api.get("/api/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "token_invalid"


async def test_profile_and_password_routes(api: httpx.AsyncClient) -> None:
    await _register(api)
    await _register(api, "bob")
    tokens = (await _login(api)).json()
    other_session = (await _login(api)).json()
    me = _bearer(tokens)

    renamed = await api.patch("/api/me", json={"username": "alicia", "preferred_language": "ru"}, headers=me)
    assert renamed.status_code == 200 and renamed.json()["username"] == "alicia"
    taken = await api.patch("/api/me", json={"username": "BOB"}, headers=me)
    assert taken.status_code == 409
    assert (
        taken.json()["error"]["message"] == "Это имя уже занято. Выберите другое."
    )  # the user's language now
    assert (await api.patch("/api/me", json={}, headers=me)).status_code == 422

    wrong = await api.post(
        "/api/me/password",
        json={"current_password": "nope nope", "new_password": "a brand new secret"},
        headers=me,
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "password_wrong"
    changed = await api.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
        headers=me,
    )
    assert changed.status_code == 204
    assert (await api.get("/api/me", headers=me)).status_code == 200  # this session lives on
    assert (await api.get("/api/me", headers=_bearer(other_session))).status_code == 401
    assert (await _login(api, "alicia", PASSWORD)).status_code == 401
    assert (await _login(api, "alicia", "a brand new secret")).status_code == 200


async def test_cookie_session_routes(api: httpx.AsyncClient, services: Services) -> None:
    await _register(api)
    ticket = await services.accounts.login_ticket("alice", PASSWORD, "1.1.1.1")
    cross_site = await api.post(
        "/api/auth/session", json={"ticket": ticket}, headers={"Origin": "https://evil.example"}
    )
    assert cross_site.status_code == 401
    form_post = await api.post(
        "/api/auth/session", content=f'{{"ticket": "{ticket}"}}', headers={"content-type": "text/plain"}
    )
    assert form_post.status_code in (401, 422)
    opened = await api.post(
        "/api/auth/session", json={"ticket": ticket}, headers={"Origin": "http://testserver"}
    )
    assert opened.status_code == 204
    cookie = opened.headers["set-cookie"]
    assert "oj_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = opened.cookies["oj_session"]
    assert (await services.accounts.user_for_session(token)).user.username == "alice"
    assert (await api.post("/api/auth/session", json={"ticket": ticket})).status_code == 401  # one time only

    ended = await api.post("/api/auth/session/end", json={}, cookies={"oj_session": token})
    assert ended.status_code == 204
    assert 'oj_session=""' in ended.headers["set-cookie"] or "Max-Age=0" in ended.headers["set-cookie"]
    with pytest.raises(Exception):
        await services.accounts.user_for_session(token)


async def test_openapi_documents_the_routes(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    for path in (
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/me",
        "/api/me/password",
        "/api/health",
    ):
        assert path in spec["paths"]
    assert (await api.get("/docs")).status_code == 200
