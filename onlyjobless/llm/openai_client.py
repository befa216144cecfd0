"""OpenAILLM: the LLM interface over the `openai` async client, for OpenAI-compatible servers.

vLLM, llama.cpp's server, LM Studio and hosted APIs all speak the chat-completions API:
streamed as server-sent events, structured output through `response_format` with a JSON schema.

Strict mode: a schema is sent with `strict: true` when it can be honoured as it is, that is
when every object forbids extra keys and requires all of its properties (our output models do:
`extra="forbid"`, no defaults). Making an optional field "required but nullable" would change
what pydantic accepts, so a model with optional fields goes with `strict: false` instead.
Strict mode accepts a subset of JSON Schema; keywords outside it (the string length limits
among them) are left out of the strict schema. A reply may then run over a maximum length: it
is cut to it (llm.replies), as any schema-valid reply must be usable. A minimum length cannot be
made good that way (a short string cannot be lengthened), and pydantic would refuse what the
strict schema allowed: a model with one goes with `strict: false` and its full schema, so what
the server is asked for is what is checked.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Iterable, Mapping, Sequence
from typing import Any, cast

import openai
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, SecretStr, ValidationError

from onlyjobless.llm.base import (
    ChatMessage,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMTimeout,
    LLMUnavailable,
)
from onlyjobless.llm.common import ChatBackend, GenerationOptions

# JSON Schema keywords the strict mode of the chat-completions API accepts.
STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "$defs",
        "$ref",
        "anyOf",
        "enum",
        "const",
        "title",
        "description",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "pattern",
        "format",
    }
)
# Keywords outside strict mode's subset whose loss no clipping makes good: a reply may fall short
# of them, so a schema with one is not sent in strict mode.
UNREPAIRABLE = frozenset({"minLength"})
# Sent as the key when none is configured; the Authorization header is then left out entirely.
_NO_KEY = "unused"


def _nodes(node: Any) -> Iterable[dict[str, Any]]:
    """Every schema object in a JSON schema, the root included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def is_closed(schema: Mapping[str, Any]) -> bool:
    """Whether strict mode can enforce the schema unchanged: closed objects, every property required."""
    for node in _nodes(schema):
        properties = node.get("properties")
        if node.get("type") != "object" and not isinstance(properties, dict):
            continue
        if node.get("additionalProperties") is not False:
            return False
        if set(node.get("required", ())) != set(properties or ()):
            return False
    return True


def keeps_minimums(schema: Mapping[str, Any]) -> bool:
    """Whether the strict subset loses no minimum that pydantic checks (none is in the schema)."""
    return not any(keyword in node for node in _nodes(schema) for keyword in UNREPAIRABLE)


def _strict_subset(node: Any, *, in_properties: bool = False) -> Any:
    """The schema without the keywords strict mode refuses (property names are kept as they are)."""
    if isinstance(node, list):
        return [_strict_subset(item) for item in node]
    if not isinstance(node, dict):
        return node
    if in_properties:
        return {name: _strict_subset(sub) for name, sub in node.items()}
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key not in STRICT_KEYWORDS:
            continue
        kept[key] = _strict_subset(value, in_properties=key in ("properties", "$defs"))
    return kept


def response_format(schema: type[BaseModel]) -> dict[str, Any]:
    """The `response_format` that asks for JSON matching the model (see the module's note on strict)."""
    full = schema.model_json_schema()
    strict = is_closed(full) and keeps_minimums(full)
    return {
        "type": "json_schema",
        "json_schema": {
            "name": schema.__name__,
            "schema": _strict_subset(full) if strict else full,
            "strict": strict,
        },
    }


def request_fields(options: GenerationOptions) -> dict[str, Any]:
    """The chat-completions fields for the generation options.

    `max_tokens`, not `max_completion_tokens`: every OpenAI-compatible server accepts it. The
    context window is the server's own setting on this protocol.
    """
    fields: dict[str, Any] = {"max_tokens": options.max_tokens}
    if options.temperature is not None:
        fields["temperature"] = options.temperature
    if options.seed is not None:
        fields["seed"] = options.seed
    return fields


