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
    EvaluationItem,
    bank_generation_messages,
    evaluation_messages,
    hint_messages,
    model_answer_messages,
)
from onlyjobless.llm.schemas import Evaluation, QuestionEvaluation, QuestionSet

__all__ = [
    "LLM",
    "SUPPORTED_LANGUAGES",
    "ChatMessage",
    "Check",
    "Evaluation",
    "EvaluationItem",
    "LLMBusy",
    "LLMError",
    "LLMInterrupted",
    "LLMInvalidOutput",
    "LLMTimeout",
    "LLMUnavailable",
    "OllamaLLM",
    "OpenAILLM",
    "Parsed",
    "QuestionEvaluation",
    "QuestionSet",
    "Restart",
    "StructuredEvent",
    "TextDelta",
    "bank_generation_messages",
    "evaluation_messages",
    "hint_messages",
    "model_answer_messages",
]
