"""Server-Sent Events for generations, through FastAPI's own support: `delta` chunks (an evaluation:
a `row` per question as it is scored), then `done` or `error`.

A route that relays a generation is an async generator of ServerSentEvent with
`response_class=EventSourceResponse`; FastAPI frames the events, sets the no-cache and
no-buffering headers, pings an idle stream and stops the generation when the client leaves.
The generation itself is begun in a dependency, so a refusal before the first event (not your
chat, quota, busy) is still an ordinary JSON error with its HTTP status.

Deltas are paced: the first goes at once, then those that arrive within FLUSH_SECONDS of the last
event sent travel as one (sooner when FLUSH_CHARS are waiting; any other event goes at once). Every
event costs the server the same framing and a write through the middleware whatever its size, so
one per token (50 a second per stream) was most of a stream's CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, cast

from fastapi.sse import ServerSentEvent

from onlyjobless import i18n
from onlyjobless.api.schemas import MessageOut, ReportRowOut
from onlyjobless.domain.chats import Message
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services.interviews import Delta, Done, Event, Failed, Graded, Reset

FLUSH_SECONDS = 0.08
FLUSH_CHARS = 600
_END = object()  # the generation ended (its events are all queued before this)
_STOPPING: set[asyncio.Task[None]] = set()  # generations stopped by a client that left, cleaning up


class _Pump:
    """Reads the generation into a queue, in a task of its own; wakes the reader when it should not wait."""

    def __init__(self, chars: int) -> None:
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.wake = asyncio.Event()  # a non-delta came, or `chars` of deltas are waiting
        self.waiting = 0  # delta characters queued since the reader last took them
        self._chars = chars

    async def run(self, events: AsyncIterator[Event]) -> None:
        try:
            async for event in events:
                self.queue.put_nowait(event)
                if isinstance(event, Delta):
                    self.waiting += len(event.text)
                    if self.waiting < self._chars:
                        continue
                self.wake.set()
        except Exception as exc:  # noqa: BLE001 - handed to the reader, in its place among the events
            self.queue.put_nowait(exc)
        self.queue.put_nowait(_END)
        self.wake.set()

    async def take(self) -> list[object]:
        """Everything queued, once there is something."""
        batch = [await self.queue.get()]
        while not self.queue.empty():
            batch.append(self.queue.get_nowait())
        self.waiting = 0
        self.wake.clear()
        return _joined(batch)

    async def pause(self, until: float) -> None:
        """Wait until the loop time `until`, or less if something should not wait."""
        delay = until - asyncio.get_running_loop().time()
        if delay > 0 and not self.wake.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self.wake.wait()


async def paced(
    events: AsyncIterator[Event], every: float = FLUSH_SECONDS, chars: int = FLUSH_CHARS
) -> AsyncGenerator[Event, None]:
    """The events with the deltas that arrive close together joined, in order, none held longer
    than `every` seconds (the first not at all).

    The generation runs in a task of its own and is cancelled when the caller stops reading (the
    client left): it keeps what arrived, as when it was read directly. An exception it raises is
    raised here, after the events before it.
    """
    pump = _Pump(chars)
    task = asyncio.create_task(pump.run(events))
    try:
        while True:
            flushed = asyncio.get_running_loop().time()
            for item in await pump.take():
                if item is _END:
                    return
                if isinstance(item, Exception):
                    raise item
                yield cast(Event, item)
            await pump.pause(flushed + every)
    finally:
        if not task.done():
            task.cancel()
            # The server cancels this reader when the client leaves, again at each of its awaits
            # (anyio's cancel scope): waiting on the task directly would cancel it again and cut its
            # clean-up short (the stopped text kept, the placeholder removed, the lease released,
            # which otherwise lapses only after two missed renewals). Shielded, it runs to its end;
            # held in _STOPPING meanwhile, so it is not collected before then.
            _STOPPING.add(task)
            task.add_done_callback(_STOPPING.discard)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)


def _joined(batch: list[object]) -> list[object]:
    """Consecutive deltas as one, everything else as it came."""
    out: list[object] = []
    for item in batch:
        if isinstance(item, Delta) and out and isinstance(out[-1], Delta):
            out[-1] = Delta(out[-1].text + item.text)
        else:
            out.append(item)
    return out


def _event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    """One event with JSON data, non-ASCII kept as it is (Russian text stays compact)."""
    return ServerSentEvent(event=name, raw_data=json.dumps(data, ensure_ascii=False, default=str))


def _error(code: str, message: str, partial: Message | None) -> ServerSentEvent:
    kept = MessageOut.model_validate(partial).model_dump(mode="json") if partial else None
    return _event("error", {"code": code, "message": message, "partial": kept})


async def relay(
    events: AsyncIterator[Event],
    language: str,
    done_body: Callable[[Done], dict[str, Any]],
    every: float = FLUSH_SECONDS,
) -> AsyncIterator[ServerSentEvent]:
    """An engine generation as events, as it happens (deltas paced, see `paced`)."""
    try:
        async with contextlib.aclosing(paced(events, every)) as timely:
            async for event in timely:
                if isinstance(event, Delta):
                    yield _event("delta", {"text": event.text})
                elif isinstance(event, Reset):
                    yield _event("reset", {})
                elif isinstance(event, Graded):
                    yield _event("row", ReportRowOut.of(event.row).model_dump(mode="json"))
                elif isinstance(event, Done):
                    yield _event("done", done_body(event))
                elif isinstance(event, Failed):
                    yield _error(event.code, i18n.error_message(event.code, language), event.partial)
    except ServiceError as exc:  # e.g. the chat store went away mid-stream: say so, in the stream
        yield _error(exc.code, i18n.error_message(exc, language), None)
