"""Display values of the interview screen, mapped from the engine's views in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from onlyjobless import i18n
from onlyjobless.domain.chats import Message
from onlyjobless.services.interviews import ReportRow
from onlyjobless.services.interviews.cuts import CUT

# Each kind of message has its own accent (a Radix colour scale); see ui/pages/chat/bubbles.py.
ACCENTS = {
    "greeting": "gray",
    "question": "indigo",
    "answer": "cyan",
    "hint": "amber",
    "model_answer": "grass",
    "evaluation": "violet",
    "refusal": "orange",
    "notice": "sky",
}


@dataclass
class UiMessage:
    """One chat bubble."""

    id: str
    role: str
    kind: str
    label: str
    accent: str
    content: str
    complete: bool
    offline: bool
    reveal: bool  # new from the interviewer: the page types it out
    score: str = ""  # an evaluation's overall score, as the language writes it ("7,5/10")
    # The page keeps the text it was streamed as this message's (ui/bridge.py); `content` is empty.
    streamed: bool = False
    cut: bool = False  # a try cut off when its server stopped; `content` says so (interviews/cuts.py)


@dataclass
class ReportItem:
    """One row of the evaluation report."""

    number: int
    topic: str
    text: str
    score: int
    score_label: str
    good: str
    missing: str
    strong: str
    mistake: bool
    estimate: bool  # scored offline, not by the LLM


def _score_of(message: Message, t: dict[str, str]) -> str:
    value = message.meta.get("overall_score")
    return i18n.score_text(value, t) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def label(t: dict[str, str], message: Message) -> str:
    """Who wrote it, or what it is ("Hint", "Model answer", ...)."""
    return t.get(f"message.{message.kind}", message.kind)


def bubble(message: Message, t: dict[str, str], reveal: bool = False) -> UiMessage:
    return UiMessage(
        id=message.id,
        role=str(message.role),
        kind=str(message.kind),
        label=label(t, message),
        accent=ACCENTS.get(str(message.kind), "gray"),
        content=message.content,
        complete=message.complete,
        offline=bool(message.meta.get("offline")),
        reveal=reveal,
        score=_score_of(message, t),
        cut=message.meta.get(CUT) is True,
    )


def report_items(report: Sequence[ReportRow], t: dict[str, str]) -> list[ReportItem]:
    return [
        ReportItem(
            number=row.number,
            topic=row.topic,
            text=row.text,
            score=row.score or 0,
            score_label=t["evaluation.not_answered"] if row.score is None else f"{row.score}/10",
            good=row.feedback.good if row.feedback else "",
            missing=row.feedback.missing if row.feedback else "",
            strong=row.feedback.strong_answer if row.feedback else "",
            mistake=row.mistake,
            estimate=row.estimate,
        )
        for row in report
    ]
