"""NUL in interviews: typed text with it is refused (422, nothing stored); the model's NUL is
removed before it is stored or streamed, and the stream goes on to its end. SQLite and PostgreSQL."""

from __future__ import annotations

from tests.support.api_client import Client
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply


async def test_a_position_or_answer_with_nul_is_refused_and_nothing_is_stored(alice: Client) -> None:
    started = await alice.post("/api/chats", json={"position": "python\x00 developer"})
    assert started.status_code == 422 and started.json()["error"]["code"] == "text_nul"
    assert (await alice.get("/api/chats")).json()["items"] == []

    chat = (await alice.start("devops")).json()
    refused = await alice.post(f"/api/chats/{chat['id']}/answer", json={"content": "Docker\x00 layers"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "text_nul"
    after = (await alice.get(f"/api/chats/{chat['id']}")).json()
    assert after["messages"] == chat["messages"] and after["current"] == 0


async def test_nul_in_the_models_stream_is_removed_and_the_stream_completes(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    fake_ollama.script(Reply(text="Think\x00 about \x00image layers.\x00", chunk_size=3))
    status, events = await alice.events(f"/api/chats/{chat_id}/hint")
    assert status == 200
    names = [name for name, _ in events]
    assert names[-1] == "done" and "error" not in names
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    assert streamed == "Think about image layers."
    done = events[-1][1]["message"]
    assert done["content"] == "Think about image layers." and done["complete"] is True
    stored = (await alice.get(f"/api/chats/{chat_id}")).json()["messages"]
    hints = [m for m in stored if m["kind"] == "hint"]
    assert [m["content"] for m in hints] == ["Think about image layers."]
