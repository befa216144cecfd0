"""The `Interviews` service: reading, start, answer and retry; streams go to generation/evaluation."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from onlyjobless import i18n
from onlyjobless.domain.chats import (
    Chat,
    ChatQuestion,
    ChatStatus,
    MessageKind,
    MessagePage,
    MessageRole,
    NewChat,
)
from onlyjobless.domain.errors import Conflict, InvalidInput, ServiceError, Unavailable
from onlyjobless.domain.text import refuse_nul
from onlyjobless.llm import LLM
from onlyjobless.semantic import SemanticScorer
from onlyjobless.services.bank import QuestionBank
from onlyjobless.services.guard import Guard, Question, shared_guard
from onlyjobless.services.interviews import cuts
from onlyjobless.services.interviews.charges import Charge, charged
from onlyjobless.services.interviews.evaluation import Evaluator
from onlyjobless.services.interviews.generation import Generation
from onlyjobless.services.interviews.rounds import next_round, undo_retry
from onlyjobless.services.interviews.transcript import Transcript
from onlyjobless.services.interviews.views import (
    LANDMARKS,
    ChatList,
    ChatView,
    Event,
    answers_of,
    line_of,
    newer,
    view_of,
)
from onlyjobless.services.quota import Budget, GenerationLeases, Quota
from onlyjobless.services.vacancies import Catalogue
from onlyjobless.settings import MAX_ANSWER_LENGTH
from onlyjobless.storage.chats import ChatStore, RevisionConflict

RETRY_MODES = ("all", "mistakes")
PAGE = 50  # messages a chat view shows at first; older ones come a page at a time
log = logging.getLogger(__name__)


class Interviews:
    """Runs interviews for users; every call names the user, and only their chats exist for them."""

    def __init__(
        self,
        store: ChatStore,
        bank: QuestionBank,
        catalogue: Catalogue,
        quota: Quota,
        leases: GenerationLeases,
        budget: Budget,
        llm: LLM,
        guard: Guard | None = None,
        scorer: SemanticScorer | None = None,
        *,
        call_timeout: float = 300.0,
    ) -> None:
        self.store = store
        self._guard = guard or shared_guard()
        self.quota = quota
        self.budget = budget
        self._bank = bank
        self._catalogue = catalogue
        self._leases = leases
        self._chats = Transcript(store)
        self._generation = Generation(self._chats, leases, llm)
        # The evaluation's LLM calls share the time of two whole LLM calls (`call_timeout`, the LLM's
        # total timeout, each); the lease is renewed while it runs, so its time to live is no bound.
        self._evaluator = Evaluator(
            self._chats,
            leases,
            llm,
            scorer or SemanticScorer(),
            budget=2 * call_timeout,
            call_timeout=call_timeout,
        )

    @property
    def leases(self) -> GenerationLeases:
        """The users' one-generation leases (a page watching a stream reads as often as they renew)."""
        return self._leases

    # -- reading ----------------------------------------------------------------------

    async def view(
        self, user_id: uuid.UUID, chat_id: object, *, limit: int = PAGE, before: int | None = None
    ) -> ChatView:
        """The chat as it was left: its newest messages (`limit`, below seq `before`), the
        current question, flags, staleness, report. A long chat is never read whole."""
        return await self._view_of(await self._chats.chat(user_id, chat_id), limit=limit, before=before)

    async def _view_of(self, chat: Chat, *, limit: int = PAGE, before: int | None = None) -> ChatView:
        """`view` of a chat in hand (just read or just written)."""
        page = await self.store.page_messages(chat.user_id, chat.id, limit=limit, before=before)
        landmarks = await self.store.latest_messages(chat.user_id, chat.id, LANDMARKS)
        answers: dict[int, str] = {}
        if chat.status == ChatStatus.FINISHED:  # the report shows them
            latest = await self.store.latest_messages(
                chat.user_id, chat.id, [MessageKind.ANSWER], attempt=chat.attempt
            )
            answers = answers_of(chat, latest)
        stale = await self._stale(chat.vacancy, chat.language, chat.bank_version)
        shown, writing = await cuts.settle(self._leases, chat, page.items)
        view = view_of(chat, shown, stale, before=page.before, landmarks=landmarks, answers=answers)
        return replace(view, writing=writing)

    async def earlier(
        self, user_id: uuid.UUID, chat_id: object, before: int, *, limit: int = PAGE
    ) -> MessagePage:
        """The page of messages before seq `before` (a view's or a page's `before`)."""
        page = await self.store.page_messages(
            str(user_id), chat_id if isinstance(chat_id, str) else "", limit=limit, before=before
        )
        if not any(cuts.WRITING in m.meta for m in page.items):
            return page
        shown, _ = await cuts.settle(self._leases, await self._chats.chat(user_id, chat_id), page.items)
        return MessagePage(items=shown, before=page.before)

    async def list_chats(self, user_id: uuid.UUID, *, limit: int = 20, cursor: str | None = None) -> ChatList:
        """A page of the user's chats, newest first, each marked stale or not."""
        refuse_nul(cursor)
        page = await self.store.list_chats(str(user_id), limit=limit, cursor=cursor)
        active = {
            pair: await self._bank.active_version_id(*pair)
            for pair in {(c.vacancy, c.language) for c in page.items}
        }
        return ChatList([line_of(c, active[(c.vacancy, c.language)]) for c in page.items], page.next_cursor)

    async def clear(self, user_id: uuid.UUID) -> int:
        """Delete all of the user's chats and messages."""
        return await self.store.delete_all(str(user_id))

    async def _stale(self, vacancy: str, language: str, version: int) -> bool:
        return newer(await self._bank.active_version_id(vacancy, language), version)

    # -- start ------------------------------------------------------------------------

    async def start(self, user_id: uuid.UUID, position: object, language: str) -> ChatView:
        """Match the role, count the interview, copy the bank's questions, greet, ask the first."""
        refuse_nul(position)
        typed = position if isinstance(position, str) else ""
        match = await asyncio.to_thread(self._catalogue.match, typed, language, wait=False)
        if match.vacancy is None:
            raise InvalidInput(
                f"position_{match.reason or 'not_it'}",
                suggestions=[{"slug": s.slug, "title": s.title} for s in match.suggestions],
            )
        vacancy = match.vacancy
        generates = await self._bank.needs_generation(vacancy.slug, language)
        await self.quota.consume(user_id)
        if generates:  # this start has the LLM write the role's bank: one generation of the budget
            await self._consume_budget_or_refund(user_id)
        try:
            snapshot, built = await self._bank.active_built(vacancy.slug, language)
            if generates and not built:  # another start's generation was joined: it was theirs to count
                await self.budget.refund(user_id)
                generates = False
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
            if generates:
                await self.budget.refund(user_id)
            raise
        greeting = i18n.translate(
            "interview.greeting", language, role=vacancy.title(language), count=len(questions)
        )
        await self._chats.say(chat, MessageKind.GREETING, greeting, dedupe=f"greeting:{chat.attempt}")
        await self._chats.ask(chat, 0)
        return await self.view(user_id, chat.id)

    # -- answer -----------------------------------------------------------------------

    async def answer(
        self, user_id: uuid.UUID, chat_id: object, content: object, question: int | None = None
    ) -> ChatView:
        """Store the answer, mark the question used and ask the next; after the last, evaluation is due.

        `question`: the index of the question the answer was written for, when the caller knows
        it (a page that may be stale): refused (409, nothing stored) once the chat has moved on,
        say after another tab answered it, so the answer is never filed under an unseen question.
        """
        refuse_nul(content)
        if not isinstance(content, str) or not content.strip():
            raise InvalidInput("answer_empty")
        if len(content) > MAX_ANSWER_LENGTH:
            raise InvalidInput("answer_too_long", max=MAX_ANSWER_LENGTH)
        chat = await self._chats.active_chat(user_id, chat_id)
        index = chat.current
        assert index is not None
        if question is not None and question != index:
            raise Conflict("question_moved_on")
        await self._refuse_misuse(chat.questions[index], content)
        await self._chats.say(
            chat,
            MessageKind.ANSWER,
            content.strip(),
            role=MessageRole.CANDIDATE,
            question=index,
            dedupe=f"answer:{chat.attempt}:{index}",
        )
        chat = await self._advance(chat, index)
        if chat.current is not None:
            await self._chats.ask(chat, chat.current)
        return await self._view_of(chat)  # as _advance wrote it

    async def _refuse_misuse(self, question: ChatQuestion, content: str) -> None:
        """Refuse (422, nothing stored) what the guard finds is not an answer; it runs off the event loop."""
        asked = Question(question.text, question.topic, tuple(question.key_points))
        verdict = await asyncio.to_thread(self._guard.check, content, asked, wait=False)
        if verdict is not None:
            log.info("answer refused as %s misuse (lead %.3f)", verdict.kind, verdict.closeness)
            raise InvalidInput(f"answer_misuse_{verdict.kind}")

    async def _advance(self, chat: Chat, index: int) -> Chat:
        """Mark `index` used and move to the next unanswered question of the round."""
        for _ in range(5):
            questions = [q.model_copy() for q in chat.questions]
            questions[index].used = True
            following = [i for i in chat.round if not questions[i].used]
            changes: dict[str, Any] = {"questions": questions, "current": following[0] if following else None}
            if not following:
                changes["status"] = ChatStatus.EVALUATING
            try:
                return await self.store.update_chat(chat.user_id, chat.id, chat.revision, changes)
            except RevisionConflict:
                chat = await self.store.get_chat(chat.user_id, chat.id)
                if chat.current != index:
                    return chat  # a concurrent request already moved on
        raise Unavailable("chat_busy")  # pragma: no cover - five lost races in a row

    # -- hint, model answer, finish (streamed) --------------------------------------------

    async def hint(self, user_id: uuid.UUID, chat_id: object) -> AsyncIterator[Event]:
        """A nudge for the current question, streamed; offline, the bank's stored hint."""
        return await self._generate(user_id, chat_id, MessageKind.HINT)

    async def model_answer(self, user_id: uuid.UUID, chat_id: object) -> AsyncIterator[Event]:
        """A model answer to the current question, streamed; offline, the bank's stored one."""
        return await self._generate(user_id, chat_id, MessageKind.MODEL_ANSWER)

    async def _generate(self, user_id: uuid.UUID, chat_id: object, kind: MessageKind) -> AsyncIterator[Event]:
        """The one already given for this question and attempt comes back as it is: no LLM call.
        A new one takes one generation of today's budget (429 when none is left)."""
        chat = await self._chats.active_chat(user_id, chat_id)
        # Read side by side: the stored one (and whether the last try was cut), whether another
        # generation runs, and what is left of the budget (an exhausted budget is said first).
        (stored, cut, newest), busy, left = await asyncio.gather(
            self._generation.previous(chat, kind), self._leases.busy(user_id), self.budget.status(user_id)
        )
        if stored is not None:
            return self._generation.replay(stored)
        if cut:  # asked again after its worker died mid-stream: the cut try was counted, not this one
            if busy:
                raise Conflict("generation_busy")
            return self._generation.stream(user_id, chat, kind, newest)
        self.budget.refuse_if_spent(left)
        if busy:
            raise Conflict("generation_busy")
        # Counted once the stream holds the user's lease: of concurrent requests only the one
        # that runs takes from the budget, so the others are told "busy", not "used up" (429).
        charge = Charge(self.budget, user_id, refuse=True)
        return charged(charge, self._generation.stream(user_id, chat, kind, newest, charge))

    async def _consume_budget_or_refund(self, user_id: uuid.UUID) -> None:
        try:
            await self.budget.consume(user_id)
        except ServiceError:
            await self.quota.refund(user_id)
            raise

    async def finish(self, user_id: uuid.UUID, chat_id: object) -> AsyncIterator[Event]:
        """End now (or after the last answer) and evaluate every answered question, streamed."""
        chat = await self._chats.chat(user_id, chat_id)
        if chat.status == ChatStatus.FINISHED:
            raise Conflict("chat_finished")
        await self._refuse_if_busy(user_id)
        # Counted but never refused: an interview can always be evaluated (and evaluations are
        # bounded by the daily interview limit already); past the budget it is simply not counted.
        # Like a hint, it is counted once its stream holds the lease.
        charge = Charge(self.budget, user_id, refuse=False)
        return charged(charge, self._evaluator.stream(user_id, chat, charge))

    async def _refuse_if_busy(self, user_id: uuid.UUID) -> None:
        """Refuse at once while another generation of this user runs.

        The stream itself takes the lease when it starts (and says "generation_busy" if it
        lost a race for it), so a stream that is never iterated holds nothing.
        """
        if await self._leases.busy(user_id):
            raise Conflict("generation_busy")

    # -- retry ------------------------------------------------------------------------

    async def retry(self, user_id: uuid.UUID, chat_id: object, mode: object) -> ChatView:
        """Go again: every question with flags reset, or only the ones flagged as mistakes."""
        if mode not in RETRY_MODES:
            raise InvalidInput("retry_mode_invalid")
        chat = await self._chats.chat(user_id, chat_id)
        if chat.status != ChatStatus.FINISHED:
            raise Conflict("chat_not_finished")
        questions, round_ = next_round(chat.questions, all_questions=mode == "all")
        # The chat is claimed first (a revision-checked write) and the interview counted after:
        # of concurrent retries only the winner ever holds one of today's interviews, so a loser
        # is told the chat moved on (409), never that the day's interviews are gone (429).
        try:
            retried = await self.store.update_chat(
                chat.user_id,
                chat.id,
                chat.revision,
                {
                    "questions": questions,
                    "round": round_,
                    "current": round_[0],
                    "attempt": chat.attempt + 1,
                    "status": ChatStatus.ACTIVE,
                    "overall_score": None,
                    "summary": None,
                    "evaluation_source": None,
                },
            )
        except RevisionConflict:
            raise Conflict("chat_busy") from None
        try:
            await self.quota.consume(user_id)
        except ServiceError:
            await undo_retry(self.store, chat, retried)
            raise
        chat = retried
        notice = i18n.translate(f"interview.retry_{mode}", chat.language, count=len(round_))
        await self._chats.say(chat, MessageKind.NOTICE, notice, dedupe=f"retry:{chat.attempt}")
        await self._chats.ask(chat, round_[0])
        return await self.view(user_id, chat.id)
