"""A generation (hint, model answer, evaluation) streamed into the running line, in three steps.

`begin` takes the running line (or finds it busy), `pump` feeds it from the engine's stream,
and `finish` always gives it back, in a `finally`: also when the task is cancelled (leaving
the page cancels a stream its page load started) or fails. The stored result comes with the
stream's last event and is added to the page as it is; the chat is not read again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reflex.event import EventSpec

from onlyjobless import i18n
from onlyjobless.domain.chats import MessageKind
from onlyjobless.domain.errors import NotFound, ServiceError
from onlyjobless.services import hub
from onlyjobless.services.interviews import ChatView, Delta, Done, Event, Failed, Graded, ReportRow, Reset
from onlyjobless.ui import live
from onlyjobless.ui.evaluation_preview import preview
from onlyjobless.ui.language import language_of
from onlyjobless.ui.live import Live, Tick, ticks
from onlyjobless.ui.session import checked_identity, cookie_token
from onlyjobless.ui.sidebar import SidebarState

if TYPE_CHECKING:
    from onlyjobless.ui.pages.chat.state import ChatState

log = logging.getLogger(__name__)

# The running line is fed by time and by size: a chunk goes to the page at most every
# FLUSH_SECONDS (each costs ~150 bytes of websocket framing, whatever its size), sooner when
# FLUSH_CHARS are waiting; the first one goes at once. Stop is checked every TICK_SECONDS.
FLUSH_SECONDS = 0.25
FLUSH_CHARS = 600
TICK_SECONDS = 0.08
BUDGET_LOW = 10  # at most this many generations left today: the page says how many
WATCH_READS = 90  # a stream written elsewhere is watched for at most this many lease renewals


async def budget_note(user_id: uuid.UUID, language: str) -> str:
    """ "N generations left today" when few are left, else nothing."""
    remaining = (await hub.get_services().interviews.budget.status(user_id)).remaining
    return i18n.translate("chat.budget_left", language, count=remaining) if remaining <= BUDGET_LOW else ""


@dataclass
class Run:
    """One generation under way: where it writes, and what has come of it so far."""

    kind: MessageKind
    chat_id: str
    token: str | None
    language: str
    user_id: uuid.UUID | None = None
    pending: list[str] = field(default_factory=list)  # not yet in the page
    raw: list[str] = field(default_factory=list)  # all so far: what the page holds when it ends
    rows: list[ReportRow] = field(default_factory=list)  # an evaluation's graded questions so far
    rows_shown: int = 0
    flushed_at: float = 0.0  # the first chunk goes out at once, later ones by time or size
    beat_at: float = field(default_factory=time.monotonic)  # the Live heartbeat, every BEAT_SECONDS
    done: Done | None = None
    failed: Failed | None = None
    stopped: bool = False
    busy: bool = False  # refused at once: another generation of the user runs
    error: str = ""

    @property
    def labels(self) -> dict[str, str]:
        return i18n.strings(self.language)

    def due(self) -> bool:
        """Time to send what is pending: enough time since the last chunk, or enough text."""
        if not self.pending:
            return False
        waited = time.monotonic() - self.flushed_at >= FLUSH_SECONDS
        return waited or sum(len(chunk) for chunk in self.pending) >= FLUSH_CHARS

    def take(self, event: Event) -> bool:
        """Note one event of the engine's stream; True for a Reset (the text so far is void)."""
        if isinstance(event, Delta):
            self.pending.append(event.text)
            self.raw.append(event.text)
        elif isinstance(event, Reset):
            self.pending.clear()
            self.raw.clear()
            return True
        elif isinstance(event, Graded):
            self.rows.append(event.row)
        elif isinstance(event, Done):
            self.done = event
        else:
            self.failed = event
        return False


