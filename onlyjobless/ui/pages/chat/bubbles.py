"""One chat message: each kind has its own icon, accent and heading; the open question stands out.

The first child is the heading row and the rest the text: assets/js/reveal.js types out the text
of a new message after its heading.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from onlyjobless.ui import bridge
from onlyjobless.ui.chat_display import UiMessage
from onlyjobless.ui.components import tr
from onlyjobless.ui.markdown import safe_markdown
from onlyjobless.ui.pages.chat.state import ChatState

# lucide icon names, by message kind
ICONS = {
    "greeting": "hand",
    "question": "circle_help",
    "answer": "user",
    "hint": "lightbulb",
    "model_answer": "book_open_check",
    "evaluation": "clipboard_check",
    "refusal": "shield_alert",
    "notice": "info",
}


def _icon(kind: Any) -> rx.Component:  # a Var over the kind
    cases = [(name, rx.icon(icon, size=16, aria_hidden="true")) for name, icon in ICONS.items()]
    return rx.match(kind, *cases, rx.icon("message_square", size=16, aria_hidden="true"))


def _heading(message: UiMessage, current: Any) -> rx.Component:
    accent = "var(--" + message.accent + "-11)"
    return rx.hstack(
        rx.box(_icon(message.kind), color=accent, display="flex"),
        # Step 12, the scale's text colour: step 11 is below 4.5:1 on some tinted bubbles (axe).
        rx.text(message.label, size="2", weight="bold", color="var(--" + message.accent + "-12)"),
        rx.cond(
            current,
            rx.badge(tr("chat.current_question"), size="1", variant="solid", data_testid="current-badge"),
        ),
        rx.cond(message.offline, rx.badge(tr("chat.offline_badge"), color_scheme="amber", size="1")),
        rx.cond(
            ~message.complete,
            rx.badge(
                rx.icon("scissors", size=12, aria_hidden="true"),
                tr("chat.incomplete"),
                color_scheme="red",
                size="1",
            ),
        ),
        spacing="2",
        align="center",
    )


def _evaluation_card(message: UiMessage) -> rx.Component:
    """The evaluation in the chat: a compact card leading to the report (the report is the evaluation)."""
    return rx.box(
        rx.hstack(
            rx.icon("clipboard_check", size=22, color="var(--violet-11)", aria_hidden="true"),
            rx.vstack(
                rx.text(tr("chat.report_ready"), weight="bold", size="3"),
                rx.cond(
                    message.score != "",
                    rx.text(
                        tr("evaluation.overall") + ": ",
                        rx.text.strong(message.score),
                        size="2",
                        data_testid="card-score",
                    ),
                ),
                rx.cond(message.offline, rx.badge(tr("chat.offline_badge"), color_scheme="amber", size="1")),
                # Marked with words and an icon, not by colour alone.
                rx.cond(
                    ChatState.mistakes > 0,
                    rx.text(
                        rx.icon("triangle_alert", size=14, aria_hidden="true"),
                        tr("chat.to_review").replace("{n}", ChatState.mistakes.to(str)),
                        size="2",
                        color="var(--orange-12)",  # orange-11 is 4.3:1 on the card: too faint (axe)
                        display="inline-flex",
                        align_items="center",
                        gap="0.3em",
                        data_testid="card-mistakes",
                    ),
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.link(
                tr("chat.open_report"),
                rx.icon("arrow_right", size=16, aria_hidden="true"),
                href="/chat/" + ChatState.shown_chat + "/report",  # the report page (ui/routes.REPORT)
                weight="bold",
                display="inline-flex",
                align_items="center",
                gap="0.3em",
                data_testid="card-open-report",
            ),
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        padding="0.75em 1em",
        border_radius="12px",
        width="100%",
        background="var(--violet-a2)",
        border="1px solid var(--violet-a5)",
        border_left="4px solid var(--violet-9)",
        data_testid="evaluation-card",
        data_kind=message.kind,
        data_complete=rx.cond(message.complete, "true", "false"),
    )


def bubble(message: UiMessage) -> rx.Component:
    """A message, or for an evaluation the compact card in its place."""
    return rx.cond(message.kind == "evaluation", _evaluation_card(message), _message(message))


def _message(message: UiMessage) -> rx.Component:
    mine = message.role == "candidate"
    current = message.id == ChatState.current_id
    accent = message.accent
    return rx.box(
        _heading(message, current),
        rx.cond(message.streamed, bridge.streamed_text(message.id), safe_markdown(message.content)),
        padding=rx.cond(current, "1em 1.25em", "0.75em 1em"),
        border_radius="12px",
        max_width=rx.cond(mine, "85%", "100%"),
        width=rx.cond(mine, "auto", "100%"),
        align_self=rx.cond(mine, "flex-end", "flex-start"),
        background=rx.cond(mine | current, "var(--" + accent + "-a3)", "var(--" + accent + "-a2)"),
        border=rx.cond(current, "2px solid var(--" + accent + "-9)", "1px solid var(--" + accent + "-a5)"),
        border_left="4px solid var(--" + accent + "-9)",
        box_shadow=rx.cond(current, "var(--shadow-3)", "none"),
        font_size=rx.cond(current, "1.05em", "1em"),
        data_testid=rx.cond(current, "current-question", "message-" + message.kind),
        data_kind=message.kind,
        data_complete=rx.cond(message.complete, "true", "false"),
        data_cut=rx.cond(message.cut, "true", "false"),
        data_reveal=rx.cond(message.reveal, "true", "false"),
        aria_current=rx.cond(current, "step", "false"),
        # Hidden until the page has typed it out (assets/js/reveal.js).
        style={"&[data-reveal='true']:not([data-revealed='done'])": {"display": "none"}},
    )
