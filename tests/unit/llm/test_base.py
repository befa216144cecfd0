"""The LLM interface pieces: messages, error codes, schemas and error mapping."""

from __future__ import annotations

import json

import httpx
import ollama
import pytest
from pydantic import ValidationError

from onlyjobless.llm import (
    ChatMessage,
    Evaluation,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMInvalidOutput,
    LLMTimeout,
    LLMUnavailable,
    OllamaLLM,
    QuestionEvaluation,
)
from onlyjobless.llm.ollama_client import map_error


def _evaluation(indexes: list[int]) -> Evaluation:
    return Evaluation(
        questions=[
            QuestionEvaluation(index=i, score=5, good="ok", missing="more", strong_answer="all")
            for i in indexes
        ],
        summary="Fine.",
        overall_score=5,
    )


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


def test_evaluation_score_bounds() -> None:
    with pytest.raises(ValidationError):
        QuestionEvaluation(index=1, score=11, good="", missing="", strong_answer="")
    with pytest.raises(ValidationError):
        Evaluation(questions=[], summary="x", overall_score=3)
    with pytest.raises(ValidationError):
        _evaluation([1]).model_validate({**_evaluation([1]).model_dump(), "overall_score": 10.5})


def test_evaluation_check_covers_every_question_once() -> None:
    _evaluation([2, 1, 3]).check_covers(3)
    with pytest.raises(ValueError, match=r"1\.\.3"):
        _evaluation([1, 2]).check_covers(3)
    with pytest.raises(ValueError, match=r"1\.\.2"):
        _evaluation([1, 1]).check_covers(2)
    assert set(_evaluation([1, 2]).by_index()) == {1, 2}


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
