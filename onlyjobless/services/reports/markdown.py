"""The report as a Markdown document, in the chat's language."""

from __future__ import annotations

from onlyjobless import i18n
from onlyjobless.services.reports.model import Report, ReportEntry


def _quoted(text: str) -> list[str]:
    """The candidate's own text as a block quote (kept as typed, line by line)."""
    return [f"> {line}".rstrip() for line in text.strip().splitlines()] or [">"]


def _entry(entry: ReportEntry, t: dict[str, str], language: str) -> list[str]:
    row = entry.row
    lines = [
        f"## {row.number}. {row.topic} — {i18n.score_text(row.score, language)}",
        "",
        f"*{row.text}*",
        "",
    ]
    lines += [f"**{t['report.your_answer']}:**", ""]
    lines += _quoted(entry.answer) if entry.answer else [f"_{t['report.no_answer']}_"]
    lines.append("")
    if row.feedback is not None:
        for key, value in (
            ("evaluation.good", row.feedback.good),
            ("evaluation.missing", row.feedback.missing),
            ("evaluation.strong_answer", row.feedback.strong_answer),
        ):
            if value:
                lines += [f"**{t[key]}:** {value}", ""]
    return lines


def render_markdown(report: Report) -> str:
    language = report.language
    t = i18n.strings(language)
    lines = [
        f"# {t['report.title']}: {report.title}",
        "",
        f"{t['report.attempt']} {report.attempt} · {report.created_at:%Y-%m-%d}",
        "",
        f"**{t['evaluation.overall']}: {i18n.score_text(report.overall_score, language)}**",
        "",
    ]
    if report.estimate:
        lines += [f"> {t['evaluation.offline_label']}", ""]
    if report.summary:
        lines += [report.summary, ""]
    for entry in report.entries:
        lines += _entry(entry, t, language)
    return "\n".join(lines).rstrip() + "\n"
