"""A structured reply shaped like the ones a review returns (a list of items, a text, a number), for
testing the LLM clients' structured output apart from any service's own schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReviewItem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    index: int = Field(ge=1)
    score: int = Field(ge=0, le=10)
    good: str = Field(max_length=2000)
    missing: str = Field(max_length=2000)
    strong_answer: str = Field(max_length=3000)


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    questions: list[ReviewItem] = Field(min_length=1, max_length=30)
    summary: str = Field(min_length=1, max_length=3000)
    overall_score: float = Field(ge=0, le=10)

    def check_covers(self, count: int) -> None:
        """Raise ValueError unless there is exactly one entry for each index 1..count (a service's check)."""
        if sorted(q.index for q in self.questions) != list(range(1, count + 1)):
            raise ValueError(f"expected one entry for each question 1..{count}")
