"""The page for an address the app does not have, in the visitor's language (Reflex's own is English)."""

from __future__ import annotations

import reflex as rx

from onlyjobless.ui import routes
from onlyjobless.ui.components import centred_card, once_hydrated, tr


def not_found_page() -> rx.Component:
    return once_hydrated(
        centred_card(
            rx.text(tr("app.name"), size="6", weight="bold", as_="p"),
            rx.heading(tr("not_found.title"), size="5", as_="h1", margin_top="3"),
            rx.text(tr("not_found.text"), data_testid="not-found"),
            rx.link(tr("not_found.home"), href=routes.HOME, data_testid="not-found-home"),
        )
    )
