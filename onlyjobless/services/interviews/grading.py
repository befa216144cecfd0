"""The LLM's part of an evaluation: one small, deterministic call per answered question, one for the summary.

Each call carries one question with its key points, the stored model answer, what was said about
it before the answer (hints, a model answer shown) and the candidate's answer; the reply is a
`QuestionGrade`, and any reply that fits its schema is used. A failure costs one question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from onlyjobless import i18n
from onlyjobless.domain.chats import ChatQuestion
from onlyjobless.llm import (
    LLM,
    GradedTopic,
    GradingItem,
    QuestionGrade,
    SummaryText,
    grading_messages,
    summary_messages,
)
from onlyjobless.services.guard import leaks
from onlyjobless.services.interviews.offline import Verdict

GRADE_TOKENS = 800  # two short texts and a number
SUMMARY_TOKENS = 400  # two to four sentences

_WORD = re.compile(r"[\w#+.]+", re.UNICODE)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def score_cap(answer: str) -> int:
    """The highest score an answer of this length can earn from the LLM: a few words cannot be a 10."""
    words = word_count(answer)
    return 10 if words >= 25 else max(1, words // 3 + 1)


def _clean(text: str, where: str, language: str) -> str:
    """The text, or a neutral notice when it leaks the prompts (logged without the text)."""
    leak = leaks.leak_in(text)
    if leak is None:
        return text
    leaks.report(where, leak)
    return i18n.translate("interview.output_withheld", language)


async def grade(llm: LLM, item: GradingItem, language: str, seconds: float) -> Verdict:
    """The LLM's verdict on one answer; raises LLMError when it cannot give one (after its retry)."""
    value = await llm.complete_json(
        grading_messages(item, language),
        QuestionGrade,
        max_tokens=GRADE_TOKENS,
        total_timeout=seconds,
        deterministic=True,
    )
    return Verdict(
        min(value.score, score_cap(item.answer)),
        _clean(value.good, "evaluation", language),
        _clean(value.missing, "evaluation", language),
        estimate=False,
    )


async def summarise(llm: LLM, results: Sequence[GradedTopic], language: str, seconds: float) -> str:
    """The LLM's closing words ("" when it wrote none); raises LLMError when it fails."""
    value = await llm.complete_json(
        summary_messages(results, language),
        SummaryText,
        max_tokens=SUMMARY_TOKENS,
        total_timeout=seconds,
        deterministic=True,
    )
    return _clean(value.summary, "summary", language)


def composed_summary(questions: Sequence[ChatQuestion], language: str) -> str:
    """Closing words made from the results, when the LLM wrote none: best topics, and what to study."""
    scored = [q for q in questions if q.score is not None]
    if not scored:
        return i18n.translate("evaluation.nothing_answered", language)
    ordered = sorted(scored, key=lambda q: (-(q.score or 0), q.index))
    strong = [q.topic for q in ordered if (q.score or 0) >= 7][:3]
    weak = [q.topic for q in reversed(ordered) if (q.score or 0) < 7][:3]
    parts = []
    if strong:
        parts.append(i18n.translate("evaluation.summary_strong", language, topics=", ".join(strong)))
    if weak:
        parts.append(i18n.translate("evaluation.summary_study", language, topics=", ".join(weak)))
    return " ".join(parts)
