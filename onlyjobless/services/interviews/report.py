"""An evaluated chat: its changes once every answered question has a verdict, and its Markdown."""

from __future__ import annotations

from typing import Any

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, ChatQuestion, ChatStatus, Feedback
from onlyjobless.services.interviews.offline import Verdict
from onlyjobless.services.interviews.views import report_of


def scored(question: ChatQuestion, verdict: Verdict | None) -> ChatQuestion:
    """A copy of the question with its verdict (None: not answered in this attempt)."""
    copy = question.model_copy()
    if verdict is None:
        copy.score, copy.feedback, copy.mistakes = None, None, True
        return copy
    copy.score = verdict.score
    copy.feedback = Feedback(
        good=verdict.good,
        missing=verdict.missing,
        strong_answer=question.model_answer,
        estimate=verdict.estimate,
    )
    copy.mistakes = verdict.score < 10
    return copy


def source_of(verdicts: dict[int, Verdict]) -> str:
    """ "llm" when the LLM scored every answer, "offline" when none, "mixed" otherwise.

    With nothing answered nothing was estimated: "llm", so no label says the model was away."""
    estimates = sum(1 for v in verdicts.values() if v.estimate)
    if estimates == 0:
        return "llm"
    return "offline" if estimates == len(verdicts) else "mixed"


def results(chat: Chat, verdicts: dict[int, Verdict], summary: str) -> dict[str, Any]:
    """The chat's changes once evaluated: scores, flags, the mean score, summary and source."""
    questions = [q.model_copy() for q in chat.questions]
    for index in chat.round:
        questions[index] = scored(questions[index], verdicts.get(index))
    scores = [questions[i].score or 0 for i in chat.round]
    return {
        "questions": questions,
        "status": ChatStatus.FINISHED,
        "current": None,
        "overall_score": round(sum(scores) / len(scores), 1) if scores else 0.0,
        "summary": summary,
        "evaluation_source": source_of(verdicts),
    }


def render(chat: Chat) -> str:
    """The evaluation as Markdown, in the chat's language; estimated rows say so."""
    t = i18n.strings(chat.language)
    lines = [f"## {t['evaluation.title']}", ""]
    if chat.evaluation_source == "offline":
        lines += [f"> {t['evaluation.offline_label']}", ""]
    elif chat.evaluation_source == "mixed":
        lines += [f"> {t['evaluation.mixed_label']}", ""]
    for row in report_of(chat):
        score = i18n.score_text(row.score, t)
        if row.estimate:
            score = f"{score} ({t['evaluation.estimate']})"
        lines.append(f"### {row.number}. {row.topic} — {score}")
        lines.append(f"*{row.text}*")
        if row.feedback is not None:
            for key, value in (
                ("evaluation.good", row.feedback.good),
                ("evaluation.missing", row.feedback.missing),
                ("evaluation.strong_answer", row.feedback.strong_answer),
            ):
                if value:
                    lines.append(f"- **{t[key]}:** {value}")
        lines.append("")
    lines.append(f"**{t['evaluation.overall']}: {i18n.score_text(chat.overall_score, t)}**")
    if chat.summary:
        lines += ["", chat.summary]
    return "\n".join(lines)
