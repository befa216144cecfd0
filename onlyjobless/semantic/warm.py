"""Vectors computed once, in the background when a request must not wait for them.

Embedding a few hundred example texts takes seconds on a busy CPU: a request that finds them not
ready yet starts the work in a worker thread and carries on without them (its caller falls back to
what needs no model), instead of stalling the user who happened to come first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class Warm(Generic[T]):
    """A value computed at most once at a time; `get(wait=False)` never blocks on it."""

    def __init__(self, compute: Callable[[], T], name: str) -> None:
        self._compute = compute
        self._name = name
        self._value: T | None = None
        self._lock = threading.Lock()  # held while computing
        self._starting = threading.Lock()  # held only to start the worker: never waits on the work
        self._worker: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._value is not None

    def get(self, *, wait: bool = True) -> T | None:
        """The value; computed now when `wait`, else None until a background computation is done.

        With `wait`, the computation's errors reach the caller; in the background they are logged
        and the next call tries again.
        """
        if self._value is not None:
            return self._value
        if wait:
            return self._fill()
        with self._starting:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._fill_quietly, name=f"warm-{self._name}", daemon=True
                )
                self._worker.start()
        return None

    def _fill(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._compute()
            return self._value

    def _fill_quietly(self) -> None:
        try:
            self._fill()
        except Exception as exc:  # noqa: BLE001 - logged; callers keep their fallback
            log.warning("%s not ready: %s", self._name, type(exc).__name__)
