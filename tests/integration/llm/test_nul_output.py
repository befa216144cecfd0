"""NUL in the model's output is removed, raw in a text stream or escaped inside JSON, on both clients."""

from __future__ import annotations

from contextlib import aclosing

from pydantic import SecretStr

from onlyjobless.llm import ChatMessage, OllamaLLM, OpenAILLM, QuestionGrade
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.fake_openai import FakeOpenAI
from tests.support.fixtures import FAKE_OPENAI_KEY

MESSAGES = [ChatMessage("system", "You are an interviewer."), ChatMessage("user", "Ask me.")]
GRADE = {"good": "Hash\x00ing.", "missing": "Colli\x00sions.\x00", "score": 7}


async def test_ollama_text_stream_and_json_lose_their_nul(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text="a\x00b\x00\x00c", chunk_size=1), Reply(json=GRADE))
    async with OllamaLLM(fake_ollama.url, "mistral", total_timeout=30.0) as llm:
        chunks = llm.stream(MESSAGES)
        async with aclosing(chunks):
            pieces = [piece async for piece in chunks]
        assert pieces == ["a", "b", "c"]
        grade = await llm.complete_json(MESSAGES, QuestionGrade)
    assert (grade.good, grade.missing, grade.score) == ("Hashing.", "Collisions.", 7)


async def test_openai_text_stream_loses_its_nul(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text="x\x00y", chunk_size=1))
    model = fake_openai.default_models[0]
    async with OpenAILLM(
        fake_openai.url, model, api_key=SecretStr(FAKE_OPENAI_KEY), total_timeout=30.0
    ) as llm:
        chunks = llm.stream(MESSAGES)
        async with aclosing(chunks):
            assert "".join([piece async for piece in chunks]) == "xy"
