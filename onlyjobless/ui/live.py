"""The running line's page side: chunks are appended to #oj-live in the page (ui/bridge.py).

The text already shown is never sent again, so an answer costs its own size plus a small
frame per flush; the evaluation preview, which is short, travels as one small var instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TypeVar

import reflex as rx
from reflex.event import EventSpec

from onlyjobless.ui import bridge

T = TypeVar("T")
BEAT_SECONDS = 1.0  # a running generation refreshes its heartbeat this often
STALE_SECONDS = 5.0  # and is taken for dead after this long without one


class Live(rx.State):
    """The running line's own small state: a chunk re-renders only the line and the buttons."""

    on: rx.Field[bool] = rx.field(False)
    chat: rx.Field[str] = rx.field("")  # the id of the chat being written in; its page alone shows the line
    label: rx.Field[str] = rx.field("")
    text: rx.Field[str] = rx.field("")
    stop_requested: rx.Field[bool] = rx.field(False)
    notice: rx.Field[str] = rx.field(
        ""
    )  # the last generation was lost with its worker: says so until the next
    # When the worker running the generation last showed it is alive (epoch seconds; never sent).
    # With several workers the state lives in Redis: a worker that dies mid-stream leaves `on`
    # set, and only the missing heartbeat tells the worker the page reconnects to.
    _beat: float = 0.0

    def start(self, chat_id: str, label: str) -> None:
        self.on, self.stop_requested = True, False
        self.chat, self.label, self.text, self.notice = chat_id, label, "", ""
        self._beat = time.time()

    def beat(self) -> None:
        """The generation is still running here."""
        self._beat = time.time()

    def lost(self, notice: str) -> None:
        """The generation's worker died: the line goes, the notice stays (reloads too) until the next one."""
        self.end()
        self.notice = notice

    def cut_off(self) -> bool:
        """True when a generation is shown as running but its worker stopped beating (it died)."""
        return self.on and time.time() - self._beat > STALE_SECONDS

    def end(self) -> None:
        """Whatever happened: the line goes, the buttons unlock."""
        self.on, self.stop_requested, self.text = False, False, ""

    @rx.event
    def stop(self) -> None:
        """Stop the generation that is running; what arrived is kept, marked incomplete."""
        if self.on:
            self.stop_requested = True


def append(chunk: str) -> EventSpec:
    """Add a chunk to the running line in the page."""
    return bridge.live_append(chunk)


def reset() -> EventSpec:
    """Void the text shown so far (a new generation, or a retried one)."""
    return bridge.live_reset()


class Tick:
    """Time to flush the running line."""


async def ticks(events: AsyncIterator[T], every: float) -> AsyncGenerator[T | Tick, None]:
    """The events, with a tick every `every` seconds even while the LLM is silent.

    Leaving early (Stop) cancels the generation, which keeps what arrived as incomplete.
    """
    queue: asyncio.Queue[T | None] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for event in events:
                await queue.put(event)
        finally:
            await queue.put(None)

    task = asyncio.create_task(pump())
    try:
        next_tick = time.monotonic() + every
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), max(0.0, next_tick - time.monotonic()))
            except TimeoutError:
                next_tick = time.monotonic() + every
                yield Tick()
                continue
            if item is None:
                break
            yield item
        if task.done() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
