"""The interview engine: the state machine of a chat, with no Reflex import.

start → answer … → (hint | model answer)* → finish/evaluate → retry. Every step is kept in
the chat store before anything else happens, so a reload or another device resumes exactly.
The LLM is called only for hints, model answers and the evaluation.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, ChatPage, ChatQuestion, Feedback, Message, NewChat, NewMessage
from onlyjobless.domain.errors import Conflict, InvalidInput, ServiceError, Unavailable
from onlyjobless.llm import (
    LLM,
    ChatMessage,
    Evaluation,
    EvaluationItem,
    LLMError,
    LLMInterrupted,
    LLMTimeout,
    LLMUnavailable,
    Parsed,
    Restart,
    TextDelta,
    evaluation_messages,
    hint_messages,
    model_answer_messages,
)
from onlyjobless.services import misuse, offline_eval
from onlyjobless.services.bank import QuestionBank
from onlyjobless.services.quota import GenerationLeases, Quota
from onlyjobless.services.vacancies import Catalogue
from onlyjobless.settings import MAX_ANSWER_LENGTH
from onlyjobless.storage.chats import ChatStore, RevisionConflict

log = logging.getLogger(__name__)

HISTORY_TURNS = 12
RetryMode = Literal["all", "mistakes"]


@dataclass(frozen=True)
class Progress:
    """Where the candidate is: question `position` of `total` in this attempt."""

    position: int
    total: int
    answered: int


@dataclass(frozen=True)
class ChatView:
    """Everything a screen or an API client needs to show a chat."""

    chat: Chat
    messages: list[Message]
    stale: bool
    progress: Progress

    @property
    def evaluation_due(self) -> bool:
        return self.chat.status == "evaluating"


@dataclass(frozen=True)
class Delta:
    """A chunk of text as it arrives from the LLM."""

    text: str


@dataclass(frozen=True)
class Reset:
    """The text shown so far is void (structured output is being retried)."""


@dataclass(frozen=True)
class Done:
    """The stored result of a generation."""

    message: Message
    offline: bool = False
    chat: Chat | None = None


@dataclass(frozen=True)
class Failed:
    """The generation failed; what arrived is stored (incomplete) when there was any."""

    code: str
    partial: Message | None = None
    params: dict[str, Any] = field(default_factory=dict)


Event = Delta | Reset | Done | Failed


def _progress(chat: Chat) -> Progress:
    total = len(chat.round)
    answered = sum(1 for index in chat.round if chat.questions[index].used)
    position = chat.round.index(chat.current) + 1 if chat.current is not None else total
    return Progress(position=position, total=total, answered=answered)


def _question_text(chat: Chat, index: int) -> str:
    return chat.questions[index].text


class Interviews:
    """Runs interviews for users; every call names the user, and only their chats exist for them."""

    def __init__(
        self,
        store: ChatStore,
        bank: QuestionBank,
        catalogue: Catalogue,
        quota: Quota,
        leases: GenerationLeases,
        llm: LLM,
    ) -> None:
        self.store = store
        self._bank = bank
        self._catalogue = catalogue
        self.quota = quota
        self._leases = leases
        self._llm = llm

    # -- reading ----------------------------------------------------------------------

    async def _stale(self, chat: Chat) -> bool:
        active = await self._bank.active_version_id(chat.vacancy, chat.language)
        return active is not None and active > chat.bank_version

    async def view(self, user_id: uuid.UUID, chat_id: object) -> ChatView:
        """The chat as it was left: history, current question, flags, staleness."""
        chat = await self.store.get_chat(str(user_id), _as_id(chat_id))
        messages = await self.store.list_messages(str(user_id), chat.id)
        return ChatView(chat, messages, await self._stale(chat), _progress(chat))

    async def list_chats(self, user_id: uuid.UUID, *, limit: int = 20, cursor: str | None = None) -> ChatPage:
        return await self.store.list_chats(str(user_id), limit=limit, cursor=cursor)

    async def stale_versions(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
        """Active bank versions for the sidebar's stale markers."""
        return {pair: await self._bank.active_version_id(*pair) for pair in pairs}

    async def clear(self, user_id: uuid.UUID) -> int:
        """Delete all of the user's chats and messages."""
        return await self.store.delete_all(str(user_id))

    # -- start ------------------------------------------------------------------------

    async def start(self, user_id: uuid.UUID, position: object, language: str) -> ChatView:
        """Match the role, count the interview, copy the bank's questions, greet, ask the first."""
        text = position if isinstance(position, str) else ""
        match = self._catalogue.match(text, language)
        if match.vacancy is None:
            raise InvalidInput(
                f"position_{match.reason or 'not_it'}",
                suggestions=[{"slug": s.slug, "title": s.title} for s in match.suggestions],
            )
        vacancy = match.vacancy
        await self.quota.consume(user_id)
        try:
            snapshot = await self._bank.active(vacancy.slug, language)
            questions = [ChatQuestion(index=i, **q.model_dump()) for i, q in enumerate(snapshot.questions)]
            chat = await self.store.create_chat(
                NewChat(
                    user_id=str(user_id),
                    title=vacancy.title(language),
                    vacancy=vacancy.slug,
                    language=language,
                    bank_version=snapshot.version_id,
                    questions=questions,
                    round=[q.index for q in questions],
                    current=0,
                )
            )
        except ServiceError:
            await self.quota.refund(user_id)
            raise
        greeting = i18n.translate(
            "interview.greeting", language, role=vacancy.title(language), count=len(questions)
        )
        await self._say(chat, "greeting", greeting, dedupe=f"greeting:{chat.attempt}")
        await self._ask(chat, 0)
        return await self.view(user_id, chat.id)

    async def _say(
        self,
        chat: Chat,
        kind: Any,
        content: str,
        *,
        dedupe: str | None = None,
        question: int | None = None,
        role: Any = "interviewer",
        complete: bool = True,
        meta: dict[str, Any] | None = None,
    ) -> Message:
        return await self.store.add_message(
            chat.user_id,
            chat.id,
            NewMessage(
                role=role,
                kind=kind,
                content=content,
                complete=complete,
                question_index=question,
                attempt=chat.attempt,
                meta=meta or {},
                dedupe_key=dedupe,
            ),
        )

    async def _ask(self, chat: Chat, index: int) -> Message:
        return await self._say(
            chat,
            "question",
            _question_text(chat, index),
            dedupe=f"question:{chat.attempt}:{index}",
            question=index,
        )

    # -- answer -----------------------------------------------------------------------

    async def answer(self, user_id: uuid.UUID, chat_id: object, content: object) -> ChatView:
        """Store the answer, mark the question used and ask the next; after the last, evaluation is due."""
        if not isinstance(content, str) or not content.strip():
            raise InvalidInput("answer_empty")
        if len(content) > MAX_ANSWER_LENGTH:
            raise InvalidInput("answer_too_long", max=MAX_ANSWER_LENGTH)
        chat = await self.store.get_chat(str(user_id), _as_id(chat_id))
        if chat.status != "active" or chat.current is None:
            raise Conflict("chat_not_active")
        kind = misuse.detect(content)
        if kind is not None:
            raise InvalidInput(f"answer_misuse_{kind}")
        index = chat.current
        await self._say(
            chat,
            "answer",
            content.strip(),
            role="candidate",
            question=index,
            dedupe=f"answer:{chat.attempt}:{index}",
        )
        chat = await self._advance(chat, index)
        if chat.current is not None:
            await self._ask(chat, chat.current)
        return await self.view(user_id, chat.id)

    async def _advance(self, chat: Chat, index: int) -> Chat:
        """Mark `index` used and move to the next unanswered question of the round."""
        for _ in range(5):
            questions = [q.model_copy() for q in chat.questions]
            questions[index].used = True
            following = [i for i in chat.round if not questions[i].used]
            changes: dict[str, Any] = {"questions": questions, "current": following[0] if following else None}
            if not following:
                changes["status"] = "evaluating"
            try:
                return await self.store.update_chat(chat.user_id, chat.id, chat.revision, changes)
            except RevisionConflict:
                chat = await self.store.get_chat(chat.user_id, chat.id)
                if chat.current != index:
                    return chat  # a concurrent request already moved on
        raise Unavailable("chat_busy")  # pragma: no cover - five lost races in a row

    # -- hint and model answer ----------------------------------------------------------

    async def hint(self, user_id: uuid.UUID, chat_id: object) -> AsyncIterator[Event]:
        """A nudge for the current question, streamed; offline, the bank's stored hint."""
        chat, token = await self._begin_generation(user_id, chat_id)
        index = chat.current
        assert index is not None
        question = chat.questions[index]
        history = await self._history(chat)
        messages = hint_messages(question.text, question.key_points, history, chat.language)
        return self._generate(user_id, token, chat, "hint", index, messages, lambda: question.hint)

    async def model_answer(self, user_id: uuid.UUID, chat_id: object) -> AsyncIterator[Event]:
        """A model answer to the current question, streamed; offline, the bank's stored one."""
        chat, token = await self._begin_generation(user_id, chat_id)
        index = chat.current
        assert index is not None
        question = chat.questions[index]
        messages = model_answer_messages(question.text, question.key_points, chat.language)
        return self._generate(
            user_id, token, chat, "model_answer", index, messages, lambda: question.model_answer
        )

    async def _begin_generation(self, user_id: uuid.UUID, chat_id: object) -> tuple[Chat, str]:
        chat = await self.store.get_chat(str(user_id), _as_id(chat_id))
        if chat.status != "active" or chat.current is None:
            raise Conflict("chat_not_active")
        token = await self._leases.acquire(user_id)
        if token is None:
            raise Conflict("generation_busy")
        return chat, token

    async def _history(self, chat: Chat) -> list[ChatMessage]:
        """The conversation so far as chat turns (the candidate's turns stay data in the prompt)."""
        stored = await self.store.list_messages(chat.user_id, chat.id)
        turns = [
            ChatMessage("user" if m.role == "candidate" else "assistant", m.content)
            for m in stored
            if m.kind in ("greeting", "question", "answer") and m.complete
        ]
        return turns[-HISTORY_TURNS:]

    async def _generate(
        self,
        user_id: uuid.UUID,
        token: str,
        chat: Chat,
        kind: Literal["hint", "model_answer"],
        index: int,
        messages: Sequence[ChatMessage],
        stored: Callable[[], str],
    ) -> AsyncIterator[Event]:
        dedupe = f"{kind}:{chat.attempt}:{index}"
        parts: list[str] = []
        try:
            try:
                async for chunk in self._llm.stream(messages):
                    parts.append(chunk)
                    yield Delta(chunk)
            except LLMUnavailable:
                if parts:
                    raise
                message = await self._say(
                    chat, kind, stored(), question=index, dedupe=dedupe, meta={"offline": True}
                )
                yield Done(message, offline=True)
                return
            except (LLMInterrupted, LLMTimeout) as exc:
                text = "".join(parts) or exc.partial
                partial = None
                if text:
                    partial = await self._say(chat, kind, text, question=index, complete=False)
                yield Failed(exc.code, partial)
                return
            except LLMError as exc:
                yield Failed(exc.code)
                return
            except (GeneratorExit, asyncio.CancelledError):
                # Stopped by the user (closed or cancelled): keep what arrived, marked incomplete.
                if parts:
                    await self._say(
                        chat, kind, "".join(parts), question=index, complete=False, meta={"stopped": True}
                    )
                raise
            message = await self._say(chat, kind, "".join(parts).strip(), question=index, dedupe=dedupe)
            yield Done(message)
        finally:
            await self._leases.release(user_id, token)

    # -- finish and evaluate ------------------------------------------------------------

    async def finish(self, user_id: uuid.UUID, chat_id: object) -> AsyncIterator[Event]:
        """End now (or after the last answer) and evaluate every answered question, streamed."""
        chat = await self.store.get_chat(str(user_id), _as_id(chat_id))
        if chat.status == "finished":
            raise Conflict("chat_finished")
        token = await self._leases.acquire(user_id)
        if token is None:
            raise Conflict("generation_busy")
        if chat.status != "evaluating":
            try:
                chat = await self.store.update_chat(
                    chat.user_id, chat.id, chat.revision, {"status": "evaluating", "current": None}
                )
            except RevisionConflict:
                await self._leases.release(user_id, token)
                raise Conflict("chat_busy") from None
        return self._evaluate(user_id, token, chat)

    async def _answers(self, chat: Chat) -> dict[int, str]:
        """The latest answer of this attempt to each question."""
        found: dict[int, str] = {}
        for message in await self.store.list_messages(chat.user_id, chat.id):
            if (
                message.kind == "answer"
                and message.attempt == chat.attempt
                and message.question_index is not None
            ):
                found[message.question_index] = message.content
        return found

    async def _evaluate(self, user_id: uuid.UUID, token: str, chat: Chat) -> AsyncIterator[Event]:
        try:
            answers = await self._answers(chat)
            answered = [i for i in chat.round if i in answers]
            evaluation: Evaluation | None = None
            offline = False
            if answered:
                items = [
                    EvaluationItem(chat.questions[i].text, chat.questions[i].key_points, answers[i])
                    for i in answered
                ]
                messages = evaluation_messages(items, chat.language)
                try:
                    async for event in self._llm.stream_structured(
                        messages, Evaluation, check=lambda value: value.check_covers(len(items))
                    ):
                        if isinstance(event, TextDelta):
                            yield Delta(event.text)
                        elif isinstance(event, Restart):
                            yield Reset()
                        elif isinstance(event, Parsed):
                            evaluation = event.value
                except LLMUnavailable:
                    offline = True
                except LLMError as exc:
                    await self._reopen(chat)
                    yield Failed(exc.code)
                    return
            chat, text = await self._record_evaluation(chat, answered, answers, evaluation, offline)
            message = await self._say(
                chat,
                "evaluation",
                text,
                dedupe=f"evaluation:{chat.attempt}",
                meta={"offline": offline, "overall_score": chat.overall_score},
            )
            yield Done(message, offline=offline, chat=chat)
        finally:
            await self._leases.release(user_id, token)

    async def _reopen(self, chat: Chat) -> None:
        """A failed evaluation leaves the chat waiting for another try, nothing lost."""
        fresh = await self.store.get_chat(chat.user_id, chat.id)
        if fresh.status == "evaluating":
            await self.store.update_chat(fresh.user_id, fresh.id, fresh.revision, {"status": "evaluating"})

    async def _record_evaluation(
        self,
        chat: Chat,
        answered: list[int],
        answers: dict[int, str],
        evaluation: Evaluation | None,
        offline: bool,
    ) -> tuple[Chat, str]:
        questions = [q.model_copy() for q in chat.questions]
        verdicts = evaluation.by_index() if evaluation else {}
        for position, index in enumerate(answered, start=1):
            question = questions[index]
            cap = offline_eval.score_cap(answers[index])
            if evaluation is not None:
                verdict = verdicts[position]
                question.score = min(verdict.score, cap)
                question.feedback = Feedback(
                    good=verdict.good, missing=verdict.missing, strong_answer=verdict.strong_answer
                )
            else:
                coverage = offline_eval.estimate(answers[index], question.key_points)
                question.score = coverage.score
                question.feedback = Feedback(
                    good="; ".join(coverage.covered),
                    missing="; ".join(coverage.missed),
                    strong_answer=question.model_answer,
                )
            question.mistakes = question.score < 10
        for index in chat.round:
            if index not in answers:
                questions[index].score = None
                questions[index].feedback = None
                questions[index].mistakes = True
        scores = [questions[i].score or 0 for i in chat.round]
        overall = round(sum(scores) / len(scores), 1) if scores else 0.0
        if evaluation is not None:
            summary = evaluation.summary  # the overall score stays the mean: the answers bound it
        else:
            key = "evaluation.offline_summary" if answered else "evaluation.nothing_answered"
            summary = i18n.translate(key, chat.language)
        source = "offline" if offline or evaluation is None else "llm"
        updated = await self.store.update_chat(
            chat.user_id,
            chat.id,
            chat.revision,
            {
                "questions": questions,
                "status": "finished",
                "current": None,
                "overall_score": overall,
                "summary": summary,
                "evaluation_source": source,
            },
        )
        return updated, render_evaluation(updated)

    # -- retry ------------------------------------------------------------------------

    async def retry(self, user_id: uuid.UUID, chat_id: object, mode: object) -> ChatView:
        """Go again: every question with flags reset, or only the ones flagged as mistakes."""
        if mode not in ("all", "mistakes"):
            raise InvalidInput("retry_mode_invalid")
        chat = await self.store.get_chat(str(user_id), _as_id(chat_id))
        if chat.status != "finished":
            raise Conflict("chat_not_finished")
        questions = [q.model_copy() for q in chat.questions]
        if mode == "all":
            round_ = [q.index for q in questions]
            for question in questions:
                question.used = question.mistakes = False
                question.score, question.feedback = None, None
        else:
            round_ = [q.index for q in questions if q.mistakes]
            if not round_:
                raise Conflict("no_mistakes")
            for index in round_:
                questions[index].used = False
        await self.quota.consume(user_id)
        try:
            chat = await self.store.update_chat(
                chat.user_id,
                chat.id,
                chat.revision,
                {
                    "questions": questions,
                    "round": round_,
                    "current": round_[0],
                    "attempt": chat.attempt + 1,
                    "status": "active",
                    "overall_score": None,
                    "summary": None,
                    "evaluation_source": None,
                },
            )
        except RevisionConflict:
            await self.quota.refund(user_id)
            raise Conflict("chat_busy") from None
        notice = i18n.translate(f"interview.retry_{mode}", chat.language, count=len(round_))
        await self._say(chat, "notice", notice, dedupe=f"retry:{chat.attempt}")
        await self._ask(chat, round_[0])
        return await self.view(user_id, chat.id)


def _as_id(value: object) -> str:
    """Ids are strings; anything else is simply an id that does not exist."""
    return value if isinstance(value, str) else ""


def render_evaluation(chat: Chat) -> str:
    """The evaluation as Markdown, in the chat's language."""
    t = i18n.strings(chat.language)
    lines = [f"## {t['evaluation.title']}", ""]
    if chat.evaluation_source == "offline":
        lines += [f"> {t['evaluation.offline_label']}", ""]
    for position, index in enumerate(chat.round, start=1):
        question = chat.questions[index]
        score = t["evaluation.not_answered"] if question.score is None else f"{question.score}/10"
        lines.append(f"### {position}. {question.topic} — {score}")
        lines.append(f"*{question.text}*")
        if question.feedback is not None:
            for key, value in (
                ("evaluation.good", question.feedback.good),
                ("evaluation.missing", question.feedback.missing),
                ("evaluation.strong_answer", question.feedback.strong_answer),
            ):
                if value:
                    lines.append(f"- **{t[key]}:** {value}")
        lines.append("")
    lines.append(f"**{t['evaluation.overall']}: {chat.overall_score}/10**")
    if chat.summary:
        lines += ["", chat.summary]
    return "\n".join(lines)
