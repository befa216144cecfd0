"""The chat page: messages, the running line, the answer box, actions and the evaluation report."""

from __future__ import annotations

import reflex as rx

from onlyjobless.settings import MAX_ANSWER_LENGTH
from onlyjobless.ui import bridge
from onlyjobless.ui.chat_display import UiMessage
from onlyjobless.ui.components import error_callout, tr
from onlyjobless.ui.layout import shell
from onlyjobless.ui.live import Live
from onlyjobless.ui.markdown import safe_markdown
from onlyjobless.ui.pages.chat.report import report
from onlyjobless.ui.pages.chat.state import ChatState

# Page scripts are files in assets/js (the content security policy allows no inline script):
# the answer box's length counter, and the typing-out of new interviewer messages.
ANSWER_BOX_SCRIPT = "/js/answer-box.js"
REVEAL_SCRIPT = "/js/reveal.js"


def _bubble(message: UiMessage) -> rx.Component:
    mine = message.role == "candidate"
    current = message.id == ChatState.current_id
    return rx.box(
        rx.hstack(
            rx.text(message.label, size="1", weight="bold", color_scheme="gray"),
            rx.cond(message.offline, rx.badge(tr("chat.offline_badge"), color_scheme="amber", size="1")),
            rx.cond(~message.complete, rx.badge(tr("chat.incomplete"), color_scheme="red", size="1")),
            spacing="2",
        ),
        safe_markdown(message.content),
        padding="0.75em 1em",
        border_radius="12px",
        max_width="85%",
        align_self=rx.cond(mine, "flex-end", "flex-start"),
        background=rx.cond(mine, "var(--accent-a3)", "var(--gray-a3)"),
        border=rx.cond(current, "2px solid var(--accent-9)", "1px solid transparent"),
        data_testid=rx.cond(current, "current-question", "message-" + message.kind),
        data_kind=message.kind,
        data_complete=rx.cond(message.complete, "true", "false"),
        data_reveal=rx.cond(message.reveal, "true", "false"),
        # Hidden until the page has typed it out (assets/js/reveal.js).
        style={"&[data-reveal='true']:not([data-revealed='done'])": {"display": "none"}},
    )


def _running_line() -> rx.Component:
    """What is being written now: chunks land in #oj-live, previews come as Live.text."""
    return rx.cond(
        (Live.on | (Live.text != "")) & (Live.chat == ChatState.shown_chat),
        rx.box(
            rx.text(Live.label, size="1", weight="bold", color_scheme="gray"),
            rx.cond(Live.text != "", safe_markdown(Live.text)),
            rx.el.div(id="oj-live", style={"white_space": "pre-wrap"}),
            padding="0.75em 1em",
            border_radius="12px",
            max_width="85%",
            background="var(--gray-a3)",
            data_testid="streaming",
            aria_live="polite",
        ),
    )


def _typing_line() -> rx.Component:
    """Where assets/js/reveal.js types out new messages; nothing while it is empty."""
    return rx.el.div(
        id="oj-reveal",
        data_testid="typing",
        aria_hidden="true",
        style={"display": "flex", "flex_direction": "column", "&:empty": {"display": "none"}},
    )


def _actions() -> rx.Component:
    """Send, hint, model answer, finish, and stop while something is being written."""
    active = ChatState.status == "active"
    busy = Live.on | ChatState.sending
    return rx.hstack(
        rx.button(tr("chat.send"), type="submit", disabled=~active | busy, data_testid="send"),
        rx.button(
            tr("chat.hint"),
            type="button",
            variant="soft",
            on_click=ChatState.run_hint,
            disabled=~active | busy,
            data_testid="hint",
        ),
        rx.button(
            tr("chat.get_answer"),
            type="button",
            variant="soft",
            on_click=ChatState.run_model_answer,
            disabled=~active | busy,
            data_testid="get-answer",
        ),
        rx.button(
            tr("chat.finish"),
            type="button",
            variant="outline",
            color_scheme="orange",
            on_click=ChatState.run_finish,
            disabled=(ChatState.status == "finished") | busy,
            data_testid="finish",
        ),
        rx.cond(
            Live.on,
            rx.button(
                rx.icon("square", size=14),
                tr("chat.stop"),
                type="button",
                color_scheme="red",
                on_click=Live.stop,
                data_testid="stop",
            ),
        ),
        rx.spacer(),
        rx.text("", id="answer-count", size="1", color_scheme="gray", data_testid="answer-count"),
        width="100%",
        wrap="wrap",
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text_area(
                name="answer",
                id="answer",
                placeholder=tr("chat.placeholder"),
                max_length=MAX_ANSWER_LENGTH,
                rows="4",
                width="100%",
                disabled=ChatState.status != "active",
                aria_label=tr("chat.placeholder"),
                enter_key_submit=True,  # Enter sends, Shift+Enter starts a new line
                data_testid="answer",
            ),
            _actions(),
            width="100%",
        ),
        on_submit=ChatState.send_answer,
        reset_on_submit=False,
        width="100%",
    )


def _chat_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(ChatState.title, size="6", as_="h1", data_testid="chat-title"),
            rx.spacer(),
            rx.cond(
                ChatState.status == "active",
                rx.badge(
                    tr("chat.question") + " " + ChatState.position.to(str) + " / " + ChatState.total.to(str),
                    size="2",
                    data_testid="progress",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            ChatState.stale,
            rx.callout.root(
                rx.callout.text(tr("chat.stale")),
                rx.button(
                    tr("chat.fresh"), size="1", on_click=ChatState.fresh_interview, data_testid="fresh"
                ),
                color_scheme="amber",
                data_testid="stale-banner",
            ),
        ),
        rx.cond(
            ChatState.offline,
            rx.callout(
                tr("chat.offline"), icon="wifi_off", color_scheme="amber", data_testid="offline-notice"
            ),
        ),
        rx.vstack(
            rx.foreach(ChatState.messages, _bubble),
            rx.foreach(ChatState.recent, _bubble),
            _typing_line(),
            _running_line(),
            width="100%",
            spacing="3",
            data_testid="messages",
        ),
        error_callout(ChatState.error, "chat-error"),
        rx.cond(Live.chat == ChatState.shown_chat, error_callout(Live.notice, "live-notice")),
        report(),
        rx.cond(ChatState.status != "finished", _composer()),
        rx.script(src=ANSWER_BOX_SCRIPT),
        rx.script(src=REVEAL_SCRIPT),
        bridge.live_feed_element(),
        width="100%",
        spacing="4",
    )


def chat_page() -> rx.Component:
    return shell(
        rx.cond(
            ChatState.not_found,
            rx.vstack(
                rx.heading(tr("chat.not_found"), size="6", as_="h1", data_testid="not-found"),
                rx.link(tr("nav.new_interview"), href="/"),
            ),
            rx.cond(ChatState.loaded, _chat_body(), rx.spinner()),
        )
    )
