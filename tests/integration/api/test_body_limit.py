"""Request bodies are capped: a body past 64 KB is a translated JSON 413 whether or not it states its
length, nothing is stored, and ordinary requests (the longest answer, escaped) are untouched."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx

from onlyjobless.api.body_limit import MAX_BODY_BYTES
from tests.support.api_client import PASSWORD, sign_in

TOO_LARGE_EN = "The request is too large: at most 64 KB is accepted at once."
TOO_LARGE_RU = "Запрос слишком большой: за один раз принимается не больше 64 КБ."


def _refused(response: httpx.Response, message: str = TOO_LARGE_EN) -> None:
    assert response.status_code == 413, response.text
    assert response.json()["error"] == {"code": "body_too_large", "message": message}
    assert response.headers["x-request-id"]


def _registration(padding: int) -> bytes:
    """A registration, padded past the cap by an extra field when `padding` is given."""
    body = {"username": "mallory", "password": PASSWORD} | ({"pad": "x" * padding} if padding else {})
    return json.dumps(body).encode()


async def test_a_body_stating_a_length_past_the_cap_is_refused_in_the_callers_language(
    api: httpx.AsyncClient,
) -> None:
    body = _registration(MAX_BODY_BYTES)
    headers = {"content-type": "application/json"}
    _refused(await api.post("/api/auth/register", content=body, headers=headers))
    russian = {**headers, "Accept-Language": "ru"}
    _refused(await api.post("/api/auth/register", content=body, headers=russian), TOO_LARGE_RU)
    # Nothing was created: the name is still free.
    clean = {"username": "mallory", "password": PASSWORD}
    assert (await api.post("/api/auth/register", json=clean)).status_code == 201


async def test_a_chunked_body_is_refused_once_it_passes_the_cap(api: httpx.AsyncClient) -> None:
    async def chunks(total: int) -> AsyncIterator[bytes]:
        body = _registration(total)
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    headers = {"content-type": "application/json"}
    _refused(await api.post("/api/auth/register", content=chunks(2 * MAX_BODY_BYTES), headers=headers))
    # Under the cap, a chunked body is read as usual.
    small = await api.post("/api/auth/register", content=chunks(0), headers=headers)
    assert small.status_code == 201, small.text


async def test_the_longest_answer_fully_escaped_still_fits(api: httpx.AsyncClient) -> None:
    client = await sign_in(api, "alice")
    chat = (await client.start()).json()
    # 4,000 characters, each sent as a JSON escape: the largest answer a client can send.
    escaped = "\\u0436" * 4000
    body = ('{"content": "' + escaped + '"}').encode()
    headers = {**client.headers, "content-type": "application/json"}
    response = await api.post(f"/api/chats/{chat['id']}/answer", content=body, headers=headers)
    assert response.status_code == 200, response.text[:300]
