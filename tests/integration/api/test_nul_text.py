"""A NUL character in any text of a request is a translated 422, never a 500 (PostgreSQL text
cannot hold it), on SQLite and PostgreSQL; nothing is stored."""

from __future__ import annotations

import httpx
import pytest

from tests.support.api_client import PASSWORD, sign_in

NUL_EN = "Text cannot contain the NUL character (U+0000). Please remove it and try again."
NUL_RU = "Текст не может содержать символ NUL (U+0000). Удалите его и попробуйте снова."


def _refused(response: httpx.Response, message: str = NUL_EN) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {"code": "text_nul", "message": message}


@pytest.mark.parametrize(
    "body",
    [
        {"username": "al\x00ice", "password": PASSWORD},
        {"username": "alice", "password": PASSWORD + "\x00"},
        {"username": "alice", "password": PASSWORD, "preferred_language": "e\x00n"},
    ],
)
async def test_registration_with_nul_is_refused(api: httpx.AsyncClient, body: dict[str, str]) -> None:
    _refused(await api.post("/api/auth/register", json=body))
    # Nothing was created: the clean name is still free.
    clean = {"username": "alice", "password": PASSWORD}
    assert (await api.post("/api/auth/register", json=clean)).status_code == 201


async def test_login_refresh_and_logout_with_nul_are_refused_in_the_callers_language(
    api: httpx.AsyncClient,
) -> None:
    await sign_in(api, "alice")
    russian = {"Accept-Language": "ru"}
    login = await api.post(
        "/api/auth/login", json={"username": "alice\x00", "password": PASSWORD}, headers=russian
    )
    _refused(login, NUL_RU)
    _refused(await api.post("/api/auth/login", json={"username": "alice", "password": "\x00"}))
    _refused(await api.post("/api/auth/refresh", json={"refresh_token": "abc\x00"}))
    _refused(await api.post("/api/auth/logout", json={"refresh_token": "\x00"}))
    # The account still signs in.
    assert (
        await api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    ).status_code == 200


async def test_profile_and_password_with_nul_are_refused(api: httpx.AsyncClient) -> None:
    alice = await sign_in(api, "alice", language="ru")
    _refused(await api.patch("/api/me", json={"username": "bo\x00b"}, headers=alice.headers), NUL_RU)
    _refused(await api.patch("/api/me", json={"preferred_language": "\x00"}, headers=alice.headers), NUL_RU)
    change = {"current_password": PASSWORD, "new_password": "new\x00 password long"}
    _refused(await alice.post("/api/me/password", json=change), NUL_RU)
    me = (await alice.get("/api/me")).json()
    assert me["username"] == "alice"


async def test_query_and_path_text_with_nul_is_refused(api: httpx.AsyncClient) -> None:
    alice = await sign_in(api, "alice")
    _refused(await alice.get("/api/chats", params={"cursor": "abc\x00"}))
    _refused(await alice.get("/api/chats/abc%00def"))
    _refused(await api.get("/api/vacancies", params={"q": "py\x00thon"}))
    _refused(await api.get("/api/vacancies", params={"q": "python", "language": "e\x00"}))


async def test_the_openapi_document_states_the_rule(api: httpx.AsyncClient) -> None:
    schemas = (await api.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["LoginIn"]["properties"]["username"]["pattern"] == "^[^\\u0000]*$"
    assert schemas["AnswerIn"]["properties"]["content"]["pattern"] == "^[^\\u0000]*$"
