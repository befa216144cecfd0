"""OllamaLLM: the LLM interface over the `ollama` async client, with timeouts and error mapping."""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from types import TracebackType
from typing import Any, Self

import httpx
import ollama
from pydantic import ValidationError

from onlyjobless.llm.base import (
    ChatMessage,
    Check,
    LLMBusy,
    LLMError,
    LLMInterrupted,
    LLMInvalidOutput,
    LLMTimeout,
    LLMUnavailable,
    Parsed,
    Restart,
    StructuredEvent,
    T,
    TextDelta,
)

log = logging.getLogger(__name__)

_TRANSPORT_ERRORS = (
    TimeoutError,
    ConnectionError,
    httpx.HTTPError,
    ollama.ResponseError,
    json.JSONDecodeError,
    ValidationError,
)
_RETRY_NOTE = (
    "Your previous reply could not be used ({problem}). "
    "Reply again with only the JSON object that matches the schema."
)


def _model_key(name: str) -> str:
    """Ollama treats a name without a tag as `name:latest`."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


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


def _problem(exc: ValidationError | ValueError) -> str:
    """A short description of why structured output was rejected, for the retry note."""
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "reply"
        return f"{where}: {first.get('msg', 'invalid')}"[:300]
    return str(exc)[:300] or "invalid"


class OllamaLLM:
    """Talks to an Ollama server over HTTP; one instance serves the whole app."""

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
        if min(connect_timeout, first_token_timeout, total_timeout) <= 0 or max_tokens <= 0:
            raise ValueError("timeouts and max_tokens must be positive")
        self.host = host
        self.model = model
        self.connect_timeout = connect_timeout
        self.first_token_timeout = first_token_timeout
        self.total_timeout = total_timeout
        self.max_tokens = max_tokens
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ollama.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def _client(self) -> ollama.AsyncClient:
        """The client of the running event loop (httpx connection pools cannot cross loops)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            timeout = httpx.Timeout(self.total_timeout, connect=self.connect_timeout)
            client = self._clients[loop] = ollama.AsyncClient(host=self.host, timeout=timeout)
        return client

    async def aclose(self) -> None:
        """Close the running loop's HTTP connections (call it from each loop that used this)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()  # type: ignore[no-untyped-call]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def is_available(self) -> bool:
        """True when /api/tags answers in time and lists the configured model."""
        try:
            async with asyncio.timeout(self.connect_timeout + self.first_token_timeout):
                listing = await self._client().list()
        except _TRANSPORT_ERRORS as exc:
            log.info("LLM availability check failed: %s", type(exc).__name__)
            return False
        wanted = _model_key(self.model)
        return any(m.model and _model_key(m.model) == wanted for m in listing.models)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
    ) -> AsyncGenerator[str, None]:
        """Yield text chunks as they arrive (close it with `aclosing` when stopping early)."""
        return self._chunks(messages, None, max_tokens, total_timeout)

    async def stream_structured(
        self,
        messages: Sequence[ChatMessage],
        schema: type[T],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
        check: Check[T] | None = None,
    ) -> AsyncGenerator[StructuredEvent[T], None]:
        """Stream JSON constrained by the schema, validate it, retry once when invalid."""
        fmt = schema.model_json_schema()
        attempt_messages = list(messages)
        for attempt in (1, 2):
            parts: list[str] = []
            chunks = self._chunks(attempt_messages, fmt, max_tokens, total_timeout)
            async with aclosing(chunks):
                async for chunk in chunks:
                    parts.append(chunk)
                    yield TextDelta(chunk)
            try:
                value = schema.model_validate_json("".join(parts))
                if check is not None:
                    check(value)
            except (ValidationError, ValueError) as exc:
                problem = _problem(exc)
                log.warning("LLM structured output invalid (attempt %d): %s", attempt, problem)
                if attempt == 2:
                    raise LLMInvalidOutput() from exc
                yield Restart(problem)
                note = ChatMessage("user", _RETRY_NOTE.format(problem=problem))
                attempt_messages = [*messages, note]
                continue
            yield Parsed(value)
            return

    async def complete_json(
        self,
        messages: Sequence[ChatMessage],
        schema: type[T],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
        check: Check[T] | None = None,
    ) -> T:
        """Return the validated structured answer."""
        events = self.stream_structured(
            messages, schema, max_tokens=max_tokens, total_timeout=total_timeout, check=check
        )
        async with aclosing(events):
            async for event in events:
                if isinstance(event, Parsed):
                    result: T = event.value
                    return result
        raise LLMInvalidOutput()  # pragma: no cover - stream_structured always ends in Parsed

    async def _chunks(
        self,
        messages: Sequence[ChatMessage],
        fmt: dict[str, Any] | None,
        max_tokens: int | None,
        total_timeout: float | None,
    ) -> AsyncGenerator[str, None]:
        """One streamed chat call with first-token and total deadlines, errors mapped."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        total_deadline = start + (total_timeout or self.total_timeout)
        first_deadline = min(total_deadline, start + self.first_token_timeout)
        received: list[str] = []
        started = False
        # With stream=True, chat() only builds the generator; the request starts at anext().
        responses = await self._client().chat(
            model=self.model,
            messages=[m.as_dict() for m in messages],
            stream=True,
            format=fmt,
            options={"num_predict": max_tokens or self.max_tokens},
        )
        try:
            while True:
                try:
                    async with asyncio.timeout_at(total_deadline if started else first_deadline):
                        part = await anext(responses)
                except StopAsyncIteration:
                    return
                except _TRANSPORT_ERRORS as exc:
                    error = map_error(exc, "".join(received))
                    log.warning("LLM call failed: %s -> %s", type(exc).__name__, error.code)
                    raise error from exc
                started = True
                text = part.message.content or ""
                if text:
                    received.append(text)
                    yield text
        finally:
            close = getattr(responses, "aclose", None)
            if close is not None:
                await close()
