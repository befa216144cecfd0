"""The running line while an evaluation is under way: each question's score as soon as it is graded."""

from __future__ import annotations

from collections.abc import Sequence

from onlyjobless.services.interviews import ReportRow


def preview(rows: Sequence[ReportRow], labels: dict[str, str]) -> str:
    """One line per graded question (estimates say so); the full report replaces it at the end."""
    lines = [labels["evaluation.in_progress"]]
    for row in rows:
        score = labels["evaluation.not_answered"] if row.score is None else f"**{row.score}/10**"
        mark = f" ({labels['evaluation.estimate']})" if row.estimate else ""
        lines.append(f"- {labels['evaluation.question']} {row.number}. {row.topic}: {score}{mark}")
    return "\n".join(lines)
