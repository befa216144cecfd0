"""The LLM interface pieces: messages, error codes, schemas and error mapping."""

from __future__ import annotations

import json

import httpx
import ollama
import pytest
from pydantic import ValidationError

from onlyjobless.llm import (
    ChatMessage,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMInvalidOutput,
    LLMTimeout,
    LLMUnavailable,
    OllamaLLM,
    QuestionGrade,
    SummaryText,
)
from onlyjobless.llm.ollama_client import map_error


def test_chat_message_is_frozen_and_serialises() -> None:
    message = ChatMessage("user", "hi")
    assert message.as_dict() == {"role": "user", "content": "hi"}
    with pytest.raises(AttributeError):
        message.content = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (LLMUnavailable, "llm_unavailable"),
        (LLMBusy, "llm_busy"),
        (LLMTimeout, "llm_timeout"),
        (LLMInvalidOutput, "llm_invalid_output"),
        (LLMInterrupted, "llm_interrupted"),
    ],
)
def test_errors_have_stable_codes_and_generic_messages(error: type[LLMError], code: str) -> None:
    raised = error(partial="abc")
    assert isinstance(raised, LLMError)
    assert raised.code == code
    assert raised.partial == "abc"
    assert str(raised) == error.default_message


def test_a_grade_is_reasons_then_a_bounded_score_and_nothing_to_number() -> None:
    schema = QuestionGrade.model_json_schema()
    assert list(schema["properties"]) == ["good", "missing", "score"]
    assert (schema["properties"]["score"]["minimum"], schema["properties"]["score"]["maximum"]) == (0, 10)
    assert QuestionGrade(good="", missing="", score=0).score == 0  # empty reasons are valid
    for score in (-1, 11):
        with pytest.raises(ValidationError):
            QuestionGrade(good="", missing="", score=score)
    with pytest.raises(ValidationError):
        QuestionGrade.model_validate({"index": 1, "good": "", "missing": "", "score": 3})
    assert SummaryText(summary="  ").summary == ""


@pytest.mark.parametrize(
    ("exc", "partial", "expected"),
    [
        (TimeoutError(), "", LLMTimeout),
        (httpx.ReadTimeout("slow"), "some", LLMTimeout),
        (ConnectionError("refused"), "", LLMUnavailable),
        (httpx.ConnectError("refused"), "", LLMUnavailable),
        (ollama.ResponseError('{"error": "busy"}', 503), "", LLMBusy),
        (ollama.ResponseError("too many", 429), "", LLMBusy),
        (ollama.ResponseError("model 'x' not found", 404), "", LLMUnavailable),
        (ollama.ResponseError("model 'x' not found"), "", LLMUnavailable),
        (ollama.ResponseError("runner died"), "half", LLMInterrupted),
        (ollama.ResponseError("runner died"), "", LLMUnavailable),
        (ollama.ResponseError("boom", 500), "half", LLMUnavailable),
        (httpx.RemoteProtocolError("peer closed"), "half", LLMInterrupted),
        (httpx.ReadError("reset"), "", LLMUnavailable),
        (json.JSONDecodeError("bad", "x", 0), "half", LLMInterrupted),
    ],
)
def test_map_error(exc: BaseException, partial: str, expected: type[LLMError]) -> None:
    mapped = map_error(exc, partial)
    assert type(mapped) is expected
    assert "not found" not in str(mapped)
    if expected is not LLMUnavailable:
        assert mapped.partial == partial


def test_missing_model_message_is_specific_but_generic() -> None:
    mapped = map_error(ollama.ResponseError("model 'secret-name' not found", 404))
    assert str(mapped) == "The language model is not installed."


@pytest.mark.parametrize(
    "kwargs",
    [{"connect_timeout": 0}, {"first_token_timeout": -1}, {"total_timeout": 0}, {"max_tokens": 0}],
)
def test_ollama_llm_refuses_non_positive_limits(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="positive"):
        OllamaLLM("http://127.0.0.1:1", "mistral", **kwargs)  # type: ignore[arg-type]
