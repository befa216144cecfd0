"""OllamaLLM: the LLM interface over the `ollama` async client (Ollama's own /api/chat protocol)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpx
import ollama
from pydantic import BaseModel, ValidationError

from onlyjobless.llm.base import (
    ChatMessage,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMTimeout,
    LLMUnavailable,
)
from onlyjobless.llm.common import ChatBackend, GenerationOptions


def _model_key(name: str) -> str:
    """Ollama treats a name without a tag as `name:latest`."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _is_bare_end(exc: ValidationError) -> bool:
    """Whether the client refused only a closing `done` line without a `message` (as early Ollama
    servers sent it): the reply is whole, not broken."""
    errors = exc.errors()
    return bool(errors) and all(
        error["type"] == "missing"
        and error["loc"] == ("message",)
        and isinstance(error["input"], dict)
        and error["input"].get("done") is True
        for error in errors
    )


def map_error(exc: BaseException, partial: str = "") -> LLMError:
    """Translate client/transport failures into LLMError with a short, secret-free message."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return LLMTimeout(partial=partial)
    if isinstance(exc, ollama.ResponseError):
        if exc.status_code in (429, 503):
            return LLMBusy(partial=partial)
        if exc.status_code == 404 or "not found" in str(exc.error).lower():
            return LLMUnavailable("The language model is not installed.", partial=partial)
        if exc.status_code == -1 and partial:
            return LLMInterrupted(partial=partial)
        return LLMUnavailable(partial=partial)
    if isinstance(exc, ConnectionError | httpx.ConnectError):
        return LLMUnavailable(partial=partial)
    return LLMInterrupted(partial=partial) if partial else LLMUnavailable()


def ollama_options(options: GenerationOptions) -> dict[str, Any]:
    """The request's `options` field: the output cap, the context window, and sampling when fixed."""
    fields: dict[str, Any] = {"num_predict": options.max_tokens, "num_ctx": options.context}
    if options.temperature is not None:
        fields["temperature"] = options.temperature
    if options.seed is not None:
        fields["seed"] = options.seed
    return fields


class OllamaLLM(ChatBackend[ollama.AsyncClient]):
    """Talks to an Ollama server over HTTP; one instance serves the whole app."""

    client_errors = (
        ConnectionError,
        httpx.HTTPError,
        ollama.ResponseError,
        json.JSONDecodeError,
        ValidationError,
    )

    def __init__(
        self,
        host: str,
        model: str,
        *,
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
        self.host = host

    def _new_client(self) -> ollama.AsyncClient:
        timeout = httpx.Timeout(self.total_timeout, connect=self.connect_timeout)
        return ollama.AsyncClient(host=self.host, timeout=timeout)

    async def _close_client(self, client: ollama.AsyncClient) -> None:
        await client.close()  # type: ignore[no-untyped-call]

    async def _has_model(self, client: ollama.AsyncClient) -> bool:
        """/api/tags lists the model, with or without its `:latest` tag."""
        listing = await client.list()
        wanted = _model_key(self.model)
        return any(m.model and _model_key(m.model) == wanted for m in listing.models)

    def _map_error(self, exc: BaseException, partial: str) -> LLMError:
        return map_error(exc, partial)

    async def _open_stream(
        self,
        client: ollama.AsyncClient,
        messages: Sequence[ChatMessage],
        schema: type[BaseModel] | None,
        options: GenerationOptions,
    ) -> AsyncGenerator[str, None]:
        """POST /api/chat with stream=True; the schema goes in `format`."""
        # With stream=True, chat() only builds the generator; the request starts at anext().
        responses = await client.chat(
            model=self.model,
            messages=[m.as_dict() for m in messages],
            stream=True,
            format=schema.model_json_schema() if schema is not None else None,
            options=ollama_options(options),
        )
        try:
            async for part in responses:
                yield part.message.content or ""
        except ValidationError as exc:
            if not _is_bare_end(exc):
                raise
        finally:
            close = getattr(responses, "aclose", None)
            if close is not None:
                await close()
