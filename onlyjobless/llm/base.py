"""The small LLM interface the services depend on, so any backend (or a fake) can sit behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeAlias, TypeVar

from pydantic import BaseModel

Role = Literal["system", "user", "assistant"]
T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One chat turn; frozen so prompts built once cannot be altered on the way."""

    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        """The mapping the ollama client accepts."""
        return {"role": self.role, "content": self.content}


class LLMError(Exception):
    """Base of every LLM failure; `code` is stable and translated by the UI, never shown raw."""

    code = "llm_error"
    default_message = "The language model failed."

    def __init__(self, message: str | None = None, *, partial: str = "") -> None:
        super().__init__(message or self.default_message)
        self.partial = partial


class LLMUnavailable(LLMError):
    """Server down, unreachable or the model is missing: the service runs offline."""

    code = "llm_unavailable"
    default_message = "The language model is unavailable."


class LLMBusy(LLMError):
    """The server is overloaded (HTTP 503/429): try again shortly."""

    code = "llm_busy"
    default_message = "The language model is busy; try again shortly."


class LLMTimeout(LLMError):
    """Connect, first-token or total time ran out; `partial` holds any text that arrived."""

    code = "llm_timeout"
    default_message = "The language model did not answer in time."


class LLMInvalidOutput(LLMError):
    """Structured output stayed invalid after the retry."""

    code = "llm_invalid_output"
    default_message = "The language model returned unusable output."


class LLMInterrupted(LLMError):
    """The stream was cut off after some text; `partial` is what arrived."""

    code = "llm_interrupted"
    default_message = "The language model's answer was cut off."


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A raw text chunk of a structured answer, for showing progress."""

    text: str


@dataclass(frozen=True, slots=True)
class Restart:
    """The attempt so far was invalid and is retried: discard the text shown so far."""

    reason: str


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """The last event of a structured stream: the validated model."""

    value: T


StructuredEvent: TypeAlias = TextDelta | Restart | Parsed[T]
Check: TypeAlias = Callable[[T], None]


class LLM(Protocol):
    """What services need from a language model."""

    model: str

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
        deterministic: bool = False,
    ) -> AsyncIterator[str]:
        """Yield text chunks; raises LLMInterrupted(partial) if cut off after some text."""
        ...

    def stream_structured(
        self,
        messages: Sequence[ChatMessage],
        schema: type[T],
        *,
        max_tokens: int | None = None,
        total_timeout: float | None = None,
        check: Check[T] | None = None,
        deterministic: bool = False,
    ) -> AsyncIterator[StructuredEvent[T]]:
        """Yield TextDelta chunks, a Restart before the one retry, and finally Parsed(value).

        `deterministic`: temperature 0 and a fixed seed (grading), so the same input gives the same reply.
        """
        ...

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
        """Return the validated model; one retry on invalid output, then LLMInvalidOutput."""
        ...

    async def is_available(self) -> bool:
        """True when the server answers and has the model."""
        ...
