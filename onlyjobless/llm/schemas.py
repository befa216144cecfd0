"""Pydantic shapes of the LLM's structured answers; their JSON schema also constrains decoding."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from onlyjobless.domain.questions import BankQuestion, QuestionSet

__all__ = ["BankQuestion", "Evaluation", "QuestionEvaluation", "QuestionSet"]


class QuestionEvaluation(BaseModel):
    """The verdict on one answered (or unanswered) question; index is 1-based."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    index: int = Field(ge=1)
    score: int = Field(ge=0, le=10)
    good: str = Field(max_length=2000)
    missing: str = Field(max_length=2000)
    strong_answer: str = Field(max_length=3000)


class Evaluation(BaseModel):
    """The whole interview's evaluation: one entry per question, a summary and a score."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    questions: list[QuestionEvaluation] = Field(min_length=1, max_length=30)
    summary: str = Field(min_length=1, max_length=3000)
    overall_score: float = Field(ge=0, le=10)

    def check_covers(self, count: int) -> None:
        """Raise ValueError unless there is exactly one entry for each index 1..count."""
        indexes = sorted(q.index for q in self.questions)
        if indexes != list(range(1, count + 1)):
            raise ValueError(f"expected one evaluation for each question 1..{count}")

    def by_index(self) -> dict[int, QuestionEvaluation]:
        """Entries keyed by their 1-based question index."""
        return {q.index: q for q in self.questions}
