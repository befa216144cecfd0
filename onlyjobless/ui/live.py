"""The running line's page side: chunks are appended to #oj-live in the page (ui/bridge.py).

The text already shown is never sent again, so an answer costs its own size plus a small
frame per flush; the evaluation preview and typed-out interviewer messages, which are
short, travel as one small var instead.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from onlyjobless.ui import bridge


class Live(rx.State):
    """The running line's own small state: a chunk re-renders only the line and the buttons."""

    on: rx.Field[bool] = rx.field(False)
    label: rx.Field[str] = rx.field("")
    text: rx.Field[str] = rx.field("")
    stop_requested: rx.Field[bool] = rx.field(False)

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
