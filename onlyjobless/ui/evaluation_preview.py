"""A readable preview of an evaluation while its JSON is still arriving."""

from __future__ import annotations

from typing import Any

from pydantic_core import from_json

_NUMBER_END = "0123456789.+-eE"


def _parse(text: str) -> dict[str, Any]:
    try:
        data = from_json(text, allow_partial="trailing-strings")
    except ValueError:  # nothing yet, or not JSON at all
        return {}
    return data if isinstance(data, dict) else {}


def _partial(raw: str) -> dict[str, Any]:
    """What has arrived, parsed; a number still being written at the end is left out ("1" of "10")."""
    data = _parse(raw)
    cut = raw.rstrip(_NUMBER_END)
    # Text ending in number characters ends in a number unless a string is open there (then
    # the two partial modes disagree: only "trailing-strings" keeps the open string).
    if data and cut != raw and data == from_json(raw, allow_partial=True):
        return _parse(cut)
    return data


def _scores(data: dict[str, Any]) -> list[tuple[int, int]]:
    entries = data.get("questions")
    if not isinstance(entries, list):
        return []
    found = [(entry.get("index"), entry.get("score")) for entry in entries if isinstance(entry, dict)]
    return [(index, score) for index, score in found if isinstance(index, int) and isinstance(score, int)]


def preview(raw: str, labels: dict[str, str]) -> str:
    """Scores as they are written, then the summary as it grows; never the raw JSON."""
    data = _partial(raw)
    lines = [labels["evaluation.in_progress"]]
    for index, score in _scores(data):
        lines.append(f"- {labels['evaluation.question']} {index}: **{score}/10**")
    summary = data.get("summary")
    if isinstance(summary, str) and summary:
        lines += ["", summary]
    return "\n".join(lines)
