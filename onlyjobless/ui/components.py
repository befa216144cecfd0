"""Small widgets shared by the pages."""

from __future__ import annotations

import reflex as rx

from onlyjobless import i18n
from onlyjobless.ui.language import LanguageState


def tr(key: str) -> rx.vars.StringVar:
    """A translated interface string."""
    return LanguageState.t[key].to(str)


def error_callout(message: rx.Var | str, test_id: str = "form-error") -> rx.Component:
    """A visible, announced error message; nothing when the message is empty."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", data_testid=test_id),
    )


def success_callout(message: rx.Var | str, test_id: str = "form-success") -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="check", color_scheme="green", role="status", data_testid=test_id),
    )


def language_select(
    value: rx.Var | str, on_change, name: str | None = None, test_id: str = "language", width: str = "auto"
) -> rx.Component:
    """A picker of the supported languages, each shown in its own name; `test_id` is its id too."""
    return rx.select.root(
        rx.select.trigger(aria_label=tr("auth.language"), id=test_id, data_testid=test_id, width=width),
        rx.select.content(*[rx.select.item(name, value=code) for code, name in i18n.languages().items()]),
        value=value,
        on_change=on_change,
        name=name,
    )


def form_input(
    name: str, kind: str = "text", autocomplete: str = "off", test_id: str | None = None
) -> rx.Component:
    """A required, full-width input whose id is its name (so a `field` label names it)."""
    return rx.input(
        name=name,
        type=kind,
        required=True,
        auto_complete=autocomplete,
        id=name,
        data_testid=test_id or name,
        width="100%",
    )


def field(label: rx.Var, control: rx.Component, for_id: str, hint: rx.Var | None = None) -> rx.Component:
    """A form control (whose id is `for_id`) under its label, with an optional hint under it."""
    caption = rx.el.label(rx.text(label, as_="span", size="2", weight="medium"), html_for=for_id)
    parts = [caption, control]
    if hint is not None:
        parts.append(rx.text(hint, size="1", color_scheme="gray"))
    return rx.vstack(*parts, spacing="1", width="100%")


def loading(message_key: str = "auth.checking") -> rx.Component:
    """Shown on private pages until the session check has passed; words only once the page knows
    its language (the on_load handlers have run), so a Russian page never flashes English."""
    return rx.center(
        rx.spinner(size="3"),
        rx.cond(rx.State.is_hydrated, rx.text(tr(message_key), margin_left="2")),
        height="100vh",
    )


def once_hydrated(page: rx.Component) -> rx.Component:
    """A public page, drawn once its on_load handlers have picked the language (a spinner before)."""
    return rx.cond(rx.State.is_hydrated, page, rx.center(rx.spinner(size="3"), height="100vh"))


def centred_card(*children: rx.Component) -> rx.Component:
    """A public page's one card in the middle of the screen (the sign-in forms, an unknown address)."""
    return rx.center(
        rx.card(
            rx.vstack(*children, spacing="3", width="100%"),
            width="min(420px, 92vw)",
            size="3",
        ),
        min_height="100vh",
        padding="4",
    )


def confirm_dialog(
    trigger: rx.Component,
    title: rx.Var | str,
    text: rx.Var | str,
    cancel: rx.Component,
    confirm: rx.Component,
) -> rx.Component:
    """An action that cannot be undone asks first: the trigger opens the question, `cancel` and
    `confirm` (buttons) answer it."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(
                rx.alert_dialog.cancel(cancel),
                rx.alert_dialog.action(confirm),
                justify="end",
                spacing="3",
                margin_top="1em",
                wrap="wrap",
            ),
        ),
    )
