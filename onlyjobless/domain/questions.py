"""The shape of one bank question, shared by the curated data and LLM generation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class BankQuestion(BaseModel):
    """One interview question with the rubric used for hints, model answers and scoring."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: str = Field(min_length=2, max_length=120)
    text: str = Field(min_length=10, max_length=1000)
    key_points: list[str] = Field(min_length=3, max_length=6)
    hint: str = Field(min_length=10, max_length=600)
    model_answer: str = Field(min_length=40, max_length=4000)

    @field_validator("key_points")
    @classmethod
    def _points_not_blank(cls, points: list[str]) -> list[str]:
        cleaned = [p.strip() for p in points]
        if any(len(p) < 3 for p in cleaned):
            raise ValueError("every key point needs some text")
        return cleaned


class QuestionSet(BaseModel):
    """What a bank generation must produce: 10 to 15 questions."""

    model_config = ConfigDict(extra="forbid")

    questions: list[BankQuestion] = Field(min_length=10, max_length=15)


class QuestionPart(BaseModel):
    """One reply of a bank generation: a few questions, so no reply outgrows a small model's budget."""

    model_config = ConfigDict(extra="forbid")

    questions: list[BankQuestion] = Field(min_length=1, max_length=4)
