"""The offline estimate of one answer: the semantic scorer (key-point coverage by meaning, closeness
to the stored model answer), used for a question the LLM could not grade, and labelled as such.

The scorer embeds on the CPU, so it runs in a worker thread: the event loop keeps serving others.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from onlyjobless.domain.chats import ChatQuestion
from onlyjobless.semantic import EmbedderUnavailable, Question, SemanticScorer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """One answered question's result (0..10), by the LLM or estimated offline."""

    score: int
    good: str
    missing: str
    estimate: bool


def _estimate(scorer: SemanticScorer, question: ChatQuestion, answer: str, language: str) -> Verdict:
    asked = Question(question.text, tuple(question.key_points), question.model_answer, language)
    try:
        scored = scorer.score(asked, answer)
    except EmbedderUnavailable as exc:
        # No model to judge meaning with: an honest zero that names every key point as not judged.
        log.warning("offline estimate unavailable: %s", type(exc).__name__)
        return Verdict(0, "", "; ".join(question.key_points), estimate=True)
    missing = "; ".join(scored.missed)
    if scored.note:
        missing = f"{scored.note} {missing}".strip() if missing else scored.note
    return Verdict(min(10, max(0, round(scored.score))), "; ".join(scored.covered), missing, estimate=True)


async def estimate(scorer: SemanticScorer, question: ChatQuestion, answer: str, language: str) -> Verdict:
    """The labelled estimate of an answer, computed off the event loop."""
    return await asyncio.to_thread(_estimate, scorer, question, answer, language)
