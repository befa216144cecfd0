"""Generations relayed as Server-Sent Events; a refusal in mid-stream still ends it with an error."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from onlyjobless.api.sse import paced, relay
from onlyjobless.domain.errors import ChatStoreDown
from onlyjobless.services.interviews import Delta, Event, Failed, Reset


async def _frames(events: AsyncIterator[Event]) -> list[tuple[str, dict[str, Any]]]:
    frames = []
    async for event in relay(events, "en", lambda done: {"offline": done.offline}):
        assert event.event is not None and event.raw_data is not None
        frames.append((event.event, json.loads(event.raw_data)))
    return frames


async def test_events_become_frames() -> None:
    async def events() -> AsyncIterator[Event]:
        yield Delta("Hel")
        yield Reset()
        yield Failed("llm_timeout")

    frames = await _frames(events())
    assert [name for name, _ in frames] == ["delta", "reset", "error"]
    assert frames[0][1] == {"text": "Hel"}
    assert (
        frames[2][1]["code"] == "llm_timeout" and frames[2][1]["message"] and frames[2][1]["partial"] is None
    )


async def test_a_refusal_mid_stream_ends_it_with_a_translated_error() -> None:
    async def events() -> AsyncIterator[Event]:
        yield Delta("Hel")
        raise ChatStoreDown("ServerSelectionTimeoutError")

    frames = await _frames(events())
    assert [name for name, _ in frames] == ["delta", "error"]
    assert frames[1][1]["code"] == "chat_store_down"
    assert frames[1][1]["message"] not in ("", "error.chat_store_down")


async def test_deltas_arriving_together_travel_as_one_and_keep_the_text() -> None:
    async def events() -> AsyncIterator[Event]:
        for word in ["one", "two", "three", "four", "five"]:
            yield Delta(word + " ")
        yield Reset()
        yield Delta("again")
        yield Failed("llm_timeout")

    frames = await _frames(events())
    assert [name for name, _ in frames] == ["delta", "reset", "delta", "error"]
    assert frames[0][1] == {"text": "one two three four five "} and frames[2][1] == {"text": "again"}


async def test_the_first_delta_goes_at_once_and_held_text_does_not_wait_for_more() -> None:
    gates = [asyncio.Event(), asyncio.Event()]
    stopped: list[str] = []

    async def events() -> AsyncIterator[Event]:
        try:
            yield Delta("first")
            await gates[0].wait()
            yield Delta("b")
            yield Delta("c")
            await gates[1].wait()  # the LLM falls silent: what came is sent all the same
            yield Delta("never read")
        except asyncio.CancelledError:
            stopped.append("cancelled")
            raise

    frames = relay(events(), "en", lambda done: {}, every=0.01)
    async with asyncio.timeout(10):  # a guard against hanging, not a measurement
        first = await anext(frames)
        assert json.loads(first.raw_data or "") == {"text": "first"}  # the source is still waiting
        gates[0].set()
        second = await anext(frames)
        assert json.loads(second.raw_data or "") == {"text": "bc"}
        await frames.aclose()  # the client leaves: the generation is stopped
    assert stopped == ["cancelled"]


async def test_enough_waiting_text_is_sent_before_its_time() -> None:
    gate = asyncio.Event()

    async def events() -> AsyncIterator[Event]:
        yield Delta("a")
        await asyncio.sleep(0)
        yield Delta("bbb")
        yield Delta("ccc")
        await gate.wait()

    paced_events = paced(events(), every=3600, chars=5)
    async with asyncio.timeout(10):  # a guard against hanging: an hour's pause would trip it
        assert await anext(paced_events) == Delta("a")
        assert await anext(paced_events) == Delta("bbbccc")
    await paced_events.aclose()


async def test_an_error_after_deltas_comes_after_them() -> None:
    async def events() -> AsyncIterator[Event]:
        yield Delta("a")
        yield Delta("b")
        raise ValueError("a bug")

    stream = paced(events())
    assert await anext(stream) == Delta("ab")
    with pytest.raises(ValueError, match="a bug"):
        await anext(stream)


async def test_a_generation_the_client_left_finishes_its_clean_up() -> None:
    """The server cancels the response when the client leaves, and again at each of its awaits
    (anyio's cancel scope); the generation's clean-up (what arrived kept, its lease released)
    still runs to its end, or the user's next hint would be refused as busy until the lease lapsed."""
    cleaned = asyncio.Event()

    async def events() -> AsyncIterator[Event]:
        try:
            yield Delta("first")
            await asyncio.Event().wait()  # the LLM is still writing when the client leaves
        finally:
            await asyncio.sleep(0)  # the stopped text is kept (a database write)
            await asyncio.sleep(0)  # the lease is released (another)
            cleaned.set()

    async with anyio.create_task_group() as server:

        async def respond() -> None:
            async for _ in relay(events(), "en", lambda done: {}):
                server.cancel_scope.cancel()  # the client left after the first event

        server.start_soon(respond)
    async with asyncio.timeout(10):  # a guard against hanging, not a measurement
        await cleaned.wait()
