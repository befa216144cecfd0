"""The evaluation report under the chat: overall score, a chart, each question's feedback, retries."""

from __future__ import annotations

from typing import Any

import reflex as rx

from onlyjobless.ui.components import tr
from onlyjobless.ui.markdown import safe_markdown
from onlyjobless.ui.pages.chat.state import ChatState


def _report_row(item: Any) -> rx.Component:  # a Var over ReportItem inside foreach
    return rx.card(
        rx.hstack(
            rx.heading(item.number.to(str) + ". " + item.topic, size="3", as_="h3"),
            rx.spacer(),
            rx.cond(
                item.estimate,
                rx.badge(
                    tr("evaluation.estimate"), color_scheme="amber", size="1", data_testid="estimate-badge"
                ),
            ),
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


def report() -> rx.Component:
    return rx.cond(
        ChatState.report.length() > 0,
        rx.vstack(
            rx.heading(tr("evaluation.title"), size="5", as_="h2"),
            rx.cond(
                ChatState.evaluation_source == "offline",
                rx.callout(tr("evaluation.offline_label"), icon="wifi_off", color_scheme="amber"),
            ),
            rx.cond(
                ChatState.evaluation_source == "mixed",
                rx.callout(tr("evaluation.mixed_label"), icon="info", color_scheme="amber"),
            ),
            rx.heading(
                tr("evaluation.overall") + ": " + ChatState.overall,
                size="4",
                as_="h3",  # under the evaluation's h2 (a heading is an h1 by default)
                data_testid="overall-score",
            ),
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="score", fill="var(--accent-9)"),
                rx.recharts.x_axis(data_key="number"),
                rx.recharts.y_axis(domain=[0, 10], allow_decimals=False),
                data=ChatState.chart,
                width="100%",
                height=200,
            ),
            rx.cond(ChatState.summary != "", safe_markdown(ChatState.summary)),
            rx.foreach(ChatState.report, _report_row),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("file_text", size=16, aria_hidden="true"), tr("report.open")),
                    href="/chat/" + ChatState.shown_chat + "/report",
                    data_testid="open-report",
                ),
                rx.button(
                    tr("chat.retry_all"),
                    on_click=ChatState.retry("all"),  # type: ignore[operator]
                    data_testid="retry-all",
                ),
                rx.button(
                    tr("chat.retry_mistakes"),
                    on_click=ChatState.retry("mistakes"),  # type: ignore[operator]
                    disabled=~ChatState.has_mistakes,
                    variant="soft",
                    data_testid="retry-mistakes",
                ),
                wrap="wrap",
            ),
            width="100%",
            spacing="3",
            data_testid="report",
        ),
    )
