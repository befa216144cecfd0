"""The shape of one bank question, shared by the curated data and LLM generation."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

KEY_POINT_CHARS = 300


def trimmed(shortest: int) -> AfterValidator:
    """Surrounding whitespace dropped, unless that leaves fewer than `shortest` characters: the
    schema sent to the LLM counts them (a model held to a minimum may pad a short point, "DI "),
    so such a text is kept as written rather than refused. Validating the result again keeps it."""

    def trim(value: str) -> str:
        stripped = value.strip()
        return stripped if len(stripped) >= shortest else value

    return AfterValidator(trim)


class BankQuestion(BaseModel):
    """One interview question with the rubric used for hints, model answers and scoring."""

    model_config = ConfigDict(extra="forbid")

    topic: Annotated[str, trimmed(2)] = Field(min_length=2, max_length=120)
    text: Annotated[str, trimmed(10)] = Field(min_length=10, max_length=1000)
    # Each point's limits are in the schema sent to the LLM, so a reply that satisfies them is used.
    # The maximum bounds what every grading prompt and every answer check carries (a point is a
    # line: the curated ones stay under 200 characters); a longer one is cut to it.
    key_points: list[Annotated[str, Field(min_length=3, max_length=KEY_POINT_CHARS), trimmed(3)]] = Field(
        min_length=3, max_length=6
    )
    hint: Annotated[str, trimmed(10)] = Field(min_length=10, max_length=600)
    model_answer: Annotated[str, trimmed(40)] = Field(min_length=40, max_length=4000)


class QuestionSet(BaseModel):
    """What a bank generation must produce: 10 to 15 questions."""

    model_config = ConfigDict(extra="forbid")

    questions: list[BankQuestion] = Field(min_length=10, max_length=15)


class QuestionPart(BaseModel):
    """One reply of a bank generation: a few questions, so no reply outgrows a small model's budget."""

    model_config = ConfigDict(extra="forbid")

    questions: list[BankQuestion] = Field(min_length=1, max_length=4)