async def generate(state: ChatState, kind: MessageKind) -> AsyncIterator[EventSpec]:
    """The events for the page while one generation runs; nothing if another one is running."""
    run = await begin(state, kind)
    if run is None:
        return
    try:
        yield live.reset()
        async for spec in pump(state, run):
            yield spec
    except ServiceError as exc:
        run.error, run.busy = i18n.error_message(exc, run.language), exc.code == "generation_busy"
    except Exception:  # never leave the buttons locked: say so, keep what was stored
        log.exception("generation failed")
        run.error = i18n.error_message("internal", run.language)
    finally:
        # Shielded: a second cancellation must not stop the line from being given back either.
        await asyncio.shield(finish(state, run))
    if run.kind == MessageKind.EVALUATION and (
        run.busy or (run.failed and run.failed.code == "generation_busy")
    ):
        # Another tab (or worker) is evaluating this chat, or writing for this user: its report is
        # shown when it is done, without a reload.
        from onlyjobless.ui.pages.chat.state import ChatState  # here: the state imports this module

        yield ChatState.watch_evaluation


async def begin(state: ChatState, kind: MessageKind) -> Run | None:
    """Take the running line for this generation, unless something is being written already."""
    async with state:
        running = await state.get_state(Live)
        if running.on and not running.cut_off():
            return None
        language = await language_of(state)
        chat_id = state.chat_in_url()
        running.start(chat_id, i18n.strings(language).get(f"message.{kind}", str(kind)))
        state.error = ""
        return Run(kind, chat_id, cookie_token(state), language)


def _starter(kind: MessageKind) -> Callable[[uuid.UUID, object], Awaitable[AsyncIterator[Event]]]:
    interviews = hub.get_services().interviews
    if kind == MessageKind.HINT:
        return interviews.hint
    if kind == MessageKind.MODEL_ANSWER:
        return interviews.model_answer
    return interviews.finish


async def pump(state: ChatState, run: Run) -> AsyncIterator[EventSpec]:
    """Feed the running line from the engine's stream until it ends or Stop is pressed."""
    who = await checked_identity(run.token)  # outside the state lock; an outage is said as such
    if who is None:
        raise NotFound("not_found")
    run.user_id = who.user.id
    events = await _starter(run.kind)(who.user.id, run.chat_id)
    async with contextlib.aclosing(ticks(events, TICK_SECONDS)) as ticking:
        async for event in ticking:
            if isinstance(event, Tick):
                if await _stop_requested(state):
                    run.stopped = True  # leaving the stream cancels it: what arrived is kept
                    break
            elif run.take(event):
                yield live.reset()
            if len(run.rows) > run.rows_shown:
                await _show_rows(state, run)
            if time.monotonic() - run.beat_at >= live.BEAT_SECONDS:
                await _beat(state, run)
            if run.due():
                yield _flush(run)
    if run.done is not None and run.pending and run.kind != MessageKind.EVALUATION:
        # The rest, so the page holds the whole text: it stays as the finished message.
        yield live.append("".join(run.pending))
        run.pending.clear()


async def _beat(state: ChatState, run: Run) -> None:
    run.beat_at = time.monotonic()
    async with state:
        (await state.get_state(Live)).beat()


async def watch(state: ChatState) -> None:
    """After a reconnect: if the generation the page shows as running has lost its worker (no
    heartbeat), end it and say it was cut off; the buttons unlock and it can be asked again, and
    the chat shows the cut try's mark once the lost worker's lease lapses."""
    while True:
        async with state:
            running = await state.get_state(Live)
            if not running.on:
                return
            if running.cut_off():
                running.lost(i18n.error_message("generation_lost", await language_of(state)))
                break
        await asyncio.sleep(live.BEAT_SECONDS)
    await watch_elsewhere(state, read_first=True)  # the cut try is marked once its lease lapses


