"""The main screen once signed in."""

from __future__ import annotations

import reflex as rx

from onlyjobless.ui.components import tr
from onlyjobless.ui.layout import shell
from onlyjobless.ui.session import SessionState


def home_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(
                SessionState.t["home.welcome"].to(str).replace("{name}", SessionState.username),
                size="7",
                as_="h1",
                data_testid="welcome",
            ),
            rx.text(tr("home.lead"), size="3", color_scheme="gray"),
            spacing="4",
        )
    )
