"""A lone surrogate (JSON `"\\ud800"`) in any text of a request is a translated 422, never a 500
(it cannot be encoded as UTF-8 to hash, seal or store), on SQLite and PostgreSQL; nothing is stored."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.support.api_client import PASSWORD, Client, sign_in

LONE = "\ud800"
SURROGATE_EN = (
    "Text cannot contain a lone surrogate character (U+D800 to U+DFFF). Please remove it and try again."
)
SURROGATE_RU = (
    "Текст не может содержать одиночный суррогатный символ (U+D800–U+DFFF). Удалите его и попробуйте снова."
)


async def _post(
    api: httpx.AsyncClient, path: str, body: object, headers: dict[str, str] | None = None
) -> httpx.Response:
    """POST the body as JSON with the surrogate escaped, as a browser's JSON.stringify writes it."""
    sent = {"content-type": "application/json", **(headers or {})}
    return await api.post(path, content=json.dumps(body).encode(), headers=sent)


def _refused(response: httpx.Response, message: str = SURROGATE_EN) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {"code": "text_surrogate", "message": message}


async def test_registration_and_login_with_a_lone_surrogate_are_refused(api: httpx.AsyncClient) -> None:
    with_lone = {"username": "alice", "password": LONE + PASSWORD}
    _refused(await _post(api, "/api/auth/register", with_lone))
    _refused(await _post(api, "/api/auth/login", with_lone))
    # Nothing was created: the name is still free; the refusal is in the caller's language.
    await sign_in(api, "alice")
    russian = {"Accept-Language": "ru"}
    _refused(await _post(api, "/api/auth/login", with_lone, russian), SURROGATE_RU)


@pytest.mark.parametrize("path", ["/api/auth/refresh", "/api/auth/logout"])
async def test_a_refresh_token_with_a_lone_surrogate_is_refused(api: httpx.AsyncClient, path: str) -> None:
    _refused(await _post(api, path, {"refresh_token": "abc" + LONE}))


async def test_a_position_answer_or_password_with_a_lone_surrogate_is_refused_and_nothing_is_stored(
    api: httpx.AsyncClient,
) -> None:
    alice: Client = await sign_in(api, "alice")
    _refused(await _post(api, "/api/chats", {"position": "python " + LONE}, alice.headers))
    assert (await alice.get("/api/chats")).json()["items"] == []
    chat = (await alice.start("devops")).json()
    answer = {"content": "Docker " + LONE}
    _refused(await _post(api, f"/api/chats/{chat['id']}/answer", answer, alice.headers))
    after = (await alice.get(f"/api/chats/{chat['id']}")).json()
    assert after["messages"] == chat["messages"] and after["current"] == 0
    change = {"current_password": PASSWORD, "new_password": "new password " + LONE}
    _refused(await _post(api, "/api/me/password", change, alice.headers))
