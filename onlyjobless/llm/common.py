"""What every LLM backend shares: deadlines, the structured-output retry, validation, per-loop clients.

A backend only says how to open one streamed chat call on its protocol, how to list its models
and how to map its client's errors; `ChatBackend` turns that into the `LLM` interface.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
import weakref
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ValidationError

from onlyjobless.domain.text import without_nul
from onlyjobless.llm.base import (
    ChatMessage,
    Check,
    LLMError,
    LLMInterrupted,
    LLMInvalidOutput,
    Parsed,
    Restart,
    StructuredEvent,
    T,
    TextDelta,
)
from onlyjobless.llm.replies import clipped, json_of, without_thinking

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT")

RETRY_NOTE = (
    "Your previous reply could not be used ({problem}). "
    "Reply again with only the JSON object that matches the schema."
)


# The context window asked for: the prompt (about 3 characters a token, less for Russian) plus
# the output cap plus a margin, rounded up to a whole 1024, within these bounds. A server's own
# default (4k on small GPUs) would silently cut a longer prompt.
CONTEXT_MARGIN = 256
CONTEXT_STEP = 1024
MIN_CONTEXT = 2048
MAX_CONTEXT = 32768
# Deterministic calls (grading): no sampling temperature and a fixed seed, so the same answer
# gets the same score.
FIXED_SEED = 42


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Per-call generation settings; each backend translates them into its own request fields."""

    max_tokens: int
    context: int = MIN_CONTEXT
    temperature: float | None = None
    seed: int | None = None


