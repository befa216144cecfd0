"""The report page: overall score, a chart of the scores, then each question's feedback.

Mistakes are marked with an icon and words, never colour alone; the candidate's own answer
folds open under each question.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from onlyjobless.ui.components import error_callout, tr
from onlyjobless.ui.layout import shell
from onlyjobless.ui.markdown import safe_markdown
from onlyjobless.ui.pages.report.state import ReportState


def _section(icon: str, color: str, label_key: str, value: Any, test_id: str) -> rx.Component:
    return rx.cond(
        value != "",
        rx.box(
            rx.hstack(
                rx.icon(icon, size=16, color=f"var(--{color}-11)", aria_hidden="true"),
                rx.text(tr(label_key), weight="bold", size="2"),
                spacing="2",
                align="center",
            ),
            safe_markdown(value),
            padding_left="0.75em",
            border_left=f"3px solid var(--{color}-8)",
            data_testid=test_id,
        ),
    )


def _score_badge(card: Any) -> rx.Component:
    return rx.badge(
        rx.cond(
            card.mistake,
            rx.icon("circle_alert", size=14, aria_hidden="true"),
            rx.icon("circle_check", size=14, aria_hidden="true"),
        ),
        card.score_label,
        color_scheme=rx.cond(~card.answered, "gray", rx.cond(card.mistake, "orange", "green")),
        size="3",
        data_testid="report-score",
    )


def _answer(card: Any) -> rx.Component:
    return rx.el.details(
        rx.el.summary(
            rx.text(tr("report.your_answer"), as_="span", weight="medium", size="2"),
            cursor="pointer",
        ),
        rx.cond(
            card.answer != "",
            rx.text(card.answer, size="2", white_space="pre-wrap", as_="p", margin_top="0.5em"),
            rx.text(tr("report.no_answer"), size="2", color_scheme="gray", as_="p", margin_top="0.5em"),
        ),
        padding="0.6em 0.8em",
        border_radius="8px",
        background="var(--gray-a3)",
        data_testid="candidate-answer",
    )


def _card(card: Any) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(card.number.to(str) + ". " + card.topic, size="4", as_="h3"),
                rx.spacer(),
                _score_badge(card),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.text(card.text, size="3", weight="medium", as_="p"),
            _section("thumbs_up", "green", "evaluation.good", card.good, "report-good"),
            _section("circle_alert", "orange", "evaluation.missing", card.missing, "report-missing"),
            _section("star", "blue", "evaluation.strong_answer", card.strong, "report-strong"),
            _answer(card),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="report-item",
    )


def _chart() -> rx.Component:
    return rx.box(
        rx.text(tr("report.chart"), size="2", weight="bold", as_="p"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            rx.recharts.bar(data_key="score", fill="var(--accent-9)", radius=[4, 4, 0, 0]),
            rx.recharts.x_axis(data_key="number"),
            rx.recharts.y_axis(domain=[0, 10], allow_decimals=False, width=30),
            rx.recharts.graphing_tooltip(),
            data=ReportState.chart,
            width="100%",
            height=220,
        ),
        width="100%",
        role="img",
        aria_label=tr("report.chart"),
        data_testid="report-chart",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow_left", size=16, aria_hidden="true"), tr("report.back"), align="center"),
            href="/chat/" + ReportState.shown_chat,
            size="2",
            data_testid="back-to-chat",
        ),
        rx.heading(
            tr("report.title") + ": " + ReportState.title, size="7", as_="h1", data_testid="report-title"
        ),
        rx.text(tr("report.attempt") + " " + ReportState.attempt.to(str), size="2", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def _overview() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(tr("evaluation.overall"), size="2", color_scheme="gray"),
                rx.text(ReportState.overall, size="8", weight="bold", as_="p", data_testid="overall-score"),
                rx.button(
                    rx.icon("file_text", size=16, aria_hidden="true"),
                    tr("report.download_md"),
                    on_click=ReportState.download_markdown,
                    variant="soft",
                    width="100%",
                    data_testid="download-md",
                ),
                rx.button(
                    rx.icon("file_down", size=16, aria_hidden="true"),
                    tr("report.download_pdf"),
                    on_click=ReportState.download_pdf,
                    width="100%",
                    data_testid="download-pdf",
                ),
                spacing="2",
                min_width="200px",
            ),
            _chart(),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="1.5em",
            width="100%",
        ),
        width="100%",
    )


def _report() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.cond(
            ReportState.estimate,
            rx.callout(tr("evaluation.offline_label"), icon="wifi_off", color_scheme="amber"),
        ),
        _overview(),
        rx.cond(ReportState.summary != "", rx.box(safe_markdown(ReportState.summary), data_testid="summary")),
        rx.foreach(ReportState.cards, _card),
        width="100%",
        spacing="4",
        data_testid="report",
    )


def _no_report() -> rx.Component:
    return rx.vstack(
        rx.heading(
            rx.cond(ReportState.not_found, tr("chat.not_found"), tr("report.not_ready")),
            size="5",
            as_="h1",
            data_testid=rx.cond(ReportState.not_found, "not-found", "not-ready"),
        ),
        rx.cond(
            ReportState.not_ready,
            rx.link(tr("report.back"), href="/chat/" + ReportState.shown_chat),
            rx.link(tr("nav.new_interview"), href="/"),
        ),
        spacing="3",
    )


def report_page() -> rx.Component:
    return shell(
        error_callout(ReportState.error, "report-error"),
        rx.cond(
            ReportState.loaded,
            rx.cond(ReportState.not_found | ReportState.not_ready, _no_report(), _report()),
            rx.spinner(),
        ),
    )
