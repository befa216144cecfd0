"""The evaluation: every answered question scored by the LLM (or estimated offline), recorded, rendered.

The offline estimate is a key-point coverage count, used when the LLM is unreachable; either
way a short answer cannot earn a high score.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, ChatQuestion, ChatStatus, Feedback, MessageKind
from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import EstimateWords
from onlyjobless.llm import (
    LLM,
    Evaluation,
    EvaluationItem,
    LLMError,
    LLMUnavailable,
    Parsed,
    QuestionEvaluation,
    Restart,
    TextDelta,
    evaluation_messages,
)
from onlyjobless.services.guard import leaks
from onlyjobless.services.interviews.transcript import Transcript
from onlyjobless.services.interviews.views import Delta, Done, Event, Failed, Reset, report_of
from onlyjobless.services.quota import GenerationLeases
from onlyjobless.storage.chats import RevisionConflict

# -- the offline estimate -----------------------------------------------------------------

_WORD = re.compile(r"[\w#+.]+", re.UNICODE)


@catalog.derived
def _stop_words() -> frozenset[str]:
    """Every language's (an answer's words are compared whatever its language)."""
    return frozenset(w for words in catalog.every(EstimateWords).values() for w in words.stop_words)


def _stems(text: str) -> set[str]:
    """Crude language-neutral stems: lower-cased words of 3+ letters cut to 5 characters."""
    stop = _stop_words()
    words = (w.lower().strip(".") for w in _WORD.findall(text))
    return {w[:5] for w in words if len(w) >= 3 and w not in stop}


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


# -- scoring and rendering -------------------------------------------------------------------


def _score(question: ChatQuestion, answer: str, verdict: QuestionEvaluation | None) -> None:
    """Score one answered question (a copy) from the LLM's verdict, or offline."""
    if verdict is not None:
        question.score = min(verdict.score, score_cap(answer))
        question.feedback = Feedback(
            good=verdict.good, missing=verdict.missing, strong_answer=verdict.strong_answer
        )
    else:
        coverage = estimate(answer, question.key_points)
        question.score = coverage.score
        question.feedback = Feedback(
            good="; ".join(coverage.covered),
            missing="; ".join(coverage.missed),
            strong_answer=question.model_answer,
        )
    question.mistakes = question.score < 10


def results(
    chat: Chat, answers: dict[int, str], evaluation: Evaluation | None, offline: bool
) -> dict[str, Any]:
    """The chat's changes once evaluated: scores, flags, the mean score, summary and source."""
    questions = [q.model_copy() for q in chat.questions]
    verdicts = evaluation.by_index() if evaluation else {}
    answered = [i for i in chat.round if i in answers]
    for position, index in enumerate(answered, start=1):
        _score(questions[index], answers[index], verdicts.get(position))
    for index in chat.round:
        if index not in answers:
            questions[index].score, questions[index].feedback = None, None
            questions[index].mistakes = True
    scores = [questions[i].score or 0 for i in chat.round]
    if evaluation is not None:
        summary = evaluation.summary  # the overall score stays the mean: the answers bound it
    else:
        key = "evaluation.offline_summary" if answered else "evaluation.nothing_answered"
        summary = i18n.translate(key, chat.language)
    return {
        "questions": questions,
        "status": ChatStatus.FINISHED,
        "current": None,
        "overall_score": round(sum(scores) / len(scores), 1) if scores else 0.0,
        "summary": summary,
        "evaluation_source": "offline" if offline or evaluation is None else "llm",
    }


def render(chat: Chat) -> str:
    """The evaluation as Markdown, in the chat's language."""
    t = i18n.strings(chat.language)
    lines = [f"## {t['evaluation.title']}", ""]
    if chat.evaluation_source == "offline":
        lines += [f"> {t['evaluation.offline_label']}", ""]
    for row in report_of(chat):
        score = t["evaluation.not_answered"] if row.score is None else f"{row.score}/10"
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
    lines.append(f"**{t['evaluation.overall']}: {chat.overall_score}/10**")
    if chat.summary:
        lines += ["", chat.summary]
    return "\n".join(lines)


