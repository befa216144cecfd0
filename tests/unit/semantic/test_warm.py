"""Warm: computed once; a caller that must not wait gets None and the work goes on in the background."""

from __future__ import annotations

import logging
import threading

import pytest

from onlyjobless.semantic.warm import Warm


def test_waiting_computes_once() -> None:
    calls: list[int] = []
    warm = Warm(lambda: calls.append(1) or "value", "test")
    assert warm.get() == "value"
    assert warm.get(wait=False) == "value"
    assert calls == [1]
    assert warm.ready


def test_not_waiting_starts_the_work_in_the_background() -> None:
    release = threading.Event()
    started = threading.Event()

    def compute() -> str:
        started.set()
        release.wait(10)
        return "value"

    warm = Warm(compute, "test")
    assert warm.get(wait=False) is None  # returns at once, though the work cannot finish yet
    assert started.wait(5)
    assert warm.get(wait=False) is None
    assert not warm.ready
    release.set()
    assert warm.get() == "value"  # waits for the running computation, does not start another


def test_background_errors_are_logged_and_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[int] = []
    done = threading.Event()

    def compute() -> str:
        attempts.append(1)
        done.set()
        raise RuntimeError("no model")

    warm = Warm(compute, "flaky")
    with caplog.at_level(logging.WARNING):
        assert warm.get(wait=False) is None
        assert done.wait(5)
        for _ in range(100):
            if "flaky not ready" in caplog.text:
                break
            threading.Event().wait(0.05)
    assert "flaky not ready: RuntimeError" in caplog.text
    with pytest.raises(RuntimeError):
        warm.get()  # waiting callers see the error
    assert len(attempts) == 2
