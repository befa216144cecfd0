"""The interview screen's state: display values only; every step goes through the engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.chats import Chat, Message, MessageKind, MessageRole
from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import Conflict, NotFound, ServiceError
from onlyjobless.services import hub
from onlyjobless.services.interviews import ChatView, Done, ReportRow, has_mistakes
from onlyjobless.ui import routes
from onlyjobless.ui.chat_display import ReportItem, UiMessage, bubble, report_items
from onlyjobless.ui.language import language_of
from onlyjobless.ui.live import Live
from onlyjobless.ui.pages.chat.streaming import budget_note, generate, watch, watch_elsewhere
from onlyjobless.ui.session import acting_user
from onlyjobless.ui.sidebar import SidebarState, not_signed_in, open_private_page

FRESH_CHAT = timedelta(seconds=20)


class ChatState(rx.State):
    """What the chat page shows; the running line of what is being written is `Live`."""

    shown_chat: rx.Field[str] = rx.field("")  # the id of the chat these values are of
    title: rx.Field[str] = rx.field("")
    vacancy: rx.Field[str] = rx.field("")
    status: rx.Field[str] = rx.field("")
    stale: rx.Field[bool] = rx.field(False)
    not_found: rx.Field[bool] = rx.field(False)
    loaded: rx.Field[bool] = rx.field(False)
    position: rx.Field[int] = rx.field(0)
    total: rx.Field[int] = rx.field(0)
    current_id: rx.Field[str] = rx.field("")  # the message asking the question being answered now
    current_index: rx.Field[int] = rx.field(-1)  # that question's place in the chat (-1: none)
    messages: rx.Field[list[UiMessage]] = rx.field(default_factory=list)
    recent: rx.Field[list[UiMessage]] = rx.field(default_factory=list)  # added since the last full load
    earlier: rx.Field[int] = rx.field(0)  # older messages exist before this seq (0: none)
    error: rx.Field[str] = rx.field("")
    offline: rx.Field[bool] = rx.field(False)
    report: rx.Field[list[ReportItem]] = rx.field(default_factory=list)
    chart: rx.Field[list[dict[str, int]]] = rx.field(default_factory=list)
    overall: rx.Field[str] = rx.field("")
    summary: rx.Field[str] = rx.field("")
    evaluation_source: rx.Field[str] = rx.field("")  # "llm", "offline" or "mixed" once evaluated
    has_mistakes: rx.Field[bool] = rx.field(False)
    mistakes: rx.Field[int] = rx.field(0)  # questions the evaluation flagged for review
    evaluation_due: rx.Field[bool] = rx.field(False)
    sending: rx.Field[bool] = rx.field(False)
    budget_note: rx.Field[str] = rx.field("")  # "N generations left today" when few are left

    # -- display values -----------------------------------------------------------------

    def _assign(self, **values: Any) -> None:
        """Set only what changed: every assignment is resent to the page in full."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def show(
        self, view: ChatView, t: dict[str, str], reveal: set[str] | None = None, *, news: bool = False
    ) -> None:
        """Copy a chat view into display vars; the messages named in `reveal` are typed out.

        With `news` (after an answer, a retry, a stream) only the messages the page does not
        show yet are added under the others: what it shows, older pages too, is not sent again.
        """
        chat, typed = view.chat, reveal or set()
        self._assign(
            shown_chat=chat.id,
            title=chat.title,
            vacancy=chat.vacancy,
            stale=view.stale,
            position=view.progress.position,
            total=view.progress.total,
            current_id=view.current_message_id or "",
            current_index=-1 if chat.current is None else chat.current,
        )
        if news:
            shown = self._shown_ids()
            fresh = [bubble(m, t, reveal=m.id in typed) for m in view.messages if m.id not in shown]
            if fresh:
                self.recent = [*self.recent, *fresh]
        else:
            self._assign(
                messages=[bubble(m, t, reveal=m.id in typed) for m in view.messages],
                recent=[],
                earlier=view.before or 0,
            )
        self._show_results(chat, view.report, view.evaluation_due, t)

    def _show_results(self, chat: Chat, rows: Sequence[ReportRow], due: bool, t: dict[str, str]) -> None:
        """Status and the evaluation report, from a chat view or a finished evaluation."""
        report = report_items(rows, t)
        self._assign(
            status=str(chat.status),
            evaluation_due=due,
            report=report,
            chart=[{"number": item.number, "score": item.score} for item in report],
            overall="" if chat.overall_score is None else i18n.score_text(chat.overall_score, t),
            summary=chat.summary or "",
            evaluation_source=chat.evaluation_source or "",
            has_mistakes=has_mistakes(chat),
            mistakes=sum(1 for item in report if item.mistake),
        )

    def _shown_ids(self) -> set[str]:
        return {m.id for m in self.messages} | {m.id for m in self.recent}

    def _news(self, view: ChatView) -> set[str]:
        """The interviewer's messages the page has not shown yet."""
        shown = self._shown_ids()
        return {m.id for m in view.messages if m.id not in shown and m.role != MessageRole.CANDIDATE}

    def show_message(self, message: Message | None, t: dict[str, str], streamed: str | None = None) -> None:
        """Add one stored message under the others, unless the page shows it already.

        When its text is exactly what the running line was `streamed`, the page keeps that
        text (ui/bridge.py) and only a reference to it is sent.
        """
        if message is None or message.id in self._shown_ids():
            return
        shown = bubble(message, t)
        if streamed is not None and streamed == message.content and streamed:
            shown.content, shown.streamed = "", True
        self.recent = [*self.recent, shown]

    def show_evaluation(self, done: Done, t: dict[str, str]) -> None:
        """The finished evaluation: its message, the report, and no question open any more."""
        assert done.chat is not None
        self._show_results(done.chat, done.report, False, t)
        self._assign(current_id="")
        self.show_message(done.message, t)

    @rx.var
    def given(self) -> list[str]:
        """The kinds already given whole for the question being answered (its hint, its model
        answer): asked again they only come back as they are, so their buttons rest. A stopped or
        broken-off one is not whole, and may be asked for again."""
        kinds: list[str] = []
        after = False
        for message in [*self.messages, *self.recent]:
            if message.id == self.current_id:
                after = True
            elif after and message.complete and not message.cut:
                kinds.append(message.kind)
        return kinds

    def chat_in_url(self) -> str:
        """The chat id from the URL (/chat/[chat_id]); Reflex adds it as a var of the root state."""
        return str(getattr(self, "chat_id", ""))

    def _fail(self, exc: ServiceError, language: str) -> None:
        self.error = i18n.error_message(exc, language)

    # -- loading ----------------------------------------------------------------------

    @rx.event
    async def open(self):
        """On load: the session check, the sidebar, and the chat exactly as it was left."""
        self._assign(error="", not_found=False, loaded=False, offline=False)
        who = await open_private_page(self)
        if who is None:
            return await not_signed_in(self)
        language = await language_of(self)
        try:
            view = await hub.get_services().interviews.view(who.user.id, self.chat_in_url())
        except NotFound:
            self.not_found, self.loaded = True, True
            return None
        except ServiceError as exc:
            self._fail(exc, language)
            return None
        # A chat that has just started: its greeting and first question are typed out.
        fresh = len(view.messages) == 2 and utcnow() - view.chat.created_at < FRESH_CHAT
        self.show(view, i18n.strings(language), reveal=_interviewer_ids(view) if fresh else None)
        self._assign(budget_note=await budget_note(who.user.id, language))
        self.loaded = True
        if (await self.get_state(Live)).on:  # running here, or on a worker that may have died
            return ChatState.watch_running
        if view.evaluation_due:
            return ChatState.run_finish
        if view.writing:  # written elsewhere (another tab, or a worker that may have died)
            return ChatState.watch_writing
        return None

    @rx.event
    async def load_earlier(self):
        """The page of messages before the first one shown, put above it."""
        if self.earlier < 1:
            return None
        language = await language_of(self)
        try:
            who = await acting_user(self)
            if who is None:
                return await not_signed_in(self)
            page = await hub.get_services().interviews.earlier(who.user.id, self.chat_in_url(), self.earlier)
        except ServiceError as exc:
            self._fail(exc, language)
            return None
        t, shown = i18n.strings(language), self._shown_ids()
        older = [bubble(m, t) for m in page.items if m.id not in shown]
        self.messages = [*older, *self.messages]
        self.earlier = page.before or 0
        return None

    # -- answering ----------------------------------------------------------------------

    @rx.event
    async def send_answer(self, form: dict[str, Any]):
        """Store the answer; the next question is typed out, or the evaluation starts by itself."""
        if self.sending or (await self.get_state(Live)).on:
            return None
        # A double click or a second Enter queues the same form again: once the first has been
        # stored, the question it names is answered, and the copy must not answer the next one.
        if form.get("question", self.current_id) != self.current_id:
            return None
        self.error, self.sending = "", True
        language = await language_of(self)
        try:
            who = await acting_user(self)
            if who is None:
                self.sending = False
                return rx.redirect(routes.LOGIN, replace=True)
            shown = self.current_index if self.current_index >= 0 else None
            view = await hub.get_services().interviews.answer(
                who.user.id, self.chat_in_url(), form.get("answer"), question=shown
            )
        except ServiceError as exc:
            self._fail(exc, language)  # the typed answer stays in the box
            self.sending = False
            if isinstance(exc, Conflict) and exc.code == "question_moved_on":
                await self._catch_up(language)  # answered in another tab meanwhile
            return None
        self.show(view, i18n.strings(language), reveal=self._news(view), news=True)
        self.sending = False
        events: list[Any] = [rx.set_value("answer", "")]
        if view.evaluation_due:
            events.append(ChatState.run_finish)
        return events

    async def _catch_up(self, language: str) -> None:
        """The messages this page missed (written from another tab), added under the others."""
        try:
            who = await acting_user(self)
            if who is None:
                return
            view = await hub.get_services().interviews.view(who.user.id, self.chat_in_url())
        except ServiceError:
            return  # the error shown says what happened; a reload shows the rest
        self.show(view, i18n.strings(language), reveal=self._news(view), news=True)

    # -- generations: streamed into the running line (see streaming.py) -----------------

    @rx.event(background=True)
    async def run_hint(self):
        async for spec in generate(self, MessageKind.HINT):
            yield spec

    @rx.event(background=True)
    async def run_model_answer(self):
        async for spec in generate(self, MessageKind.MODEL_ANSWER):
            yield spec

    @rx.event(background=True)
    async def run_finish(self):
        async for spec in generate(self, MessageKind.EVALUATION):
            yield spec

    @rx.event(background=True)
    async def watch_running(self):
        await watch(self)

    @rx.event(background=True)
    async def watch_writing(self):
        await watch_elsewhere(self)

    @rx.event(background=True)
    async def watch_evaluation(self):
        await watch_elsewhere(self, evaluation=True)

    # -- after the evaluation -------------------------------------------------------------

    @rx.event
    async def retry(self, mode: str):
        """Go again through all questions or only the mistakes (counts toward today's limit)."""
        self.error = ""
        language = await language_of(self)
        try:
            who = await acting_user(self)
            if who is None:
                return rx.redirect(routes.LOGIN, replace=True)
            view = await hub.get_services().interviews.retry(who.user.id, self.chat_in_url(), mode)
        except ServiceError as exc:
            self._fail(exc, language)
            return None
        self.show(view, i18n.strings(language), reveal=self._news(view), news=True)
        await (await self.get_state(SidebarState)).fill(who.user.id)  # one more interview today
        return None

    @rx.event
    async def fresh_interview(self):
        """From the stale banner: a new interview for the same role with today's questions."""
        language = await language_of(self)
        try:
            who = await acting_user(self)
            if who is None:
                return rx.redirect(routes.LOGIN, replace=True)
            view = await hub.get_services().interviews.start(who.user.id, self.title, language)
        except ServiceError as exc:
            self._fail(exc, language)
            return None
        return rx.redirect(routes.chat(view.chat.id))


def _interviewer_ids(view: ChatView) -> set[str]:
    return {m.id for m in view.messages if m.role != MessageRole.CANDIDATE}