def withhold_leaks(evaluation: Evaluation, language: str) -> Evaluation:
    """The evaluation with every text that leaks the prompts replaced by a neutral notice (scores kept)."""
    notice = i18n.translate("interview.output_withheld", language)

    def clean(text: str, where: str) -> str:
        leak = leaks.leak_in(text)
        if leak is None:
            return text
        leaks.report(where, leak)
        return notice

    questions = [
        q.model_copy(
            update={
                "good": clean(q.good, "evaluation"),
                "missing": clean(q.missing, "evaluation"),
                "strong_answer": clean(q.strong_answer, "evaluation"),
            }
        )
        for q in evaluation.questions
    ]
    summary = clean(evaluation.summary, "summary")
    return evaluation.model_copy(update={"questions": questions, "summary": summary})


# -- the streamed evaluation -----------------------------------------------------------------


class Evaluator:
    """Evaluates a chat under the user's generation lease, streaming the LLM's text as it comes."""

    def __init__(self, chats: Transcript, leases: GenerationLeases, llm: LLM) -> None:
        self._chats = chats
        self._leases = leases
        self._llm = llm

    async def stream(self, user_id: uuid.UUID, chat: Chat) -> AsyncIterator[Event]:
        """Delta chunks (Reset before a retry), then Done with the evaluated chat, or Failed.

        A failure leaves the chat waiting for its evaluation, nothing lost.
        """
        async with self._leases.hold(user_id) as held:
            if not held:
                yield Failed("generation_busy")
                return
            begun = await self._begin(chat)
            if isinstance(begun, Failed):
                yield begun
                return
            chat = begun
            answers = await self._answers(chat)
            items = [
                EvaluationItem(chat.questions[i].text, chat.questions[i].key_points, answers[i])
                for i in chat.round
                if i in answers
            ]
            evaluation: Evaluation | None = None
            offline = False
            if items:
                watch = leaks.StreamWatch()
                try:
                    async for event in self._llm.stream_structured(
                        evaluation_messages(items, chat.language),
                        Evaluation,
                        check=lambda value: value.check_covers(len(items)),
                    ):
                        if isinstance(event, TextDelta):
                            hidden = watch.leak is not None
                            shown = watch.feed(event.text)
                            if watch.leak is not None and not hidden:
                                yield Reset()  # stop showing; the stored evaluation is cleaned below
                            elif shown:
                                yield Delta(shown)
                        elif isinstance(event, Restart):
                            watch = leaks.StreamWatch()
                            yield Reset()
                        elif isinstance(event, Parsed):
                            evaluation = withhold_leaks(event.value, chat.language)
                except LLMUnavailable:
                    offline = True
                except LLMError as exc:
                    yield Failed(exc.code)
                    return
            yield await self._record(chat, answers, evaluation, offline)

    async def _begin(self, chat: Chat) -> Chat | Failed:
        """The chat as it is now, ended (no current question) and waiting for its evaluation."""
        chat = await self._chats.store.get_chat(chat.user_id, chat.id)
        if chat.status == ChatStatus.FINISHED:
            return Failed("chat_finished")  # evaluated meanwhile, from another tab or device
        if chat.status == ChatStatus.EVALUATING:
            return chat
        changes = {"status": ChatStatus.EVALUATING, "current": None}
        try:
            return await self._chats.store.update_chat(chat.user_id, chat.id, chat.revision, changes)
        except RevisionConflict:
            return Failed("chat_busy")

    async def _answers(self, chat: Chat) -> dict[int, str]:
        """The latest answer of this attempt to each question."""
        latest = await self._chats.store.latest_messages(
            chat.user_id, chat.id, [MessageKind.ANSWER], attempt=chat.attempt
        )
        return {m.question_index: m.content for m in latest if m.question_index is not None}

    async def _record(
        self, chat: Chat, answers: dict[int, str], evaluation: Evaluation | None, offline: bool
    ) -> Done:
        changes = results(chat, answers, evaluation, offline)
        chat = await self._chats.store.update_chat(chat.user_id, chat.id, chat.revision, changes)
        message = await self._chats.say(
            chat,
            MessageKind.EVALUATION,
            render(chat),
            dedupe=f"evaluation:{chat.attempt}",
            meta={"offline": offline, "overall_score": chat.overall_score},
        )
        return Done(message, offline=offline, chat=chat, report=tuple(report_of(chat)))
