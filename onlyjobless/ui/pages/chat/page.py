"""The chat page: messages, the running line, the answer box, actions and the evaluation report."""

from __future__ import annotations

import reflex as rx

from onlyjobless.settings import MAX_ANSWER_LENGTH
from onlyjobless.ui import bridge
from onlyjobless.ui.components import confirm_dialog, error_callout, tr
from onlyjobless.ui.layout import shell
from onlyjobless.ui.live import Live
from onlyjobless.ui.markdown import safe_markdown
from onlyjobless.ui.pages.chat.bubbles import bubble
from onlyjobless.ui.pages.chat.report import report
from onlyjobless.ui.pages.chat.state import ChatState

# Page scripts are files in assets/js (the content security policy allows no inline script):
# the answer box's length counter, the typing-out of new interviewer messages, and the
# conversation following new messages.
ANSWER_BOX_SCRIPT = "/js/answer-box.js"
REVEAL_SCRIPT = "/js/reveal.js"
FOLLOW_SCRIPT = "/js/chat-follow.js"


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


def _finish(disabled: rx.Var[bool]) -> rx.Component:
    """Finish asks first: it cannot be undone, unanswered questions score 0, and an answer still
    in the box is not sent (a newcomer may press it instead of Send, or just to see what it does)."""
    return confirm_dialog(
        rx.button(
            tr("chat.finish"),
            type="button",
            variant="outline",
            color_scheme="orange",
            disabled=disabled,
            data_testid="finish",
        ),
        tr("chat.finish_title"),
        tr("chat.finish_confirm"),
        rx.button(
            tr("chat.keep_answering"), variant="soft", color_scheme="gray", data_testid="keep-answering"
        ),
        rx.button(
            tr("chat.finish_do"),
            color_scheme="orange",
            on_click=ChatState.run_finish,
            data_testid="confirm-finish",
        ),
    )


def _actions() -> rx.Component:
    """Send, hint, model answer, finish, and stop while something is being written."""
    active = ChatState.status == "active"
    busy = Live.on | ChatState.sending
    return rx.hstack(
        rx.button(
            tr("chat.send"),
            type="submit",
            disabled=~active | busy,
            data_testid="send",
            # Marked by assets/js/answer-box.js while the answer is too long (the form is held back).
            style={"&[aria-disabled='true']": {"opacity": "0.5", "cursor": "not-allowed"}},
        ),
        rx.button(
            tr("chat.hint"),
            type="button",
            variant="soft",
            on_click=ChatState.run_hint,
            disabled=~active | busy | ChatState.given.contains("hint"),
            data_testid="hint",
        ),
        rx.button(
            tr("chat.get_answer"),
            type="button",
            variant="soft",
            on_click=ChatState.run_model_answer,
            disabled=~active | busy | ChatState.given.contains("model_answer"),
            data_testid="get-answer",
        ),
        _finish(disabled=(ChatState.status == "finished") | busy),
        rx.cond(
            Live.on,
            rx.button(
                rx.icon("square", size=14, aria_hidden="true"),
                tr("chat.stop"),
                type="button",
                color_scheme="red",
                on_click=Live.stop,
                data_testid="stop",
            ),
        ),
        rx.spacer(),
        rx.cond(
            ChatState.budget_note != "",
            rx.text(ChatState.budget_note, size="1", color_scheme="amber", data_testid="budget-left"),
        ),
        rx.text(
            "",
            id="answer-count",
            size="1",
            aria_live="polite",
            data_testid="answer-count",
            style={
                "color": "var(--gray-11)",
                "&[data-over='true']": {"color": "var(--red-11)", "font_weight": "bold"},
            },
        ),
        width="100%",
        wrap="wrap",
    )


def _new_message_pill() -> rx.Component:
    """Shown by assets/js/chat-follow.js when a message arrives while the reader is scrolled up."""
    return rx.el.button(
        rx.icon("arrow_down", size=14, aria_hidden="true"),
        tr("chat.new_message"),
        type="button",
        id="oj-new-message",
        data_testid="new-message",
        class_name="rt-reset",
        style={
            "position": "absolute",
            "bottom": "calc(100% + 0.5em)",
            "left": "50%",
            "transform": "translateX(-50%)",
            "display": "flex",
            "align_items": "center",
            "gap": "0.4em",
            "padding": "0.35em 0.9em",
            "border_radius": "999px",
            "background": "var(--accent-9)",
            "color": "var(--accent-contrast)",
            "font_size": "var(--font-size-2)",
            "box_shadow": "var(--shadow-3)",
            "cursor": "pointer",
            "&:not([data-show='true'])": {"display": "none"},
        },
    )


def _composer() -> rx.Component:
    """The answer box and the actions, pinned to the bottom of the viewport (position: sticky)."""
    return rx.box(
        _new_message_pill(),
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="answer",
                    id="answer",
                    placeholder=tr("chat.placeholder"),
                    # No maxLength: a longer paste is kept whole; assets/js/answer-box.js says how
                    # much too long it is and holds the form back (the service refuses it too).
                    data_max=MAX_ANSWER_LENGTH,
                    data_too_long=tr("chat.too_long"),
                    rows="3",
                    width="100%",
                    disabled=ChatState.status != "active",
                    aria_label=tr("chat.placeholder"),
                    aria_describedby="answer-count",
                    enter_key_submit=True,  # Enter sends, Shift+Enter starts a new line
                    data_testid="answer",
                ),
                # Which question this answer is for: a repeated submit of it is then told apart.
                rx.el.input(type="hidden", name="question", value=ChatState.current_id),
                _actions(),
                width="100%",
                spacing="2",
            ),
            on_submit=ChatState.send_answer,
            reset_on_submit=False,
            width="100%",
        ),
        position="sticky",
        bottom="0",
        z_index="5",
        width="100%",
        padding_y="0.75em",
        background="var(--color-background)",
        border_top="1px solid var(--gray-a5)",
        data_testid="composer",
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
                # In a box: the callout's grid would stretch the button into a thin bar.
                rx.box(
                    rx.button(
                        tr("chat.fresh"), size="2", on_click=ChatState.fresh_interview, data_testid="fresh"
                    )
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
            rx.cond(
                ChatState.earlier > 0,
                rx.button(
                    tr("chat.earlier"),
                    variant="soft",
                    size="2",
                    on_click=ChatState.load_earlier,
                    data_testid="earlier",
                ),
            ),
            rx.foreach(ChatState.messages, bubble),
            rx.foreach(ChatState.recent, bubble),
            _typing_line(),
            _running_line(),
            width="100%",
            spacing="3",
            data_testid="messages",
        ),
        error_callout(ChatState.error, "chat-error"),
        rx.cond(Live.chat == ChatState.shown_chat, error_callout(Live.notice, "live-notice")),
        rx.box(report(), id="report", width="100%", style={"scroll_margin_top": "1em"}),
        rx.cond(ChatState.status != "finished", _composer()),
        rx.script(src=ANSWER_BOX_SCRIPT),
        rx.script(src=REVEAL_SCRIPT),
        rx.script(src=FOLLOW_SCRIPT),
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
