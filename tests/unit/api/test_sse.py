"""Generations relayed as Server-Sent Events; a refusal in mid-stream still ends it with an error."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from onlyjobless.api.sse import relay
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
