"""OllamaLLM against the fake Ollama server: the real `ollama` client over real HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import pytest

from onlyjobless.llm import (
    ChatMessage,
    LLMBusy,
    LLMInterrupted,
    LLMInvalidOutput,
    LLMTimeout,
    LLMUnavailable,
    OllamaLLM,
    Parsed,
    QuestionSet,
    Restart,
    TextDelta,
)
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import RecordedRequest, Reply
from tests.support.sample_schema import Review

TEXT = "A dict is a hash table: keys are hashed, lookups take O(1) on average."
MESSAGES = [ChatMessage("system", "You are an interviewer."), ChatMessage("user", "Ask me.")]
EVALUATION = {
    "questions": [
        {"index": 1, "score": 7, "good": "Hashing.", "missing": "Collisions.", "strong_answer": "All."},
    ],
    "summary": "Solid basics.",
    "overall_score": 7.0,
}


def _make(url: str, model: str = "mistral", **overrides: Any) -> OllamaLLM:
    # Generous by default, so a busy machine never fails a call meant to succeed; the tests of
    # the deadlines set their own short ones.
    limits: dict[str, Any] = {
        "connect_timeout": 5.0,
        "first_token_timeout": 10.0,
        "total_timeout": 30.0,
        "max_tokens": 256,
    }
    limits.update(overrides)
    return OllamaLLM(url, model, **limits)


@pytest.fixture
async def llm(fake_ollama: FakeOllama) -> AsyncIterator[OllamaLLM]:
    async with _make(fake_ollama.url) as client:
        yield client


async def _collect(llm: OllamaLLM, **kwargs: Any) -> list[str]:
    return [chunk async for chunk in llm.stream(MESSAGES, **kwargs)]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- streaming ---------------------------------------------------------------------------


async def test_stream_yields_chunks_in_order(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT))
    chunks = await _collect(llm)
    assert len(chunks) == len(TEXT.split())
    assert chunks == Reply().chunks(TEXT)
    assert "".join(chunks) == TEXT
    (request,) = fake_ollama.chat_requests
    assert request.stream is True
    assert request.model == "mistral"
    assert request.options == {"num_predict": 256, "num_ctx": 2048}  # the context sized to the prompt
    assert request.messages == [m.as_dict() for m in MESSAGES]
    assert request.format is None


async def test_max_tokens_caps_the_generation(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT))
    chunks = await _collect(llm, max_tokens=3)
    assert chunks == Reply().chunks(TEXT)[:3]
    assert fake_ollama.chat_requests[0].options == {"num_predict": 3, "num_ctx": 2048}


async def test_character_chunks_at_a_fixed_rate(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text="abcdefghij", chunk_size=4, tokens_per_second=200))
    assert await _collect(llm) == ["abcd", "efgh", "ij"]


async def test_default_reply_when_nothing_is_scripted(llm: OllamaLLM) -> None:
    assert "".join(await _collect(llm)) == "This is a scripted reply from the fake Ollama server."


async def test_breaking_out_early_releases_the_stream(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, tokens_per_second=100), Reply(text="next"))
    async with aclosing(llm.stream(MESSAGES)) as stream:
        async for chunk in stream:
            assert chunk == "A"
            break
    assert await _collect(llm) == ["next"]


async def test_cancelling_the_consumer_is_not_an_llm_error(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, tokens_per_second=20))
    task = asyncio.create_task(_collect(llm))
    await asyncio.to_thread(fake_ollama.wait_for_requests, 1)
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_twenty_concurrent_streams_complete(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    barrier = threading.Barrier(20, timeout=5)

    def all_at_once(request: RecordedRequest) -> Reply:
        barrier.wait()  # every stream is in flight before any is answered
        return Reply(text=f"answer for {request.last_user_message} " + "word " * 30, chunk_delay=0.005)

    fake_ollama.respond_with(all_at_once)

    async def one(i: int) -> str:
        messages = [ChatMessage("user", f"q{i}")]
        return "".join([chunk async for chunk in llm.stream(messages)])

    results = await asyncio.gather(*(one(i) for i in range(20)))
    assert [r.split()[2] for r in results] == [f"q{i}" for i in range(20)]
    assert all(r.endswith("word ") and r.count("word") == 30 for r in results)
    assert len(fake_ollama.chat_requests) == 20


# --- structured output -------------------------------------------------------------------


async def test_complete_json_sends_schema_and_validates(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(json=EVALUATION))
    result = await llm.complete_json(MESSAGES, Review)
    assert isinstance(result, Review)
    assert result.questions[0].score == 7
    (request,) = fake_ollama.chat_requests
    assert request.format == Review.model_json_schema()


async def test_question_set_schema_round_trips(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    # the fake derives JSON from the schema; 256 tokens would truncate it, as a real model would
    result = await llm.complete_json(MESSAGES, QuestionSet, max_tokens=4096)
    assert 10 <= len(result.questions) <= 15
    assert len(fake_ollama.chat_requests) == 1


async def test_truncated_json_is_invalid_output(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    with pytest.raises(LLMInvalidOutput):
        await llm.complete_json(MESSAGES, QuestionSet, max_tokens=50)
    assert len(fake_ollama.chat_requests) == 2


@pytest.mark.parametrize("fault", ["syntax", "schema"])
async def test_invalid_then_valid_retries_once(llm: OllamaLLM, fake_ollama: FakeOllama, fault: str) -> None:
    fake_ollama.script(Reply(invalid_json=fault), Reply(json=EVALUATION))
    result = await llm.complete_json(MESSAGES, Review)
    assert result.summary == "Solid basics."
    first, second = fake_ollama.chat_requests
    assert first.messages == [m.as_dict() for m in MESSAGES]
    assert second.messages[:2] == first.messages
    assert "previous reply could not be used" in second.last_user_message
    assert second.format == first.format


async def test_invalid_twice_raises_invalid_output(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(invalid_json=True, times=None))
    with pytest.raises(LLMInvalidOutput) as caught:
        await llm.complete_json(MESSAGES, Review)
    assert caught.value.code == "llm_invalid_output"
    assert caught.value.__cause__ is not None
    assert len(fake_ollama.chat_requests) == 2


async def test_check_failure_counts_as_invalid(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(json=EVALUATION, times=2))
    with pytest.raises(LLMInvalidOutput):
        await llm.complete_json(MESSAGES, Review, check=lambda e: e.check_covers(2))
    assert len(fake_ollama.chat_requests) == 2
    assert "1..2" in fake_ollama.chat_requests[1].last_user_message


async def test_stream_structured_reports_progress_restart_and_result(
    llm: OllamaLLM, fake_ollama: FakeOllama
) -> None:
    fake_ollama.script(Reply(invalid_json="schema"), Reply(json=EVALUATION))
    events = [event async for event in llm.stream_structured(MESSAGES, Review)]
    kinds = [type(e).__name__ for e in events]
    restart = kinds.index("Restart")
    assert set(kinds[:restart]) == {"TextDelta"}
    assert set(kinds[restart + 1 : -1]) == {"TextDelta"}
    assert isinstance(events[-1], Parsed)
    assert isinstance(events[restart], Restart)
    second_text = "".join(e.text for e in events[restart + 1 : -1] if isinstance(e, TextDelta))
    assert Review.model_validate_json(second_text) == events[-1].value


async def test_a_wrapped_object_is_the_reply(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    # A server that ignores the format, or a model that thinks aloud, wraps the object in words.
    wrapped = f"<think>Hashing is named.</think>Here is the review:\n```json\n{json.dumps(EVALUATION)}\n```"
    fake_ollama.script(Reply(text=wrapped, chunk_size=16))
    result = await llm.complete_json(MESSAGES, Review)
    assert result.summary == "Solid basics." and len(fake_ollama.chat_requests) == 1


# --- faults ------------------------------------------------------------------------------


async def test_slow_first_token_times_out(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, slow_first_token=3.0))
    async with _make(fake_ollama.url, first_token_timeout=0.5) as llm:
        with pytest.raises(LLMTimeout) as caught:
            await _collect(llm)
    assert caught.value.partial == ""


async def test_slow_first_token_within_limit_is_fine(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, slow_first_token=0.2))
    assert "".join(await _collect(llm)) == TEXT


async def test_disconnect_mid_stream_keeps_partial(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, disconnect_after=4))
    received: list[str] = []

    async def consume() -> None:
        async for chunk in llm.stream(MESSAGES):
            received.append(chunk)  # noqa: PERF401  (kept one by one: the stream raises midway)

    with pytest.raises(LLMInterrupted) as caught:
        await consume()
    expected = "".join(Reply().chunks(TEXT)[:4])
    assert caught.value.partial == expected
    assert "".join(received) == expected
    assert caught.value.code == "llm_interrupted"


async def test_disconnect_before_any_text_is_unavailable(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, disconnect_after=0))
    with pytest.raises(LLMUnavailable):
        await _collect(llm)


async def test_a_closing_line_without_a_message_ends_the_reply(
    llm: OllamaLLM, fake_ollama: FakeOllama
) -> None:
    # Early Ollama servers (0.1.x) closed /api/chat with a `done` line that has no `message`.
    fake_ollama.script(Reply(text=TEXT, final_message=False), Reply(json=EVALUATION, final_message=False))
    assert "".join(await _collect(llm)) == TEXT
    assert (await llm.complete_json(MESSAGES, Review)).questions[0].score == 7
    assert len(fake_ollama.chat_requests) == 2


async def test_error_line_mid_stream_is_an_interruption(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, error_after=2), Reply(text=TEXT, error_after=0))
    with pytest.raises(LLMInterrupted) as caught:
        await _collect(llm)
    assert caught.value.partial == "".join(Reply().chunks(TEXT)[:2])
    with pytest.raises(LLMUnavailable):
        await _collect(llm)


@pytest.mark.parametrize(("status", "expected"), [(503, LLMBusy), (429, LLMBusy), (500, LLMUnavailable)])
async def test_http_errors_are_mapped(
    llm: OllamaLLM, fake_ollama: FakeOllama, status: int, expected: type[Exception]
) -> None:
    fake_ollama.script(Reply(status=status))
    with pytest.raises(expected):
        await _collect(llm)


async def test_busy_during_structured_output_is_not_retried(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(status=503))
    with pytest.raises(LLMBusy):
        await llm.complete_json(MESSAGES, Review)
    assert len(fake_ollama.chat_requests) == 1


async def test_hang_times_out_within_total_timeout(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(hang=True))
    async with _make(fake_ollama.url, first_token_timeout=5.0, total_timeout=0.4) as llm:
        with pytest.raises(LLMTimeout):  # the client's deadline, well before the guard's
            await asyncio.wait_for(_collect(llm), timeout=20)


async def test_slow_stream_hits_total_timeout_with_partial(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, chunk_delay=0.2))
    async with _make(fake_ollama.url, total_timeout=0.5) as llm:
        with pytest.raises(LLMTimeout) as caught:
            await _collect(llm)
    assert caught.value.partial
    assert TEXT.startswith(caught.value.partial)


async def test_per_call_total_timeout_overrides(llm: OllamaLLM, fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(text=TEXT, chunk_delay=0.1))
    with pytest.raises(LLMTimeout):
        await _collect(llm, total_timeout=0.3)


async def test_server_down_is_unavailable() -> None:
    async with _make(f"http://127.0.0.1:{_closed_port()}") as llm:
        with pytest.raises(LLMUnavailable) as caught:
            await _collect(llm)
        assert "127.0.0.1" not in str(caught.value)
        assert caught.value.__cause__ is not None
        assert await llm.is_available() is False


async def test_unknown_model_is_unavailable(fake_ollama: FakeOllama) -> None:
    async with _make(fake_ollama.url, model="no-such-model") as llm:
        with pytest.raises(LLMUnavailable) as caught:
            await _collect(llm)
        assert str(caught.value) == "The language model is not installed."
        assert await llm.is_available() is False


# --- availability and lifecycle ----------------------------------------------------------


async def test_is_available_with_and_without_tag(fake_ollama: FakeOllama) -> None:
    for name in ("mistral", "mistral:latest", "llama3.2"):
        async with _make(fake_ollama.url, model=name) as llm:
            assert await llm.is_available() is True
    fake_ollama.set_models(["other:7b"])
    async with _make(fake_ollama.url) as llm:
        assert await llm.is_available() is False


async def test_is_available_false_when_tags_hang(fake_ollama: FakeOllama) -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(0)  # accepts TCP but never answers HTTP
    try:
        url = f"http://127.0.0.1:{blocker.getsockname()[1]}"
        async with _make(url, connect_timeout=0.2, first_token_timeout=0.2) as llm:
            assert await llm.is_available() is False
    finally:
        blocker.close()


async def test_client_is_rebuilt_for_a_new_event_loop(fake_ollama: FakeOllama) -> None:
    llm = _make(fake_ollama.url)
    await llm.aclose()  # closing before first use is harmless
    assert await llm.is_available()

    async def check_and_close() -> bool:
        available = await llm.is_available()
        await llm.aclose()
        return available

    def in_another_loop() -> bool:
        return asyncio.run(check_and_close())

    assert await asyncio.to_thread(in_another_loop)
    assert await llm.is_available()
    await llm.aclose()


async def test_a_frame_the_client_cannot_read_is_an_interruption(
    llm: OllamaLLM, fake_ollama: FakeOllama
) -> None:
    # Valid JSON that is not an object of the protocol: the client breaks on it in its own way
    # (not with one of its errors); the stream is cut there, what arrived is kept.
    fake_ollama.script(Reply(text=TEXT, odd_after=2))
    with pytest.raises(LLMInterrupted) as caught:
        await _collect(llm)
    assert caught.value.partial == "".join(Reply().chunks(TEXT)[:2])
