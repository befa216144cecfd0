"""The LLM is a budget: stored hints and model answers are reused, and each user has a daily allowance."""

from __future__ import annotations

from tests.support.api_client import Client
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply


async def test_asking_again_replays_the_stored_hint_and_model_answer_at_no_cost(
    alice: Client, fake_ollama: FakeOllama
) -> None:
    chat_id = (await alice.start("devops")).json()["id"]
    for route, text in (("hint", "Think about layers."), ("model-answer", "Layers are cached.")):
        fake_ollama.script(Reply(text=text))
        _, first = await alice.events(f"/api/chats/{chat_id}/{route}")
        _, again = await alice.events(f"/api/chats/{chat_id}/{route}")
        assert [name for name, _ in again] == ["delta", "done"]
        assert again[0][1]["text"] == text and again[1][1]["message"] == first[-1][1]["message"]
    assert len(fake_ollama.chat_requests) == 2  # one per kind: the second clicks cost nothing
