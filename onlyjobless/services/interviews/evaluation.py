"""The evaluation at Finish: every answered question graded on its own, streamed row by row, then a summary.

No dead ends: a question the LLM cannot grade (after its one corrective retry) gets the labelled
offline estimate, and once the LLM is away (unreachable, busy, out of time) the rest do too; so
the chat always reaches "finished" with a report. A chat left in "evaluating" (a crash, a closed
tab) is evaluated again by the next Finish, once its lease is gone.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, ChatStatus, Message, MessageKind
from onlyjobless.llm import (
    LLM,
    ChatMessage,
    GradedTopic,
    GradingItem,
    LLMBusy,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
)
from onlyjobless.semantic import SemanticScorer
from onlyjobless.services.interviews import grading, offline
from onlyjobless.services.interviews.offline import Verdict
from onlyjobless.services.interviews.report import render, results, scored
from onlyjobless.services.interviews.transcript import Transcript
from onlyjobless.services.interviews.views import Done, Event, Failed, Graded, report_of, row_of
from onlyjobless.services.quota import GenerationLeases
from onlyjobless.storage.chats import RevisionConflict

log = logging.getLogger(__name__)

# After these the LLM is taken to be away for the rest of this evaluation (each would cost the
# same wait again); an unusable reply costs only its own question.
_AWAY = (LLMUnavailable, LLMBusy, LLMTimeout)
MIN_CALL_SECONDS = 5.0  # a call with less time than this left in the budget is not started
_CONTEXT = (MessageKind.HINT, MessageKind.MODEL_ANSWER)


class Evaluator:
    """Evaluates a chat under the user's generation lease; every LLM call fits in the lease's time."""

    def __init__(
        self,
        chats: Transcript,
        leases: GenerationLeases,
        llm: LLM,
        scorer: SemanticScorer,
        budget: float,
        call_timeout: float,
    ) -> None:
        self._chats = chats
        self._leases = leases
        self._llm = llm
        self._scorer = scorer
        self._budget = budget
        self._call_timeout = call_timeout

    async def stream(
        self, user_id: uuid.UUID, chat: Chat, charge: Callable[[], Awaitable[object]] | None = None
    ) -> AsyncIterator[Event]:
        """A Graded row per answered question as soon as it is scored, then Done with the evaluated chat.

        Failed only when the evaluation cannot begin (busy, evaluated meanwhile). `charge` counts
        it in the budget once the lease is held, so an evaluation that lost the lease took nothing.
        """
        async with self._leases.hold(user_id) as held:
            if not held:
                yield Failed("generation_busy")
                return
            if charge is not None:
                await charge()
            begun = await self._begin(chat)
            if isinstance(begun, Failed):
                yield begun
                return
            chat = begun
            run = _Run(asyncio.get_running_loop().time() + self._budget)
            messages = await self._chats.messages(chat)
            answers = _answers(chat, messages)
            for number, index in enumerate(chat.round, start=1):
                if index not in answers:
                    continue
                verdict = await self._verdict(run, chat, index, answers[index], messages)
                run.verdicts[index] = verdict
                yield Graded(row_of(scored(chat.questions[index], verdict), number))
            summary = await self._summary(run, chat)
            yield await self._record(chat, run.verdicts, summary)

    async def _verdict(
        self, run: _Run, chat: Chat, index: int, answer: str, messages: list[Message]
    ) -> Verdict:
        """The LLM's grade, or the labelled estimate when the LLM cannot give one."""
        question = chat.questions[index]
        timeout = run.time_left(self._call_timeout)
        if not run.away and timeout is not None:
            item = GradingItem(
                question.text,
                question.key_points,
                question.model_answer,
                answer,
                _context(chat, index, messages),
            )
            try:
                return await grading.grade(self._llm, item, chat.language, timeout)
            except LLMError as exc:
                run.away = isinstance(exc, _AWAY)
                log.info("question graded offline after %s", exc.code)
        return await offline.estimate(self._scorer, question, answer, chat.language)

    async def _summary(self, run: _Run, chat: Chat) -> str:
        """The LLM's summary of the results, or one composed from them."""
        questions = [scored(chat.questions[i], run.verdicts.get(i)) for i in chat.round]
        if not run.verdicts:
            return i18n.translate("evaluation.nothing_answered", chat.language)
        timeout = run.time_left(self._call_timeout)
        if not run.away and timeout is not None and any(not v.estimate for v in run.verdicts.values()):
            topics = [
                GradedTopic(q.topic, q.score or 0, q.feedback.missing if q.feedback else "")
                for q in questions
                if q.score is not None
            ]
            try:
                text = await grading.summarise(self._llm, topics, chat.language, timeout)
            except LLMError as exc:
                log.info("summary composed after %s", exc.code)
            else:
                if text:
                    return text
        composed = grading.composed_summary(questions, chat.language)
        if all(v.estimate for v in run.verdicts.values()):
            return f"{i18n.translate('evaluation.offline_summary', chat.language)} {composed}".strip()
        return composed

    async def _begin(self, chat: Chat) -> Chat | Failed:
        """The chat as it is now, ended (no current question) and waiting for its evaluation."""
        chat = await self._chats.store.get_chat(chat.user_id, chat.id)
        if chat.status == ChatStatus.FINISHED:
            return Failed("chat_finished")  # evaluated meanwhile, from another tab or device
        if chat.status == ChatStatus.EVALUATING:
            return chat  # also one left evaluating by a crash: evaluated again
        changes = {"status": ChatStatus.EVALUATING, "current": None}
        try:
            return await self._chats.store.update_chat(chat.user_id, chat.id, chat.revision, changes)
        except RevisionConflict:
            return Failed("chat_busy")

    async def _record(self, chat: Chat, verdicts: dict[int, Verdict], summary: str) -> Done:
        changes = results(chat, verdicts, summary)
        chat = await self._chats.store.update_chat(chat.user_id, chat.id, chat.revision, changes)
        offline_only = chat.evaluation_source == "offline"
        message = await self._chats.say(
            chat,
            MessageKind.EVALUATION,
            render(chat),
            dedupe=f"evaluation:{chat.attempt}",
            meta={
                "offline": offline_only,
                "source": chat.evaluation_source,
                "overall_score": chat.overall_score,
            },
        )
        return Done(message, offline=offline_only, chat=chat, report=tuple(report_of(chat)))


class _Run:
    """One evaluation under way: its verdicts so far, whether the LLM is away, and its deadline."""

    def __init__(self, deadline: float) -> None:
        self.verdicts: dict[int, Verdict] = {}
        self.away = False
        self._deadline = deadline

    def time_left(self, cap: float) -> float | None:
        """Seconds the next LLM call may take (at most `cap`), or None when too few are left."""
        left = self._deadline - asyncio.get_running_loop().time()
        return min(cap, left) if left >= MIN_CALL_SECONDS else None


def _answers(chat: Chat, messages: list[Message]) -> dict[int, str]:
    """The latest answer of this attempt to each question."""
    return {
        m.question_index: m.content
        for m in messages
        if m.kind == MessageKind.ANSWER and m.attempt == chat.attempt and m.question_index is not None
    }


def _context(chat: Chat, index: int, messages: list[Message]) -> list[ChatMessage]:
    """What the interviewer said about the question in this attempt besides asking it (hints, answers)."""
    return [
        ChatMessage("assistant", m.content)
        for m in messages
        if m.kind in _CONTEXT and m.attempt == chat.attempt and m.question_index == index and m.complete
    ]
