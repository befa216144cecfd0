"""The running line is fed by time and by size: few frames per answer, none held back too long."""

from __future__ import annotations

import pytest

from onlyjobless.domain.chats import MessageKind
from onlyjobless.services.interviews import Delta, Reset
from onlyjobless.ui.pages.chat import streaming
from onlyjobless.ui.pages.chat.streaming import FLUSH_CHARS, FLUSH_SECONDS, Run


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(streaming.time, "monotonic", lambda: now[0])
    return now


def test_the_first_chunk_goes_at_once_then_by_time(clock: list[float]) -> None:
    run = Run(MessageKind.HINT, "chat", None, "en")
    assert not run.due()  # nothing to send
    run.take(Delta("Hello"))
    assert run.due()  # the first one: at once
    run.flushed_at, run.pending = clock[0], []
    run.take(Delta(" world"))
    assert not run.due()
    clock[0] += FLUSH_SECONDS / 2
    assert not run.due()
    clock[0] += FLUSH_SECONDS / 2
    assert run.due()


def test_enough_text_goes_before_its_time(clock: list[float]) -> None:
    run = Run(MessageKind.MODEL_ANSWER, "chat", None, "en", flushed_at=clock[0])
    run.take(Delta("x" * (FLUSH_CHARS - 1)))
    assert not run.due()
    run.take(Delta("y"))
    assert run.due()
    assert run.take(Reset()) and not run.due()  # a reset voids what waits
