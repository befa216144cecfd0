"""The offline evaluation: a key-point coverage estimate, used when the LLM is unreachable."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[\w#+.]+", re.UNICODE)
_STOP = {
    "the", "and", "for", "with", "that", "this", "from", "into", "when", "what", "which", "are", "its",
    "как", "что", "для", "это", "или", "при", "его", "она", "они", "если", "чтобы", "также", "между",
}  # fmt: skip


def _stems(text: str) -> set[str]:
    """Crude language-neutral stems: lower-cased words of 3+ letters cut to 5 characters."""
    words = (w.lower().strip(".") for w in _WORD.findall(text))
    return {w[:5] for w in words if len(w) >= 3 and w not in _STOP}


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def score_cap(answer: str) -> int:
    """The highest score an answer of this length can earn: a few words cannot be a 10."""
    words = word_count(answer)
    return 10 if words >= 25 else max(1, words // 3 + 1)


@dataclass(frozen=True)
class Coverage:
    """Which key points an answer touches, and the score that implies."""

    covered: list[str]
    missed: list[str]
    score: int


def estimate(answer: str, key_points: list[str]) -> Coverage:
    """A key point counts as covered when half of its stems (at least one) appear in the answer."""
    said = _stems(answer)
    covered: list[str] = []
    missed: list[str] = []
    for point in key_points:
        stems = _stems(point)
        hits = len(stems & said)
        (covered if stems and hits >= max(1, len(stems) // 2) else missed).append(point)
    raw = round(10 * len(covered) / len(key_points)) if key_points else 0
    return Coverage(covered, missed, min(raw, score_cap(answer)))
