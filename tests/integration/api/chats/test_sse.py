"""The generation routes' wire format: named events, one JSON data line each, text kept as written."""

from __future__ import annotations

import json

from tests.support.api_client import Client
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply


async def test_a_hint_streams_as_server_sent_events(alice: Client, fake_ollama: FakeOllama) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.script(Reply(text="Подумай о слоях образа."))
    async with alice.api.stream("POST", f"/api/chats/{chat_id}/hint", headers=alice.headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        body = (await response.aread()).decode("utf-8")
    blocks = [block.split("\n") for block in body.split("\n\n") if block]
    assert all(len(lines) == 2 for lines in blocks), blocks
    names = [lines[0].removeprefix("event: ") for lines in blocks]
    assert names == ["delta"] * (len(names) - 1) + ["done"]
    assert all(lines[1].startswith("data: ") for lines in blocks)
    # Non-ASCII text is sent as it is, not as \\u escapes.
    assert "Подумай" in body and "\\u" not in body
    texts = [json.loads(lines[1].removeprefix("data: "))["text"] for lines in blocks[:-1]]
    assert "".join(texts) == "Подумай о слоях образа."
    done = json.loads(blocks[-1][1].removeprefix("data: "))
    assert done["message"]["kind"] == "hint" and done["offline"] is False
