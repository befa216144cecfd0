"""The interview screen's state: display values only; every step goes through the engine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.chats import Message
from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import NotFound, ServiceError
from onlyjobless.services.hub import get_services
from onlyjobless.services.interviews import ChatView, Delta, Done, Event, Failed, Reset
from onlyjobless.ui import routes
from onlyjobless.ui.chat_display import ReportItem, UiMessage, bubble, label, report_items
from onlyjobless.ui.evaluation_preview import preview
from onlyjobless.ui.live import Live, ticks
from onlyjobless.ui.live import append as live_append
from onlyjobless.ui.live import reset as live_reset
from onlyjobless.ui.sidebar import SidebarState

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.08
FRESH_CHAT = timedelta(seconds=20)
REVEAL_WORD_SECONDS = 0.012


class InterviewState(SidebarState):
    """What the chat page shows, and the running line of whatever is being written."""

    title: rx.Field[str] = rx.field("")
    vacancy: rx.Field[str] = rx.field("")
    status: rx.Field[str] = rx.field("")
    stale: rx.Field[bool] = rx.field(False)
    not_found: rx.Field[bool] = rx.field(False)
    loaded: rx.Field[bool] = rx.field(False)
    position: rx.Field[int] = rx.field(0)
    total: rx.Field[int] = rx.field(0)
    messages: rx.Field[list[UiMessage]] = rx.field(default_factory=list)
    recent: rx.Field[list[UiMessage]] = rx.field(default_factory=list)  # added since the last full load
    error: rx.Field[str] = rx.field("")
    offline: rx.Field[bool] = rx.field(False)
    report: rx.Field[list[ReportItem]] = rx.field(default_factory=list)
    chart: rx.Field[list[dict[str, int]]] = rx.field(default_factory=list)
    overall: rx.Field[str] = rx.field("")
    summary: rx.Field[str] = rx.field("")
    evaluation_offline: rx.Field[bool] = rx.field(False)
    has_mistakes: rx.Field[bool] = rx.field(False)
    evaluation_due: rx.Field[bool] = rx.field(False)
    sending: rx.Field[bool] = rx.field(False)
    _pending_reveal: list[str] = []  # noqa: RUF012

    # -- loading ----------------------------------------------------------------------

    def _t(self) -> dict[str, str]:
        return i18n.strings(self.lang)

    def _show(self, view: ChatView, hide_from: int | None = None) -> list[Message]:
        """Copy a chat view into display vars; messages from seq `hide_from` on are returned for revealing."""
        chat, t = view.chat, self._t()
        self._assign(
            title=chat.title,
            vacancy=chat.vacancy,
            status=str(chat.status),
            stale=view.stale,
            position=view.progress.position,
            total=view.progress.total,
            evaluation_due=view.evaluation_due,
        )
        current_seq = max(
            (m.seq for m in view.messages if m.kind == "question" and m.question_index == chat.current),
            default=-1,
        )
        shown, hidden = [], []
        for message in view.messages:
            if hide_from is not None and message.seq >= hide_from:
                hidden.append(message)
                continue
            shown.append(bubble(message, t, current=message.seq == current_seq))
        report = report_items(view.report, t)
        self._assign(
            messages=shown,
            recent=[],
            report=report,
            chart=[{"number": item.number, "score": item.score} for item in report],
            overall="" if chat.overall_score is None else f"{chat.overall_score:g}/10",
            summary=chat.summary or "",
            evaluation_offline=chat.evaluation_source == "offline",
            has_mistakes=view.has_mistakes,
        )
        return hidden

    def _assign(self, **values: Any) -> None:
        """Set only what changed: every assignment is resent to the page in full."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _append_new(self, view: ChatView) -> None:
        """Add messages the page does not show yet, without resending the history."""
        t = self._t()
        known = {m.id for m in self.messages} | {m.id for m in self.recent}
        fresh = [bubble(m, t) for m in view.messages if m.id not in known]
        if fresh:
            self.recent = [*self.recent, *fresh]

    def _chat_id(self) -> str:
        """The chat id from the URL (/chat/[chat_id]); Reflex adds it as a var of the root state."""
        return str(getattr(self, "chat_id", ""))

    async def _current_user(self) -> uuid.UUID | None:
        who = await self._identity()
        return who.user.id if who else None

    @rx.event
    async def load_chat(self):  # type: ignore[no-untyped-def]
        """Open the chat named in the URL, exactly as it was left."""
        self._assign(error="", not_found=False, loaded=False)
        user_id = await self._current_user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        try:
            view = await get_services().interviews.view(user_id, self._chat_id())
        except NotFound:
            self.not_found, self.loaded = True, True
            return None
        except ServiceError as exc:
            self._fail(exc)
            return None
        fresh = len(view.messages) == 2 and utcnow() - view.chat.created_at < FRESH_CHAT
        hidden = self._show(view, hide_from=view.messages[0].seq if fresh else None)
        self.loaded = True
        if hidden:  # a chat that has just started: the greeting and first question run in
            self._pending_reveal = [m.id for m in hidden]
            return InterviewState.reveal
        if view.evaluation_due and not (await self.get_state(Live)).on:
            return InterviewState.run_finish
        return None

    # -- answering ----------------------------------------------------------------------

    def _fail(self, exc: ServiceError) -> None:
        self.error = i18n.error_message(exc, self.lang)

    @rx.event
    async def send_answer(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Store the answer; the next question runs in, or the evaluation starts by itself."""
        if self.sending or (await self.get_state(Live)).on:
            return None
        self.error, self.sending = "", True
        user_id = await self._current_user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        try:
            view = await get_services().interviews.answer(user_id, self._chat_id(), form.get("answer"))
        except ServiceError as exc:
            self._fail(exc)  # the typed answer stays in the box
            self.sending = False
            return None
        answer_seq = next(m.seq for m in reversed(view.messages) if m.kind == "answer")
        hidden = self._show(view, hide_from=answer_seq + 1)
        self._pending_reveal = [m.id for m in hidden]
        self.sending = False
        events: list[Any] = [rx.set_value("answer", "")]
        if hidden:
            events.append(InterviewState.reveal)
        if view.evaluation_due:
            events.append(InterviewState.run_finish)
        return events

    @rx.event(background=True)
    async def reveal(self) -> None:
        """Type out the interviewer's new messages as a running line (they are already stored)."""
        async with self:
            ids = list(self._pending_reveal)
            self._pending_reveal = []
            token = self._cookie_token()
            chat_id = self._chat_id()
            t = self._t()
        user_id = await _user_for(token)
        if user_id is None or not ids:
            return
        view = await get_services().interviews.view(user_id, chat_id)
        revealing = [m for m in view.messages if m.id in ids]
        for number, message in enumerate(revealing):
            async with self:
                live = await self.get_state(Live)
                live.label, live.text = label(t, message), ""
            words = message.content.split(" ")
            last = time.monotonic()
            for count in range(1, len(words) + 1):
                if time.monotonic() - last >= FLUSH_SECONDS:
                    async with self:
                        (await self.get_state(Live)).text = " ".join(words[:count])
                    last = time.monotonic()
                await asyncio.sleep(REVEAL_WORD_SECONDS)
            async with self:
                (await self.get_state(Live)).text = ""
                following = revealing[number + 1].seq if number + 1 < len(revealing) else None
                self._show(view, hide_from=following)

    # -- generations ------------------------------------------------------------------

    @rx.event(background=True)
    async def run_hint(self):  # type: ignore[no-untyped-def]
        async for event in self._generate("hint"):
            yield event

    @rx.event(background=True)
    async def run_model_answer(self):  # type: ignore[no-untyped-def]
        async for event in self._generate("model_answer"):
            yield event

    @rx.event(background=True)
    async def run_finish(self):  # type: ignore[no-untyped-def]
        async for event in self._generate("evaluation"):
            yield event

    async def _generate(self, kind: str) -> AsyncIterator[Any]:
        """Run one generation: chunks go to the page as they come, the stored result at the end."""
        async with self:
            live = await self.get_state(Live)
            if live.on:
                return
            t = self._t()
            live.on, live.stop_requested, live.text, live.label = (
                True,
                False,
                "",
                t.get(f"message.{kind}", kind),
            )
            self._assign(error="")
            token = self._cookie_token()
            chat_id = self._chat_id()
        yield live_reset()
        user_id = await _user_for(token)
        done: Done | None = None
        failed: Failed | None = None
        stopped = False
        try:
            if user_id is None:
                raise NotFound("not_found")
            interviews = get_services().interviews
            starter = {"hint": interviews.hint, "model_answer": interviews.model_answer}.get(
                kind, interviews.finish
            )
            events: AsyncIterator[Event] = await starter(user_id, chat_id)
            raw: list[str] = []  # everything so far (the evaluation preview is rebuilt from it)
            pending: list[str] = []  # not yet in the page
            last = 0.0  # the first chunk goes out at once, later ones every FLUSH_SECONDS
            async with contextlib.aclosing(ticks(events, FLUSH_SECONDS)) as ticking:
                async for event in ticking:
                    if isinstance(event, Delta):
                        raw.append(event.text)
                        pending.append(event.text)
                    elif isinstance(event, Reset):
                        raw.clear()
                        pending.clear()
                        yield live_reset()
                    elif isinstance(event, Done):
                        done = event
                    elif isinstance(event, Failed):
                        failed = event
                    else:  # a tick: look at the Stop button
                        async with self:
                            if (await self.get_state(Live)).stop_requested:
                                stopped = True
                                break
                    if pending and time.monotonic() - last >= FLUSH_SECONDS:
                        last = time.monotonic()
                        if kind == "evaluation":
                            async with self:
                                (await self.get_state(Live)).text = preview("".join(raw), t)
                        else:
                            yield live_append("".join(pending))
                        pending.clear()
        except ServiceError as exc:
            async with self:
                self._fail(exc)
        except Exception:  # never leave the buttons locked: say so, keep what was stored
            log.exception("generation failed")
            async with self:
                self.error = i18n.error_message("internal", self.lang)
        refreshed: ChatView | None = None
        if user_id is not None and (done is not None or failed is not None or stopped):
            try:
                refreshed = await get_services().interviews.view(user_id, chat_id)
            except ServiceError:
                refreshed = None
        async with self:  # the finished message replaces the running line in one delta
            live = await self.get_state(Live)
            live.on, live.stop_requested, live.text = False, False, ""
            if failed is not None:
                self.error = i18n.error_message(failed.code, self.lang)
            if done is not None and done.offline:
                self._assign(offline=True)
            if refreshed is not None:
                if kind == "evaluation":
                    self._show(refreshed)
                else:
                    self._append_new(refreshed)

    # -- after the evaluation -------------------------------------------------------------

    @rx.event
    async def retry(self, mode: str):  # type: ignore[no-untyped-def]
        """Go again through all questions or only the mistakes (counts toward today's limit)."""
        user_id = await self._current_user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        self.error = ""
        try:
            view = await get_services().interviews.retry(user_id, self._chat_id(), mode)
        except ServiceError as exc:
            self._fail(exc)
            return None
        notice_seq = next(m.seq for m in reversed(view.messages) if m.kind == "notice")
        hidden = self._show(view, hide_from=notice_seq)
        self._pending_reveal = [m.id for m in hidden]
        return [InterviewState.reveal, SidebarState.load_chats]

    @rx.event
    async def fresh_interview(self):  # type: ignore[no-untyped-def]
        """From the stale banner: a new interview for the same role with today's questions."""
        user_id = await self._current_user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        try:
            view = await get_services().interviews.start(user_id, self.title, self.lang)
        except ServiceError as exc:
            self._fail(exc)
            return None
        return rx.redirect(routes.chat(view.chat.id))


async def _user_for(token: str | None) -> uuid.UUID | None:
    """The user behind a session cookie, checked outside the state lock."""
    if not token:
        return None
    try:
        who = await get_services().accounts.user_for_session(token)
    except ServiceError:
        return None
    return who.user.id
