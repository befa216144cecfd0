"""A readable preview of an evaluation while its JSON is still arriving."""

from __future__ import annotations

import re

_ENTRY = re.compile(r'"index"\s*:\s*(\d+)\s*,\s*"score"\s*:\s*(\d+)')
_SUMMARY = re.compile(r'"summary"\s*:\s*"((?:[^"\\]|\\.)*)', re.DOTALL)


def preview(raw: str, labels: dict[str, str]) -> str:
    """Scores as they are written, then the summary as it grows; never the raw JSON."""
    lines = [labels["evaluation.in_progress"]]
    for index, score in _ENTRY.findall(raw):
        lines.append(f"- {labels['evaluation.question']} {index}: **{score}/10**")
    summary = _SUMMARY.search(raw)
    if summary:
        text = summary.group(1).replace('\\"', '"').replace("\\n", "\n")
        lines += ["", text]
    return "\n".join(lines)
