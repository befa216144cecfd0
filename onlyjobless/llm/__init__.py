"""The LLM layer: a small interface, two backends behind it (Ollama, OpenAI-compatible), prompts and
output schemas."""

from onlyjobless.llm.base import (
    LLM,
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
    TextDelta,
)
from onlyjobless.llm.ollama_client import OllamaLLM
from onlyjobless.llm.openai_client import OpenAILLM
from onlyjobless.llm.prompts import (
    SUPPORTED_LANGUAGES,
    GradedTopic,
    GradingItem,
    bank_generation_messages,
    canary,
    grading_messages,
    hint_messages,
    model_answer_messages,
    summary_messages,
)
from onlyjobless.llm.replies import without_reasoning
from onlyjobless.llm.schemas import QuestionGrade, QuestionPart, QuestionSet, SummaryText

__all__ = [
    "LLM",
    "SUPPORTED_LANGUAGES",
    "ChatMessage",
    "Check",
    "GradedTopic",
    "GradingItem",
    "LLMBusy",
    "LLMError",
    "LLMInterrupted",
    "LLMInvalidOutput",
    "LLMTimeout",
    "LLMUnavailable",
    "OllamaLLM",
    "OpenAILLM",
    "Parsed",
    "QuestionGrade",
    "QuestionPart",
    "QuestionSet",
    "Restart",
    "StructuredEvent",
    "SummaryText",
    "TextDelta",
    "bank_generation_messages",
    "canary",
    "grading_messages",
    "hint_messages",
    "model_answer_messages",
    "summary_messages",
    "without_reasoning",
]