def map_error(exc: BaseException, partial: str = "") -> LLMError:
    """Translate client/transport failures into LLMError with a short, secret-free message."""
    if isinstance(exc, TimeoutError | openai.APITimeoutError):
        return LLMTimeout(partial=partial)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (429, 503):
            return LLMBusy(partial=partial)
        if status == 404:
            return LLMUnavailable("The language model is not installed.", partial=partial)
        if status in (401, 403):
            return LLMUnavailable("The language model server refused the API key.", partial=partial)
        return LLMUnavailable(partial=partial)
    # A dropped connection, an error event mid-stream or an unreadable chunk.
    return LLMInterrupted(partial=partial) if partial else LLMUnavailable()


class OpenAILLM(ChatBackend[openai.AsyncOpenAI]):
    """Talks to an OpenAI-compatible server (base URL ending in /v1); one instance serves the app."""

    client_errors = (openai.APIError, json.JSONDecodeError, ValidationError)

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: SecretStr | None = None,
        connect_timeout: float = 5.0,
        first_token_timeout: float = 60.0,
        total_timeout: float = 300.0,
        max_tokens: int = 2048,
    ) -> None:
        super().__init__(
            model,
            connect_timeout=connect_timeout,
            first_token_timeout=first_token_timeout,
            total_timeout=total_timeout,
            max_tokens=max_tokens,
        )
        self.base_url = base_url
        self._api_key = api_key if api_key is not None and api_key.get_secret_value() else None
        # Without a key, no Authorization header at all (local servers need none).
        self._headers: dict[str, str | openai.Omit] = (
            {} if self._api_key is not None else {"Authorization": openai.Omit()}
        )

    def __repr__(self) -> str:
        return f"OpenAILLM(base_url={self.base_url!r}, model={self.model!r})"

    def _new_client(self) -> openai.AsyncOpenAI:
        # The key is passed explicitly, so OPENAI_API_KEY in the environment never leaks to
        # another server; retries are ours (one, for invalid output), never the client's.
        key = self._api_key.get_secret_value() if self._api_key is not None else _NO_KEY
        return openai.AsyncOpenAI(
            api_key=key,
            base_url=self.base_url,
            timeout=openai.Timeout(self.total_timeout, connect=self.connect_timeout),
            max_retries=0,
        )

    async def _close_client(self, client: openai.AsyncOpenAI) -> None:
        await client.close()

    async def _has_model(self, client: openai.AsyncOpenAI) -> bool:
        """GET /models lists the model under its exact name."""
        listing = await client.models.list(extra_headers=self._headers)
        return any(entry.id == self.model for entry in listing.data)

    def _map_error(self, exc: BaseException, partial: str) -> LLMError:
        return map_error(exc, partial)

    async def _open_stream(
        self,
        client: openai.AsyncOpenAI,
        messages: Sequence[ChatMessage],
        schema: type[BaseModel] | None,
        options: GenerationOptions,
    ) -> AsyncGenerator[str, None]:
        """POST /chat/completions with stream=true; the schema goes in `response_format`."""
        extra: dict[str, Any] = request_fields(options)
        if schema is not None:
            extra["response_format"] = response_format(schema)
        stream = await client.chat.completions.create(
            model=self.model,
            messages=cast(list[ChatCompletionMessageParam], [m.as_dict() for m in messages]),
            stream=True,
            extra_headers=self._headers,
            **extra,
        )
        async with stream:
            async for chunk in stream:
                if chunk.choices:
                    # Chunks are not validated: a closing one may come without its `delta`, or null.
                    delta = chunk.choices[0].delta
                    yield (delta.content if delta is not None else None) or ""