def context_size(messages: Sequence[ChatMessage], max_tokens: int) -> int:
    """The context window a call needs: its prompt, its output cap and a margin, in steps of 1024."""
    prompt_tokens = sum(len(m.content) for m in messages) // 3 + 1
    needed = prompt_tokens + max_tokens + CONTEXT_MARGIN
    rounded = -(-needed // CONTEXT_STEP) * CONTEXT_STEP
    return max(MIN_CONTEXT, min(MAX_CONTEXT, rounded))


def problem_of(exc: ValidationError | ValueError) -> str:
    """A short description of why structured output was rejected, for the retry note."""
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "reply"
        return f"{where}: {first.get('msg', 'invalid')}"[:300]
    return str(exc)[:300] or "invalid"


@functools.cache
def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _strip_nul(value: Any) -> Any:
    """Parsed JSON with NUL removed from every string in it (keys included)."""
    if isinstance(value, str):
        return without_nul(value)
    if isinstance(value, list):
        return [_strip_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(key): _strip_nul(item) for key, item in value.items()}
    return value


class ChatBackend(ABC, Generic[ClientT]):
    """The `LLM` interface over one protocol; one instance serves the whole app."""

    # What the backend's client raises for a failed call; mapped to LLMError by `_map_error`.
    client_errors: ClassVar[tuple[type[BaseException], ...]] = ()

    def __init__(
        self,
        model: str,
        *,
        connect_timeout: float = 5.0,
        first_token_timeout: float = 60.0,
        total_timeout: float = 300.0,
        max_tokens: int = 2048,
    ) -> None:
        if min(connect_timeout, first_token_timeout, total_timeout) <= 0 or max_tokens <= 0:
            raise ValueError("timeouts and max_tokens must be positive")
        self.model = model
        self.connect_timeout = connect_timeout
        self.first_token_timeout = first_token_timeout
        self.total_timeout = total_timeout
        self.max_tokens = max_tokens
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ClientT] = (
            weakref.WeakKeyDictionary()
        )

    # --- what a backend provides ---------------------------------------------------------

    @abstractmethod
    def _new_client(self) -> ClientT:
        """A client for the running event loop."""

    @abstractmethod
    async def _close_client(self, client: ClientT) -> None:
        """Close a client's connections."""

    @abstractmethod
    def _open_stream(
        self,
        client: ClientT,
        messages: Sequence[ChatMessage],
        schema: type[BaseModel] | None,
        options: GenerationOptions,
    ) -> AsyncGenerator[str, None]:
        """One streamed chat call: yield each piece of text ("" for a sign of life without text)."""

    @abstractmethod
    async def _has_model(self, client: ClientT) -> bool:
        """Whether the server lists the configured model."""

    @abstractmethod
    def _map_error(self, exc: BaseException, partial: str) -> LLMError:
        """Translate one of `client_errors` (or TimeoutError) into an LLMError without secrets."""

    # --- clients, one per event loop -----------------------------------------------------

    def _client(self) -> ClientT:
        """The client of the running event loop (HTTP connection pools cannot cross loops)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = self._new_client()
        return client

    async def aclose(self) -> None:
        """Close the running loop's HTTP connections (call it from each loop that used this)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await self._close_client(client)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- the LLM interface ---------------------------------------------------------------

    async def is_available(self) -> bool:
        """True when the server answers in time and lists the configured model."""
        try:
            async with asyncio.timeout(self.connect_timeout + self.first_token_timeout):
                return await self._has_model(self._client())
        except self._failures() as exc:
            log.info("LLM availability check failed: %s", type(exc).__name__)
            return False

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
        deterministic: bool = False,
    ) -> AsyncGenerator[str, None]:
        """Yield text chunks as they arrive (close it with `aclosing` when stopping early)."""
        options = self._options(messages, max_tokens, deterministic)
        return without_thinking(self._chunks(messages, None, options, total_timeout))

    async def stream_structured(
        self,
        messages: Sequence[ChatMessage],
        schema: type[T],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
        check: Check[T] | None = None,
        deterministic: bool = False,
    ) -> AsyncGenerator[StructuredEvent[T], None]:
        """Stream JSON constrained by the schema, validate it, retry once when invalid."""
        options = self._options(messages, max_tokens, deterministic)
        attempt_messages = list(messages)
        for attempt in (1, 2):
            parts: list[str] = []
            chunks = self._chunks(attempt_messages, schema, options, total_timeout)
            async with aclosing(chunks):
                async for chunk in chunks:
                    parts.append(chunk)
                    yield TextDelta(chunk)
            try:
                # A NUL may also come as the JSON escape \u0000: removed from the parsed strings.
                value = schema.model_validate(
                    clipped(_strip_nul(json_of("".join(parts))), _schema_of(schema))
                )
                if check is not None:
                    check(value)
            except (ValidationError, ValueError) as exc:
                problem = problem_of(exc)
                log.warning("LLM structured output invalid (attempt %d): %s", attempt, problem)
                if attempt == 2:
                    raise LLMInvalidOutput() from exc
                yield Restart(problem)
                note = ChatMessage("user", RETRY_NOTE.format(problem=problem))
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
        deterministic: bool = False,
    ) -> T:
        """Return the validated structured answer."""
        events = self.stream_structured(
            messages,
            schema,
            max_tokens=max_tokens,
            total_timeout=total_timeout,
            check=check,
            deterministic=deterministic,
        )
        async with aclosing(events):
            async for event in events:
                if isinstance(event, Parsed):
                    result: T = event.value
                    return result
        raise LLMInvalidOutput()  # pragma: no cover - stream_structured always ends in Parsed

    # --- the shared call loop ------------------------------------------------------------

    def _failures(self) -> tuple[type[BaseException], ...]:
        """Everything a failed call may raise: the client's errors and our own deadlines."""
        return (TimeoutError, *self.client_errors)

    def _options(
        self, messages: Sequence[ChatMessage], max_tokens: int | None, deterministic: bool
    ) -> GenerationOptions:
        cap = max_tokens or self.max_tokens
        # The retry note adds a little to the prompt: the margin covers it.
        return GenerationOptions(
            max_tokens=cap,
            context=context_size(messages, cap),
            temperature=0.0 if deterministic else None,
            seed=FIXED_SEED if deterministic else None,
        )

    async def _chunks(
        self,
        messages: Sequence[ChatMessage],
        schema: type[BaseModel] | None,
        options: GenerationOptions,
        total_timeout: float | None,
    ) -> AsyncGenerator[str, None]:
        """One streamed chat call with first-token and total deadlines, errors mapped."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        total_deadline = start + (total_timeout or self.total_timeout)
        first_deadline = min(total_deadline, start + self.first_token_timeout)
        received: list[str] = []
        started = False
        # The request is sent at the first anext(), so the first deadline covers connecting too.
        pieces = self._open_stream(self._client(), messages, schema, options)
        try:
            while True:
                try:
                    async with asyncio.timeout_at(total_deadline if started else first_deadline):
                        text = await anext(pieces)
                except StopAsyncIteration:
                    return
                except self._failures() as exc:
                    error = self._map_error(exc, "".join(received))
                    log.warning("LLM call failed: %s -> %s", type(exc).__name__, error.code)
                    raise error from exc
                except Exception as exc:
                    # The client broke on a reply it could not read, in a way of its own (a frame
                    # that is JSON but not the protocol's): the stream is cut there. Logged with
                    # where it broke, never with the exception's text (it may quote the reply).
                    where = "".join(traceback.format_tb(exc.__traceback__, limit=-3))
                    log.error("LLM stream unreadable: %s\n%s", type(exc).__name__, where)
                    raise LLMInterrupted(partial="".join(received)) from exc
                started = True
                text = without_nul(text)  # PostgreSQL text cannot hold it; nobody reads it
                if text:
                    received.append(text)
                    yield text
        finally:
            await pieces.aclose()
