"""Each page's tab title, in the interface language: what the page is, then the app's name."""

from __future__ import annotations

import reflex as rx

from onlyjobless.ui.components import tr

SEPARATOR = " · "


def page_title(what: rx.Var | str) -> rx.Var:
    """`what` (translated text or a state's value), then the app's name; the name alone while empty."""
    named = rx.Var.create(what).to(str)
    return rx.cond(named != "", named + SEPARATOR + tr("app.name"), tr("app.name")).to(str)


def translated(key: str) -> rx.Var:
    """The title of a page named by an interface string."""
    return page_title(tr(key))