async def watch_elsewhere(state: ChatState, *, read_first: bool = False, evaluation: bool = False) -> None:
    """The chat was opened while a stream that this page did not start writes in it: read the chat
    again every lease renewal until that stream is over, then add what it left (its result, or
    the mark of a try cut off with its worker, which the hint button can ask again at once).
    With `evaluation`, until the chat's evaluation is no longer due (it was evaluated elsewhere)."""
    services = hub.get_services()
    every = services.interviews.leases.renew_every.total_seconds()
    async with state:
        chat_id = state.chat_in_url()
    for read in range(WATCH_READS):
        if read or not read_first:
            await asyncio.sleep(every)
        async with state:
            token, language = cookie_token(state), await language_of(state)
            if state.shown_chat != chat_id or (await state.get_state(Live)).on:
                return  # another chat now, or a stream of this page's own
        try:
            who = await checked_identity(token)
            if who is None:
                return
            view = await services.interviews.view(who.user.id, chat_id)
        except ServiceError:
            continue
        if evaluation and view.evaluation_due:
            continue
        if not view.writing:
            async with state:
                if state.shown_chat == chat_id:
                    state.show(view, i18n.strings(language), news=True)
                    if evaluation:  # the "still being written" notice is over
                        state.error = ""
                        await (await state.get_state(SidebarState)).fill(who.user.id)
            return


async def _stop_requested(state: ChatState) -> bool:
    async with state:
        return (await state.get_state(Live)).stop_requested


def _flush(run: Run) -> EventSpec:
    """Chunks go to the page's feed element (ui/bridge.py)."""
    run.flushed_at = time.monotonic()
    chunk = "".join(run.pending)
    run.pending.clear()
    return live.append(chunk)


async def _show_rows(state: ChatState, run: Run) -> None:
    """An evaluation's running line: a line per graded question, as each one comes."""
    run.rows_shown = len(run.rows)
    async with state:
        (await state.get_state(Live)).text = preview(run.rows, run.labels)


async def _read_back(run: Run) -> ChatView | None:
    """The chat as stored, in the cases the stream's end did not bring it: after Stop (the engine
    kept what arrived) and after an evaluation that did not finish (the chat waits for it)."""
    unfinished = run.stopped or (run.kind == MessageKind.EVALUATION and run.done is None)
    if not unfinished or run.user_id is None:
        return None
    try:
        return await hub.get_services().interviews.view(run.user_id, run.chat_id)
    except ServiceError:
        return None


async def finish(state: ChatState, run: Run) -> None:
    """Give the running line back and show the stored result, in one delta."""
    stored = await _read_back(run)
    note = await _budget_note(run)
    async with state:
        (await state.get_state(Live)).end()
        if state.shown_chat == run.chat_id:  # else the page shows another chat, read afresh when opened
            _settle(state, run, stored)
            if note is not None and state.budget_note != note:
                state.budget_note = note
        if run.kind == MessageKind.EVALUATION and run.user_id is not None:
            # The chat's line in the sidebar: its status and score now.
            await (await state.get_state(SidebarState)).fill(run.user_id)


async def _budget_note(run: Run) -> str | None:
    """What the page says of today's generations now; None when it cannot be read."""
    if run.user_id is None:
        return None
    try:
        return await budget_note(run.user_id, run.language)
    except ServiceError:
        return None


def _settle(state: ChatState, run: Run, stored: ChatView | None) -> None:
    t = run.labels
    if run.failed is not None:
        run.error = run.error or i18n.error_message(run.failed.code, run.language)
        state.show_message(run.failed.partial, t)
    if run.error:
        state.error = run.error
    if run.done is not None and run.done.offline:
        state.offline = True
    if run.done is not None and run.done.chat is not None:
        state.show_evaluation(run.done, t)
    elif run.done is not None:  # the page keeps the text it was streamed
        state.show_message(run.done.message, t, streamed="".join(run.raw))
    if stored is not None and run.kind == MessageKind.EVALUATION:
        state.show(stored, t, news=True)
    elif stored is not None:
        for message in stored.messages:
            state.show_message(message, t)
