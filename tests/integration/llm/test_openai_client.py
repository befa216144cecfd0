"""OpenAILLM against the fake OpenAI-compatible server: the real `openai` client over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import pytest
from pydantic import SecretStr

from onlyjobless.llm import (
    ChatMessage,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMInvalidOutput,
    LLMTimeout,
    LLMUnavailable,
    OpenAILLM,
    Parsed,
    QuestionGrade,
    QuestionSet,
    Restart,
    TextDelta,
)
from tests.support.fake_ollama_script import RecordedRequest, Reply
from tests.support.fake_openai import FakeOpenAI
from tests.support.fixtures import FAKE_OPENAI_KEY
from tests.support.llm_replies import generated_bank
from tests.support.sample_schema import Review

TEXT = "A dict is a hash table: keys are hashed, lookups take O(1) on average."
MESSAGES = [ChatMessage("system", "You are an interviewer."), ChatMessage("user", "Ask me.")]
MODEL = "Qwen/Qwen2.5-7B-Instruct"
EVALUATION = {
    "questions": [
        {"index": 1, "score": 7, "good": "Hashing.", "missing": "Collisions.", "strong_answer": "All."},
    ],
    "summary": "Solid basics.",
    "overall_score": 7.0,
}


def _make(url: str, model: str = MODEL, key: str | None = FAKE_OPENAI_KEY, **overrides: Any) -> OpenAILLM:
    # Generous by default, so a busy machine never fails a call meant to succeed; the tests of
    # the deadlines set their own short ones.
    limits: dict[str, Any] = {
        "connect_timeout": 5.0,
        "first_token_timeout": 10.0,
        "total_timeout": 30.0,
        "max_tokens": 256,
    }
    limits.update(overrides)
    return OpenAILLM(url, model, api_key=SecretStr(key) if key is not None else None, **limits)


@pytest.fixture
async def llm(fake_openai: FakeOpenAI) -> AsyncIterator[OpenAILLM]:
    async with _make(fake_openai.url) as client:
        yield client


async def _collect(llm: OpenAILLM, **kwargs: Any) -> list[str]:
    return [chunk async for chunk in llm.stream(MESSAGES, **kwargs)]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- streaming ---------------------------------------------------------------------------


async def test_stream_yields_chunks_in_order(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT))
    chunks = await _collect(llm)
    assert chunks == Reply().chunks(TEXT)
    assert "".join(chunks) == TEXT
    (request,) = fake_openai.chat_requests
    assert request.stream is True
    assert request.model == MODEL
    assert request.body["max_tokens"] == 256
    assert request.messages == [m.as_dict() for m in MESSAGES]
    assert "response_format" not in request.body and request.format is None
    assert request.headers["authorization"] == f"Bearer {FAKE_OPENAI_KEY}"


async def test_max_tokens_caps_the_generation(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT))
    assert await _collect(llm, max_tokens=3) == Reply().chunks(TEXT)[:3]
    assert fake_openai.chat_requests[0].body["max_tokens"] == 3


async def test_character_chunks_and_the_default_reply(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text="abcdefghij", chunk_size=4, tokens_per_second=200))
    assert await _collect(llm) == ["abcd", "efgh", "ij"]
    assert "".join(await _collect(llm)).startswith("This is a scripted reply")


async def test_breaking_out_early_releases_the_stream(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, tokens_per_second=100), Reply(text="next"))
    async with aclosing(llm.stream(MESSAGES)) as stream:
        async for chunk in stream:
            assert chunk == "A"
            break
    assert await _collect(llm) == ["next"]


async def test_cancelling_the_consumer_is_not_an_llm_error(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, tokens_per_second=20))
    task = asyncio.create_task(_collect(llm))
    await asyncio.to_thread(fake_openai.wait_for_requests, 1)
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_twenty_concurrent_streams_complete(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    barrier = threading.Barrier(20, timeout=5)

    def all_at_once(request: RecordedRequest) -> Reply:
        barrier.wait()  # every stream is in flight before any is answered
        return Reply(text=f"answer for {request.last_user_message} " + "word " * 30, chunk_delay=0.005)

    fake_openai.respond_with(all_at_once)

    async def one(i: int) -> str:
        return "".join([chunk async for chunk in llm.stream([ChatMessage("user", f"q{i}")])])

    results = await asyncio.gather(*(one(i) for i in range(20)))
    assert [r.split()[2] for r in results] == [f"q{i}" for i in range(20)]
    assert all(r.count("word") == 30 for r in results)


# --- structured output -------------------------------------------------------------------


async def test_complete_json_sends_a_strict_schema_and_validates(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply(json={"good": "Names buckets.", "missing": "Resizing.", "score": 7}))
    result = await llm.complete_json(MESSAGES, QuestionGrade)
    assert isinstance(result, QuestionGrade) and result.score == 7
    (request,) = fake_openai.chat_requests
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    spec = response_format["json_schema"]
    assert (spec["name"], spec["strict"]) == ("QuestionGrade", True)
    assert spec["schema"]["required"] == ["good", "missing", "score"]
    assert spec["schema"]["properties"]["score"]["maximum"] == 10
    assert "maxLength" not in spec["schema"]["properties"]["good"]  # outside strict mode's subset


async def test_a_schema_with_a_minimum_length_goes_whole_and_not_strict(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply(json=EVALUATION))
    result = await llm.complete_json(MESSAGES, Review)
    assert isinstance(result, Review) and result.questions[0].score == 7
    spec = fake_openai.chat_requests[0].body["response_format"]["json_schema"]
    assert (spec["name"], spec["strict"]) == ("Review", False)
    assert spec["schema"] == Review.model_json_schema()  # the summary's minLength is asked for


async def test_question_set_round_trips(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(json=generated_bank(), chunk_size=400))
    result = await llm.complete_json(MESSAGES, QuestionSet, max_tokens=4096)
    assert len(result.questions) == 12
    assert fake_openai.chat_requests[0].format["$defs"]["BankQuestion"]["required"] == [
        "topic",
        "text",
        "key_points",
        "hint",
        "model_answer",
    ]


async def test_a_reply_that_fills_the_schema_sent_is_used_minimum_lengths_included(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    # The fake fills the schema it is sent. A strict one would have no minLength, and its short
    # model answers would be refused twice (a bank generation failed); the whole schema is sent.
    result = await llm.complete_json(MESSAGES, QuestionSet, max_tokens=4096)
    assert 10 <= len(result.questions) <= 15
    assert all(len(q.model_answer) >= 40 for q in result.questions)
    assert len(fake_openai.chat_requests) == 1


async def test_strings_over_limits_the_strict_schema_left_out_are_cut_not_refused(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    # The strict schema sent has no maxLength, so this reply satisfies it: it must be usable.
    verbose = "The answer names the hash table and explains buckets and collisions well. " * 40
    fake_openai.script(Reply(json={"good": verbose, "missing": "Resizing.", "score": 8}))
    grade = await llm.complete_json(MESSAGES, QuestionGrade, max_tokens=4096)
    assert "maxLength" not in json.dumps(fake_openai.chat_requests[0].body["response_format"])
    assert len(fake_openai.chat_requests) == 1 and grade.score == 8
    assert len(grade.good) <= 1000 and verbose.startswith(grade.good[:-1])


async def test_truncated_json_is_invalid_output(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(json=EVALUATION, times=2))
    with pytest.raises(LLMInvalidOutput):
        await llm.complete_json(MESSAGES, Review, max_tokens=5)
    assert len(fake_openai.chat_requests) == 2


@pytest.mark.parametrize("fault", ["syntax", "schema"])
async def test_invalid_then_valid_retries_once(llm: OpenAILLM, fake_openai: FakeOpenAI, fault: str) -> None:
    fake_openai.script(Reply(invalid_json=fault), Reply(json=EVALUATION))
    result = await llm.complete_json(MESSAGES, Review)
    assert result.summary == "Solid basics."
    first, second = fake_openai.chat_requests
    assert first.messages == [m.as_dict() for m in MESSAGES]
    assert second.messages[:2] == first.messages
    assert "previous reply could not be used" in second.last_user_message
    assert second.body["response_format"] == first.body["response_format"]


async def test_invalid_twice_raises_invalid_output(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(invalid_json=True, times=None))
    with pytest.raises(LLMInvalidOutput) as caught:
        await llm.complete_json(MESSAGES, Review)
    assert caught.value.__cause__ is not None
    assert len(fake_openai.chat_requests) == 2


async def test_check_failure_counts_as_invalid(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(json=EVALUATION, times=2))
    with pytest.raises(LLMInvalidOutput):
        await llm.complete_json(MESSAGES, Review, check=lambda e: e.check_covers(2))
    assert "1..2" in fake_openai.chat_requests[1].last_user_message


async def test_stream_structured_reports_progress_restart_and_result(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply(invalid_json="schema"), Reply(json=EVALUATION, chunk_size=7))
    events = [event async for event in llm.stream_structured(MESSAGES, Review)]
    kinds = [type(e).__name__ for e in events]
    restart = kinds.index("Restart")
    assert set(kinds[:restart]) == {"TextDelta"}
    assert set(kinds[restart + 1 : -1]) == {"TextDelta"}
    assert isinstance(events[restart], Restart) and isinstance(events[-1], Parsed)
    second_text = "".join(e.text for e in events[restart + 1 : -1] if isinstance(e, TextDelta))
    assert Review.model_validate_json(second_text) == events[-1].value


async def test_a_wrapped_object_is_the_reply(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    # A server that ignores the format, or a model that thinks aloud, wraps the object in words.
    wrapped = f"<think>Hashing is named.</think>Here is the review:\n```json\n{json.dumps(EVALUATION)}\n```"
    fake_openai.script(Reply(text=wrapped, chunk_size=16))
    result = await llm.complete_json(MESSAGES, Review)
    assert result.summary == "Solid basics." and len(fake_openai.chat_requests) == 1


# --- faults ------------------------------------------------------------------------------


async def test_slow_first_token_times_out(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, slow_first_token=3.0))
    async with _make(fake_openai.url, first_token_timeout=0.5) as llm:
        with pytest.raises(LLMTimeout) as caught:
            await _collect(llm)
    assert caught.value.partial == ""


async def test_slow_first_token_within_limit_is_fine(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, slow_first_token=0.2))
    assert "".join(await _collect(llm)) == TEXT


async def test_disconnect_mid_stream_keeps_partial(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, disconnect_after=4))
    received: list[str] = []

    async def consume() -> None:
        async for chunk in llm.stream(MESSAGES):
            received.append(chunk)  # noqa: PERF401  (kept one by one: the stream raises midway)

    with pytest.raises(LLMInterrupted) as caught:
        await consume()
    expected = "".join(Reply().chunks(TEXT)[:4])
    assert caught.value.partial == expected == "".join(received)


async def test_disconnect_before_any_text_is_unavailable(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, disconnect_after=0))
    with pytest.raises(LLMUnavailable):
        await _collect(llm)


async def test_a_closing_chunk_without_a_delta_ends_the_reply(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply(text=TEXT, final_message=False), Reply(json=EVALUATION, final_message=False))
    assert "".join(await _collect(llm)) == TEXT
    assert (await llm.complete_json(MESSAGES, Review)).questions[0].score == 7
    assert len(fake_openai.chat_requests) == 2


async def test_error_event_mid_stream_is_an_interruption(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, error_after=2), Reply(text=TEXT, error_after=0))
    with pytest.raises(LLMInterrupted) as caught:
        await _collect(llm)
    assert caught.value.partial == "".join(Reply().chunks(TEXT)[:2])
    with pytest.raises(LLMUnavailable):
        await _collect(llm)


async def test_an_unreadable_chunk_is_an_interruption(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, garbage_after=3))
    with pytest.raises(LLMInterrupted) as caught:
        await _collect(llm)
    assert caught.value.partial == "".join(Reply().chunks(TEXT)[:3])


@pytest.mark.parametrize(
    ("status", "expected"), [(503, LLMBusy), (429, LLMBusy), (500, LLMUnavailable), (400, LLMUnavailable)]
)
async def test_http_errors_are_mapped(
    llm: OpenAILLM, fake_openai: FakeOpenAI, status: int, expected: type[Exception]
) -> None:
    fake_openai.script(Reply(status=status))
    with pytest.raises(expected):
        await _collect(llm)
    assert len(fake_openai.chat_requests) == 1  # the client itself never retried


async def test_busy_during_structured_output_is_not_retried(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(status=503))
    with pytest.raises(LLMBusy):
        await llm.complete_json(MESSAGES, Review)
    assert len(fake_openai.chat_requests) == 1


async def test_hang_times_out_within_total_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(hang=True))
    async with _make(fake_openai.url, first_token_timeout=5.0, total_timeout=0.4) as llm:
        with pytest.raises(LLMTimeout):  # the client's deadline, well before the guard's
            await asyncio.wait_for(_collect(llm), timeout=20)


async def test_slow_stream_hits_total_timeout_with_partial(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, chunk_delay=0.2))
    async with _make(fake_openai.url, total_timeout=0.5) as llm:
        with pytest.raises(LLMTimeout) as caught:
            await _collect(llm)
    assert caught.value.partial and TEXT.startswith(caught.value.partial)


async def test_per_call_total_timeout_overrides(llm: OpenAILLM, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text=TEXT, chunk_delay=0.1))
    with pytest.raises(LLMTimeout):
        await _collect(llm, total_timeout=0.3)


async def test_server_down_is_unavailable() -> None:
    async with _make(f"http://127.0.0.1:{_closed_port()}/v1") as llm:
        with pytest.raises(LLMUnavailable) as caught:
            await _collect(llm)
        assert "127.0.0.1" not in str(caught.value)
        assert caught.value.__cause__ is not None
        assert await llm.is_available() is False


async def test_unknown_model_is_unavailable(fake_openai: FakeOpenAI) -> None:
    async with _make(fake_openai.url, model="no-such-model") as llm:
        with pytest.raises(LLMUnavailable) as caught:
            await _collect(llm)
        assert str(caught.value) == "The language model is not installed."
        assert await llm.is_available() is False


@pytest.mark.parametrize("key", ["sk-wrong", None])
async def test_a_refused_key_is_unavailable(fake_openai: FakeOpenAI, key: str | None) -> None:
    async with _make(fake_openai.url, key=key) as llm:
        with pytest.raises(LLMUnavailable) as caught:
            await _collect(llm)
        assert str(caught.value) == "The language model server refused the API key."
        assert await llm.is_available() is False
    sent = {r.headers.get("authorization") for r in fake_openai.requests}
    assert sent == ({"Bearer sk-wrong"} if key else {None})


async def test_without_a_key_no_authorization_header_is_sent(
    fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")  # never picked up
    fake_openai.set_api_key(None)  # a local server that needs no key
    for key in (None, ""):
        async with _make(fake_openai.url, key=key) as llm:
            assert await llm.is_available() is True
            assert "".join(await _collect(llm)).startswith("This is a scripted reply")
    assert [r.headers.get("authorization") for r in fake_openai.requests] == [None] * 4


async def test_the_api_key_is_never_logged_or_shown(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-very-secret-0123456789"
    fake_openai.set_api_key(secret)
    fake_openai.script(Reply(text=TEXT, disconnect_after=2), Reply(status=503), Reply(invalid_json=True))
    caplog.set_level(logging.DEBUG)  # the openai client and httpx log requests at DEBUG
    errors: list[LLMError] = []
    async with _make(fake_openai.url, key=secret) as llm:
        assert await llm.is_available() is True
        for _ in range(2):
            with pytest.raises(LLMError) as caught:
                await _collect(llm)
            errors.append(caught.value)
        await llm.complete_json(MESSAGES, Review)  # invalid once, then the default JSON
        fake_openai.set_api_key("sk-another")
        with pytest.raises(LLMUnavailable) as refused:
            await _collect(llm)
        errors.append(refused.value)
        shown = repr(llm) + str(vars(llm))
    assert fake_openai.chat_requests[0].headers["authorization"] == f"Bearer {secret}"  # it was sent
    assert caplog.records  # something was logged, at every level
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert secret not in logged
    assert all(secret not in f"{e!s} {e!r} {e.partial}" for e in errors)
    assert secret not in shown


# --- availability and lifecycle ----------------------------------------------------------


async def test_is_available_needs_the_exact_model_name(fake_openai: FakeOpenAI) -> None:
    for name, expected in ((MODEL, True), ("mistral", True), ("Qwen/Qwen2.5-7B", False)):
        async with _make(fake_openai.url, model=name) as llm:
            assert await llm.is_available() is expected, name
    fake_openai.set_models(["other"])
    async with _make(fake_openai.url) as llm:
        assert await llm.is_available() is False
    assert {r.path for r in fake_openai.requests} == {"/v1/models"}


async def test_is_available_false_when_models_hang() -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(0)  # accepts TCP but never answers HTTP
    try:
        url = f"http://127.0.0.1:{blocker.getsockname()[1]}/v1"
        async with _make(url, connect_timeout=0.2, first_token_timeout=0.2) as llm:
            assert await llm.is_available() is False
    finally:
        blocker.close()


async def test_client_is_rebuilt_for_a_new_event_loop(fake_openai: FakeOpenAI) -> None:
    llm = _make(fake_openai.url)
    await llm.aclose()  # closing before first use is harmless
    assert await llm.is_available()

    async def check_and_close() -> bool:
        available = await llm.is_available()
        await llm.aclose()
        return available

    assert await asyncio.to_thread(lambda: asyncio.run(check_and_close()))
    assert await llm.is_available()
    await llm.aclose()


async def test_a_frame_the_client_cannot_read_is_an_interruption(
    llm: OpenAILLM, fake_openai: FakeOpenAI
) -> None:
    # Valid JSON that is not an object of the protocol: the client breaks on it in its own way
    # (not with one of its errors); the stream is cut there, what arrived is kept.
    fake_openai.script(Reply(text=TEXT, odd_after=2))
    with pytest.raises(LLMInterrupted) as caught:
        await _collect(llm)
    assert caught.value.partial == "".join(Reply().chunks(TEXT)[:2])
