"""The chat page: messages, the running line, the answer box, actions and the evaluation report."""

from __future__ import annotations

from typing import Any

import reflex as rx

from onlyjobless.settings import MAX_ANSWER_LENGTH
from onlyjobless.ui import bridge
from onlyjobless.ui.chat_display import UiMessage
from onlyjobless.ui.components import error_callout, tr
from onlyjobless.ui.interview_state import InterviewState
from onlyjobless.ui.layout import shell
from onlyjobless.ui.live import Live
from onlyjobless.ui.markdown import safe_markdown

# The length counter near the limit, and Enter to send (Shift+Enter breaks the line).
ANSWER_BOX_SCRIPT = "/js/answer-box.js"


def _bubble(message: UiMessage) -> rx.Component:
    mine = message.role == "candidate"
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
        border=rx.cond(message.current, "2px solid var(--accent-9)", "1px solid transparent"),
        data_testid=rx.cond(message.current, "current-question", "message-" + message.kind),
        data_kind=message.kind,
        data_complete=rx.cond(message.complete, "true", "false"),
    )


def _running_line() -> rx.Component:
    """What is being written now: chunks land in #oj-live, previews come as Live.text."""
    return rx.cond(
        Live.on | (Live.text != ""),
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


def _report_row(item: Any) -> rx.Component:  # a Var over ReportItem inside foreach
    return rx.card(
        rx.hstack(
            rx.heading(item.number.to(str) + ". " + item.topic, size="3", as_="h3"),
            rx.spacer(),
            rx.badge(item.score_label, color_scheme=rx.cond(item.mistake, "orange", "green"), size="2"),
        ),
        rx.text(item.text, size="2", color_scheme="gray", as_="p"),
        rx.cond(
            item.good != "",
            rx.box(rx.text(tr("evaluation.good"), weight="bold", size="2"), safe_markdown(item.good)),
        ),
        rx.cond(
            item.missing != "",
            rx.box(rx.text(tr("evaluation.missing"), weight="bold", size="2"), safe_markdown(item.missing)),
        ),
        rx.cond(
            item.strong != "",
            rx.box(
                rx.text(tr("evaluation.strong_answer"), weight="bold", size="2"), safe_markdown(item.strong)
            ),
        ),
        width="100%",
        data_testid="report-item",
    )


def _report() -> rx.Component:
    return rx.cond(
        InterviewState.report.length() > 0,
        rx.vstack(
            rx.heading(tr("evaluation.title"), size="5", as_="h2"),
            rx.cond(
                InterviewState.evaluation_offline,
                rx.callout(tr("evaluation.offline_label"), icon="wifi_off", color_scheme="amber"),
            ),
            rx.heading(
                tr("evaluation.overall") + ": " + InterviewState.overall,
                size="4",
                data_testid="overall-score",
            ),
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="score", fill="var(--accent-9)"),
                rx.recharts.x_axis(data_key="number"),
                rx.recharts.y_axis(domain=[0, 10], allow_decimals=False),
                data=InterviewState.chart,
                width="100%",
                height=200,
            ),
            rx.cond(InterviewState.summary != "", safe_markdown(InterviewState.summary)),
            rx.foreach(InterviewState.report, _report_row),
            rx.hstack(
                rx.button(
                    tr("chat.retry_all"),
                    on_click=InterviewState.retry("all"),  # type: ignore[operator]
                    data_testid="retry-all",
                ),
                rx.button(
                    tr("chat.retry_mistakes"),
                    on_click=InterviewState.retry("mistakes"),  # type: ignore[operator]
                    disabled=~InterviewState.has_mistakes,
                    variant="soft",
                    data_testid="retry-mistakes",
                ),
            ),
            width="100%",
            spacing="3",
            data_testid="report",
        ),
    )


def _actions() -> rx.Component:
    """Send, hint, model answer, finish, and stop while something is being written."""
    active = InterviewState.status == "active"
    busy = Live.on | InterviewState.sending
    return rx.hstack(
        rx.button(tr("chat.send"), type="submit", disabled=~active | busy, data_testid="send"),
        rx.button(
            tr("chat.hint"),
            type="button",
            variant="soft",
            on_click=InterviewState.run_hint,
            disabled=~active | busy,
            data_testid="hint",
        ),
        rx.button(
            tr("chat.get_answer"),
            type="button",
            variant="soft",
            on_click=InterviewState.run_model_answer,
            disabled=~active | busy,
            data_testid="get-answer",
        ),
        rx.button(
            tr("chat.finish"),
            type="button",
            variant="outline",
            color_scheme="orange",
            on_click=InterviewState.run_finish,
            disabled=(InterviewState.status == "finished") | busy,
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
                disabled=InterviewState.status != "active",
                aria_label=tr("chat.placeholder"),
                data_testid="answer",
            ),
            _actions(),
            width="100%",
        ),
        on_submit=InterviewState.send_answer,
        reset_on_submit=False,
        width="100%",
    )


def _chat_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(InterviewState.title, size="6", as_="h1", data_testid="chat-title"),
            rx.spacer(),
            rx.cond(
                InterviewState.status == "active",
                rx.badge(
                    tr("chat.question")
                    + " "
                    + InterviewState.position.to(str)
                    + " / "
                    + InterviewState.total.to(str),
                    size="2",
                    data_testid="progress",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            InterviewState.stale,
            rx.callout.root(
                rx.callout.text(tr("chat.stale")),
                rx.button(
                    tr("chat.fresh"), size="1", on_click=InterviewState.fresh_interview, data_testid="fresh"
                ),
                color_scheme="amber",
                data_testid="stale-banner",
            ),
        ),
        rx.cond(
            InterviewState.offline,
            rx.callout(
                tr("chat.offline"), icon="wifi_off", color_scheme="amber", data_testid="offline-notice"
            ),
        ),
        rx.vstack(
            rx.foreach(InterviewState.messages, _bubble),
            rx.foreach(InterviewState.recent, _bubble),
            _running_line(),
            width="100%",
            spacing="3",
            data_testid="messages",
        ),
        error_callout(InterviewState.error, "chat-error"),
        _report(),
        rx.cond(InterviewState.status != "finished", _composer()),
        rx.script(src=ANSWER_BOX_SCRIPT),
        bridge.live_feed_element(),
        width="100%",
        spacing="4",
    )


def interview_page() -> rx.Component:
    return shell(
        rx.cond(
            InterviewState.not_found,
            rx.vstack(
                rx.heading(tr("chat.not_found"), size="6", as_="h1", data_testid="not-found"),
                rx.link(tr("nav.new_interview"), href="/"),
            ),
            rx.cond(InterviewState.loaded, _chat_body(), rx.spinner()),
        )
    )
