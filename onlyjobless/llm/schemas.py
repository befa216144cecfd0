"""Pydantic shapes of the LLM's structured answers; their JSON schema also constrains decoding.

The schema the app sends is the whole contract: whatever satisfies it is accepted and used.
So the evaluation's shapes carry no indexes or counts to get wrong (the app knows which question
it asked), and the reasoning comes before the number it justifies.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from onlyjobless.domain.questions import BankQuestion, QuestionPart, QuestionSet

__all__ = ["BankQuestion", "QuestionGrade", "QuestionPart", "QuestionSet", "SummaryText"]


class QuestionGrade(BaseModel):
    """The verdict on one answered question: what was good, what was missing, then the score."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    good: str = Field(max_length=1000)
    missing: str = Field(max_length=1000)
    score: int = Field(ge=0, le=10)


class SummaryText(BaseModel):
    """The closing words of an evaluated interview (blank: the app composes its own)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str = Field(max_length=1500)
