"""Look-alike usernames over REST, on SQLite and PostgreSQL: a translated 409 at registration and
rename, no second account to log in to, and one winner when look-alikes register at once."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.api_client import PASSWORD, sign_in

CONFUSABLE_EN = (
    "That username looks too much like one that is already taken (look-alike letters from other "
    "alphabets, full-width letters and case count as the same). Please choose another."
)
CONFUSABLE_RU = (
    "Это имя слишком похоже на уже занятое (похожие буквы других алфавитов, полноширинные символы "
    "и регистр считаются одинаковыми). Выберите другое."
)


async def _register(api: httpx.AsyncClient, name: str, language: str = "en") -> httpx.Response:
    body = {"username": name, "password": PASSWORD, "preferred_language": language}
    return await api.post("/api/auth/register", json=body, headers={"Accept-Language": language})


@pytest.mark.parametrize("name", ["\u0430lice", "\uff41\uff4c\uff49\uff43\uff45", "al\u0131ce"])
async def test_look_alikes_of_alice_are_refused_and_cannot_log_in(api: httpx.AsyncClient, name: str) -> None:
    assert (await _register(api, "alice")).status_code == 201
    refused = await _register(api, name)
    assert refused.status_code == 409
    assert refused.json()["error"] == {"code": "username_confusable", "message": CONFUSABLE_EN}
    russian = await _register(api, name, "ru")
    assert russian.json()["error"]["message"] == CONFUSABLE_RU
    login = await api.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert login.status_code == 401


async def test_renaming_to_a_look_alike_is_refused(api: httpx.AsyncClient) -> None:
    await sign_in(api, "alice")
    bob = await sign_in(api, "bob", language="ru")
    refused = await api.patch("/api/me", json={"username": "\u0430lice"}, headers=bob.headers)
    assert refused.status_code == 409
    assert refused.json()["error"] == {"code": "username_confusable", "message": CONFUSABLE_RU}
    assert (await bob.get("/api/me")).json()["username"] == "bob"


async def test_concurrent_look_alike_registrations_have_one_winner(api: httpx.AsyncClient) -> None:
    names = ["alice", "\u0430lice", "\uff41\uff4c\uff49\uff43\uff45", "al\u0131ce", "a1ice", "ALICE"]
    answers = await asyncio.gather(*(_register(api, name) for name in names))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * (len(names) - 1), [a.text for a in answers]
    winner = next(name for name, answer in zip(names, answers, strict=True) if answer.status_code == 201)
    logged_in = [
        (await api.post("/api/auth/login", json={"username": name, "password": PASSWORD})).status_code
        for name in names
    ]
    assert logged_in == [200 if name.casefold() == winner.casefold() else 401 for name in names]
