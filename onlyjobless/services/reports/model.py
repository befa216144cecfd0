"""The report of a chat's latest evaluated attempt, built on the engine's report rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from onlyjobless.domain.errors import Conflict
from onlyjobless.services.interviews import ChatView, ReportRow


@dataclass(frozen=True)
class ReportEntry:
    """One question of the report: the evaluation's row and what the candidate answered."""

    row: ReportRow
    answer: str  # the candidate's latest answer in this attempt; "" when not answered


@dataclass(frozen=True)
class Report:
    """Everything a report screen or a downloaded report shows, in the chat's language."""

    chat_id: str
    title: str
    language: str
    attempt: int
    created_at: datetime
    overall_score: float | None
    summary: str
    estimate: bool  # scored offline from key points, not by the interviewer model
    entries: list[ReportEntry]

    @property
    def slug(self) -> str:
        """A file name stem: the chat's title in plain letters, and the attempt."""
        name = "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")
        return "-".join(filter(None, [name[:40].strip("-") or "report", f"attempt-{self.attempt}"]))


def build_report(view: ChatView) -> Report:
    """The report of an evaluated chat; Conflict("report_not_ready") before its evaluation."""
    if not view.report:
        raise Conflict("report_not_ready")
    chat, answers = view.chat, view.answers
    return Report(
        chat_id=chat.id,
        title=chat.title,
        language=chat.language,
        attempt=chat.attempt,
        created_at=chat.created_at,
        overall_score=chat.overall_score,
        summary=chat.summary or "",
        estimate=chat.evaluation_source == "offline",
        entries=[ReportEntry(row, answers.get(row.index, "")) for row in view.report],
    )
