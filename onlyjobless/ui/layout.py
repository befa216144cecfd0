"""The signed-in shell: a sidebar (collapsing behind a menu button on narrow screens) and content."""

from __future__ import annotations

import reflex as rx

from onlyjobless.ui import routes
from onlyjobless.ui.components import loading, tr
from onlyjobless.ui.session import SessionState


def _nav() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("app.name"), size="5"),
        rx.text(
            SessionState.t["nav.signed_in_as"].to(str).replace("{name}", SessionState.username),
            size="2",
            color_scheme="gray",
            data_testid="signed-in-as",
        ),
        rx.link(
            rx.button(rx.icon("plus"), tr("nav.new_interview"), width="100%", data_testid="new-interview"),
            href=routes.HOME,
            width="100%",
        ),
        rx.text(tr("nav.chats"), size="2", weight="bold", margin_top="3"),
        rx.text(tr("nav.no_chats"), size="2", color_scheme="gray"),
        rx.spacer(),
        rx.link(
            rx.hstack(rx.icon("settings", size=16), tr("nav.settings"), align="center"),
            href=routes.SETTINGS,
            data_testid="nav-settings",
        ),
        rx.button(
            rx.icon("log_out", size=16),
            tr("nav.logout"),
            variant="soft",
            color_scheme="gray",
            on_click=SessionState.logout,
            data_testid="logout",
            width="100%",
        ),
        height="100%",
        spacing="3",
        padding="1em",
        width="100%",
    )


def _sidebar() -> rx.Component:
    return rx.box(
        _nav(),
        display=["none", "none", "block"],
        width="280px",
        min_width="280px",
        height="100vh",
        position="sticky",
        top="0",
        border_right="1px solid var(--gray-a5)",
        background="var(--gray-a2)",
    )


def _mobile_bar() -> rx.Component:
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(
                    rx.icon("menu"), variant="ghost", aria_label=tr("nav.menu"), data_testid="menu"
                )
            ),
            rx.drawer.overlay(),
            rx.drawer.portal(
                rx.drawer.content(_nav(), width="280px", height="100%", background="var(--color-panel-solid)")
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
        padding="0.75em",
        border_bottom="1px solid var(--gray-a5)",
    )


def shell(*content: rx.Component) -> rx.Component:
    """A private page: nothing but a spinner until the session check has passed."""
    return rx.cond(
        SessionState.authenticated,
        rx.flex(
            _sidebar(),
            rx.box(
                _mobile_bar(), rx.box(*content, padding="1.5em", max_width="900px"), flex="1", min_width="0"
            ),
            width="100%",
        ),
        loading(),
    )
