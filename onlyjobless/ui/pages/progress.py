"""The progress page: for each role practised, the scores of every evaluated attempt over time,
the weakest topics, the questions answered, and a button to practise the role again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services import hub
from onlyjobless.services.progress import RoleProgress
from onlyjobless.ui import routes
from onlyjobless.ui.components import error_callout, tr
from onlyjobless.ui.language import language_of
from onlyjobless.ui.layout import shell
from onlyjobless.ui.session import acting_user
from onlyjobless.ui.sidebar import not_signed_in, open_private_page


@dataclass
class TopicLine:
    topic: str
    average: str


@dataclass
class RoleCard:
    """One role practised, ready to show."""

    vacancy: str
    title: str
    attempts: int
    answered: int
    average: str
    points: list[dict[str, Any]]  # the chart's: {"label": "1 · 29.11", "score": 7.5}
    weakest: list[TopicLine]


def role_card(role: RoleProgress, language: str) -> RoleCard:
    return RoleCard(
        vacancy=role.vacancy,
        title=role.title,
        attempts=len(role.attempts),
        answered=role.answered,
        average="—" if role.average is None else i18n.score_text(role.average, language),
        points=[
            {"label": f"{number} · {a.finished_at:%d.%m}", "score": a.score}
            for number, a in enumerate(role.attempts, start=1)
        ],
        weakest=[TopicLine(t.topic, i18n.score_text(t.average, language)) for t in role.weakest],
    )


class ProgressState(rx.State):
    roles: rx.Field[list[RoleCard]] = rx.field(default_factory=list)
    loaded: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    starting: rx.Field[str] = rx.field("")  # the role being started

    @rx.event
    async def open(self):
        self.loaded, self.error, self.starting = False, "", ""
        who = await open_private_page(self)
        if who is None:
            return await not_signed_in(self)
        language = await language_of(self)
        try:
            report = await hub.get_services().progress.report(who.user.id)
            self.roles = [role_card(role, language) for role in report.roles]
        except ServiceError as exc:
            self.roles, self.error = [], i18n.error_message(exc, language)
        self.loaded = True
        return None

    @rx.event
    async def practise(self, vacancy: str):
        """A new interview for the role (it counts toward today's limit), then its chat."""
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # cannot be checked now: said here, the user stays
            self.error = i18n.error_message(exc, await language_of(self))
            return None
        if who is None:
            return rx.redirect(routes.LOGIN, replace=True)
        self.error, self.starting = "", vacancy
        try:
            view = await hub.get_services().progress.practise(
                who.user.id, vacancy, who.user.preferred_language
            )
        except ServiceError as exc:
            self.error, self.starting = i18n.error_message(exc, await language_of(self)), ""
            return None
        return rx.redirect(routes.chat(view.chat.id))


# -- the page ---------------------------------------------------------------------------------


def _stat(label_key: str, value: Any, test_id: str) -> rx.Component:
    return rx.box(
        rx.text(tr(label_key), size="1", color_scheme="gray", as_="p"),
        rx.text(value, size="5", weight="bold", as_="p", data_testid=test_id),
        padding="0.5em 0.9em",
        border_radius="8px",
        background="var(--gray-a3)",
        min_width="8em",
    )


def _chart(role: Any) -> rx.Component:
    return rx.box(
        rx.text(tr("progress.scores"), size="2", weight="bold", as_="p"),
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            rx.recharts.line(
                data_key="score",
                stroke="var(--accent-9)",
                stroke_width=2,
                dot=True,
                is_animation_active=False,
            ),
            rx.recharts.x_axis(data_key="label", interval=0, padding={"left": 24, "right": 24}),
            rx.recharts.y_axis(domain=[0, 10], allow_decimals=False, width=30),
            rx.recharts.graphing_tooltip(),
            data=role.points,
            width="100%",
            height=200,
        ),
        width="100%",
        role="img",
        aria_label=tr("progress.scores"),
        data_testid="progress-chart",
    )


def _weakest(role: Any) -> rx.Component:
    return rx.box(
        rx.heading(tr("progress.weakest"), size="3", as_="h3"),
        rx.cond(
            role.weakest.length() > 0,
            rx.el.ul(
                rx.foreach(
                    role.weakest,
                    lambda topic: rx.el.li(
                        rx.hstack(
                            rx.icon("target", size=14, aria_hidden="true", color="var(--orange-11)"),
                            rx.text(topic.topic, size="2"),
                            rx.text("— " + topic.average, size="2", weight="bold"),
                            spacing="2",
                            align="center",
                        ),
                        data_testid="weak-topic",
                    ),
                ),
                style={"list_style": "none", "padding": "0", "margin": "0.4em 0"},
            ),
            rx.text(tr("progress.no_topics"), size="2", color_scheme="gray", as_="p"),
        ),
        width="100%",
    )


def _role(role: Any) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(role.title, size="5", as_="h2"),
            rx.flex(
                _stat("progress.attempts", role.attempts.to(str), "stat-attempts"),
                _stat("progress.answered", role.answered.to(str), "stat-answered"),
                _stat("progress.average", role.average, "stat-average"),
                gap="0.75em",
                wrap="wrap",
            ),
            rx.cond(role.points.length() > 0, _chart(role)),
            _weakest(role),
            rx.button(
                rx.icon("dumbbell", size=16, aria_hidden="true"),
                tr("progress.practise"),
                on_click=ProgressState.practise(role.vacancy),  # type: ignore[operator]
                loading=ProgressState.starting == role.vacancy,
                data_testid="practise",
            ),
            rx.text(tr("progress.practise_note"), size="1", color_scheme="gray", as_="p"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="role-progress",
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("chart_line", size=32, aria_hidden="true", color="var(--gray-9)"),
            rx.text(tr("progress.empty"), size="3", as_="p"),
            rx.link(rx.button(tr("progress.start_first")), href=routes.HOME),
            align="center",
            spacing="3",
            padding="1.5em",
        ),
        width="100%",
        data_testid="progress-empty",
    )


def progress_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(tr("progress.title"), size="7", as_="h1"),
            rx.text(tr("progress.lead"), size="2", color_scheme="gray", as_="p"),
            error_callout(ProgressState.error, "progress-error"),
            rx.cond(
                ProgressState.loaded,
                rx.cond(ProgressState.roles.length() > 0, rx.foreach(ProgressState.roles, _role), _empty()),
                rx.spinner(),
            ),
            spacing="4",
            width="100%",
            data_testid="progress-page",
        )
    )
