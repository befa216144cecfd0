"""Adding a language is adding files: a copied folder "xx" is a language the whole app accepts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onlyjobless.i18n import catalog
from tests.support.api_client import long_answer, sign_in
from tests.support.fake_ollama import FakeOllama
from tests.support.llm_replies import bank_replies


def _edit(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key.replace("__", ".")] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def xx_language(tmp_path: Path) -> Iterator[Path]:
    """The shipped languages plus "xx", a copy of English with a few texts of its own."""
    folder = tmp_path / "lang"
    shutil.copytree(catalog.LANG_DIR, folder)
    shutil.copytree(folder / "en", folder / "xx")
    _edit(
        folder / "xx" / "ui.json",
        language__name="Xxish",
        interview__greeting="Xx-greeting for {role}: {count} questions.",
    )
    _edit(folder / "xx" / "prompts.json", language_name="Xxish")
    guard = json.loads((folder / "xx" / "guard.json").read_text(encoding="utf-8"))
    examples = {**guard["examples"], "abuse": [*guard["examples"]["abuse"], "you xxcurse"]}
    _edit(folder / "xx" / "guard.json", abuse=[*guard["abuse"], "xxcurse"], examples=examples)
    with catalog.folder(folder):
        yield folder


async def test_the_shipped_languages_refuse_xx(api: httpx.AsyncClient) -> None:
    body = {"username": "xavier", "password": "correct horse battery", "preferred_language": "xx"}
    refused = await api.post("/api/auth/register", json=body)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "language_unsupported"


async def test_a_copied_folder_is_a_language_of_the_app(
    xx_language: Path, api: httpx.AsyncClient, fake_ollama: FakeOllama
) -> None:
    assert (await api.get("/api/health")).status_code == 200
    xavier = await sign_in(api, "xavier", language="xx")
    assert (await xavier.get("/api/me")).json()["preferred_language"] == "xx"

    # No curated bank in "xx": the bank is generated with the xx prompts.
    fake_ollama.script(*bank_replies())
    started = await xavier.start("python developer")
    assert started.status_code == 201, started.text
    chat = started.json()
    assert chat["language"] == "xx"
    greeting = chat["messages"][0]["content"]
    assert greeting.startswith("Xx-greeting for Python Backend Developer: 12 questions.")
    requests = fake_ollama.chat_requests
    assert len(requests) == 4 and all("Write all text in Xxish." in r.prompt_text for r in requests)

    # The xx guard examples and words guard the answers; an ordinary answer passes.
    refused = await xavier.post(f"/api/chats/{chat['id']}/answer", json={"content": "you xxcurse"})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "answer_misuse_abuse"
    answered = await xavier.post(f"/api/chats/{chat['id']}/answer", json={"content": long_answer("dicts")})
    assert answered.status_code == 200, answered.text
