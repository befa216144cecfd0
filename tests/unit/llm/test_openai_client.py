"""The OpenAI backend's pure parts: error mapping, the strict response format, request fields."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from onlyjobless.llm import (
    ChatMessage,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMTimeout,
    LLMUnavailable,
    OpenAILLM,
)
from onlyjobless.llm.common import GenerationOptions, context_size
from onlyjobless.llm.ollama_client import ollama_options
from onlyjobless.llm.openai_client import is_closed, map_error, request_fields, response_format
from onlyjobless.llm.schemas import QuestionGrade, QuestionPart, QuestionSet, SummaryText
from tests.support.sample_schema import Review

REQUEST = httpx2.Request("POST", "http://llm.internal/v1/chat/completions")


STATUS_ERRORS: dict[int, type[openai.APIStatusError]] = {
    400: openai.BadRequestError,
    401: openai.AuthenticationError,
    403: openai.PermissionDeniedError,
    404: openai.NotFoundError,
    429: openai.RateLimitError,
    500: openai.InternalServerError,
    503: openai.InternalServerError,
}


def _status(code: int) -> openai.APIStatusError:
    """What the client raises for an HTTP error status (the body may hold anything, keys included)."""
    response = httpx2.Response(code, request=REQUEST)
    return STATUS_ERRORS[code](f"Error code: {code} refused sk-secret", response=response, body=None)


@pytest.mark.parametrize(
    ("exc", "partial", "expected"),
    [
        (TimeoutError(), "", LLMTimeout),
        (openai.APITimeoutError(request=REQUEST), "some", LLMTimeout),
        (openai.APIConnectionError(request=REQUEST), "", LLMUnavailable),
        (openai.APIConnectionError(request=REQUEST), "half", LLMInterrupted),
        (_status(503), "", LLMBusy),
        (_status(429), "", LLMBusy),
        (_status(404), "", LLMUnavailable),
        (_status(401), "", LLMUnavailable),
        (_status(403), "", LLMUnavailable),
        (_status(500), "half", LLMUnavailable),
        (_status(400), "", LLMUnavailable),
        (openai.APIError("stream error", REQUEST, body=None), "half", LLMInterrupted),
        (openai.APIError("stream error", REQUEST, body=None), "", LLMUnavailable),
        (json.JSONDecodeError("bad", "x", 0), "half", LLMInterrupted),
    ],
)
def test_map_error(exc: BaseException, partial: str, expected: type[LLMError]) -> None:
    mapped = map_error(exc, partial)
    assert type(mapped) is expected
    assert "sk-secret" not in str(mapped) and "llm.internal" not in str(mapped)
    if expected is not LLMUnavailable:
        assert mapped.partial == partial


def test_status_errors_have_specific_generic_messages() -> None:
    assert str(map_error(_status(404))) == "The language model is not installed."
    assert str(map_error(_status(401))) == "The language model server refused the API key."
    assert str(map_error(_status(500))) == LLMUnavailable.default_message


def test_closed_models_go_strict_without_the_keywords_strict_mode_refuses() -> None:
    spec = response_format(QuestionGrade)["json_schema"]
    assert spec["name"] == "QuestionGrade" and spec["strict"] is True
    schema = spec["schema"]
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == ["good", "missing", "score"]
    assert schema["properties"]["good"] == {"title": "Good", "type": "string"}  # no maxLength
    assert schema["properties"]["score"] == {"maximum": 10, "minimum": 0, "title": "Score", "type": "integer"}


@pytest.mark.parametrize("model", [QuestionPart, QuestionSet])
def test_a_minimum_length_strict_mode_would_drop_keeps_the_full_schema(model: type[BaseModel]) -> None:
    """A string under its minimum cannot be made good after the reply (one over its maximum is cut):
    strict mode would let the server send what pydantic refuses, so the full schema goes instead."""
    spec = response_format(model)["json_schema"]
    assert spec["strict"] is False
    assert spec["schema"] == model.model_json_schema()
    question = spec["schema"]["$defs"]["BankQuestion"]["properties"]
    assert question["text"]["minLength"] == 10 and question["key_points"]["items"]["minLength"] == 3
    assert spec["schema"]["properties"]["questions"]["items"] == {"$ref": "#/$defs/BankQuestion"}


@pytest.mark.parametrize("model", [QuestionGrade, SummaryText, QuestionPart, QuestionSet])
def test_every_minimum_pydantic_checks_is_in_what_is_sent(model: type[BaseModel]) -> None:
    sent = json.dumps(response_format(model)["json_schema"]["schema"], sort_keys=True)
    assert sent.count('"minLength"') == json.dumps(model.model_json_schema()).count('"minLength"')


class _Optional(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=10)
    note: str | None = None


class _Open(BaseModel):
    name: str


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inner: _Open


def test_models_strict_mode_cannot_honour_go_as_they_are() -> None:
    for model in (_Optional, _Open, _Nested):
        spec = response_format(model)["json_schema"]
        assert spec["strict"] is False, model
        assert spec["schema"] == model.model_json_schema()
    assert response_format(_Optional)["json_schema"]["schema"]["properties"]["name"]["maxLength"] == 10


def test_is_closed() -> None:
    assert is_closed(Review.model_json_schema())
    assert not is_closed({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]})
    assert is_closed({"type": "array", "items": {"type": "integer"}})


def test_generation_options_become_each_protocols_fields() -> None:
    options = GenerationOptions(max_tokens=77, context=3072)
    assert request_fields(options) == {"max_tokens": 77}
    assert ollama_options(options) == {"num_predict": 77, "num_ctx": 3072}
    fixed = GenerationOptions(max_tokens=77, context=2048, temperature=0.0, seed=42)
    assert request_fields(fixed) == {"max_tokens": 77, "temperature": 0.0, "seed": 42}
    assert ollama_options(fixed) == {"num_predict": 77, "num_ctx": 2048, "temperature": 0.0, "seed": 42}


def test_the_context_fits_the_prompt_and_the_output_in_steps_of_1024() -> None:
    short = [ChatMessage("user", "hi")]
    assert context_size(short, 100) == 2048  # never below the floor
    long = [ChatMessage("system", "x" * 30_000), ChatMessage("user", "y" * 3_000)]
    assert context_size(long, 800) == 12288  # 11_001 + 800 + 256 rounded up
    assert context_size([ChatMessage("user", "z" * 300_000)], 800) == 32768  # nor above the ceiling


def test_repr_names_the_server_not_the_key() -> None:
    llm = OpenAILLM("http://vllm:8000/v1", "qwen", api_key=SecretStr("sk-hidden"))
    assert repr(llm) == "OpenAILLM(base_url='http://vllm:8000/v1', model='qwen')"
    assert "sk-hidden" not in str(vars(llm))


@pytest.mark.parametrize(
    "kwargs",
    [{"connect_timeout": 0}, {"first_token_timeout": -1}, {"total_timeout": 0}, {"max_tokens": 0}],
)
def test_refuses_non_positive_limits(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="positive"):
        OpenAILLM("http://127.0.0.1:1/v1", "m", **kwargs)  # type: ignore[arg-type]
