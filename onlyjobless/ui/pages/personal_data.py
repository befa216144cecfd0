"""The Settings card for the user's own data: download all of it, or delete the account."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services import hub
from onlyjobless.ui import bridge, routes
from onlyjobless.ui.components import error_callout, field, tr
from onlyjobless.ui.language import language_of
from onlyjobless.ui.session import SessionState, acting_user


def _plain(value: object) -> str:
    """JSON for the export's datetimes (ISO 8601) and ids."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


class PersonalDataState(rx.State):
    """The export's and the deletion's error messages; identity is checked on each action."""

    export_error: rx.Field[str] = rx.field("")
    delete_error: rx.Field[str] = rx.field("")

    async def _signed_out(self):
        (await self.get_state(SessionState)).sign_out()
        return rx.redirect(routes.LOGIN)

    @rx.event
    async def download(self):
        """Everything stored about the user as a JSON file the browser saves."""
        self.export_error = self.delete_error = ""
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # cannot be checked now: said here, the user stays
            self.export_error = i18n.error_message(exc, await language_of(self))
            return None
        if who is None:
            return await self._signed_out()
        try:
            document = await hub.get_services().personal_data.export(who.user.id)
        except ServiceError as exc:
            self.export_error = i18n.error_message(exc, await language_of(self))
            return None
        body = json.dumps(document, ensure_ascii=False, indent=2, default=_plain)
        stamp = document["exported_at"].date().isoformat()
        return rx.download(data=body, filename=f"onlyjobless-data-{stamp}.json", mime_type="application/json")

    @rx.event
    async def delete_account(self, form: dict[str, Any]):
        """With the password: the account and all its data go, and the browser is signed out."""
        self.export_error = self.delete_error = ""
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # cannot be checked now: said here, the user stays
            self.delete_error = i18n.error_message(exc, await language_of(self))
            return None
        if who is None:
            return await self._signed_out()
        try:
            await hub.get_services().personal_data.delete_account(who.user.id, form.get("password"))
        except ServiceError as exc:
            self.delete_error = i18n.error_message(exc, await language_of(self))
            return None
        (await self.get_state(SessionState)).sign_out()
        return bridge.end_session()


def personal_data_card() -> rx.Component:
    """Download my data; delete my account (password required)."""
    return rx.vstack(
        rx.heading(tr("settings.personal_data"), size="4", as_="h2"),
        rx.text(tr("settings.download_hint"), size="2"),
        error_callout(PersonalDataState.export_error, "export-error"),
        rx.button(
            rx.icon("download", aria_hidden="true"),
            tr("settings.download_data"),
            on_click=PersonalDataState.download,
            variant="soft",
            data_testid="download-data",
        ),
        rx.separator(),
        rx.form(
            rx.vstack(
                rx.heading(tr("settings.delete_account"), size="3", as_="h3", color_scheme="red"),
                rx.text(tr("settings.delete_warning"), size="2"),
                error_callout(PersonalDataState.delete_error, "delete-error"),
                field(
                    tr("settings.delete_password"),
                    rx.input(
                        name="password",
                        id="delete_password",
                        type="password",
                        auto_complete="current-password",
                        required=True,
                        data_testid="delete-password",
                    ),
                    "delete_password",
                ),
                rx.button(
                    tr("settings.delete_confirm"),
                    type="submit",
                    color_scheme="red",
                    data_testid="delete-account",
                ),
                spacing="3",
                align="start",
                width="100%",
            ),
            on_submit=PersonalDataState.delete_account,
            reset_on_submit=True,
            width="100%",
        ),
        spacing="3",
        align="start",
        width="100%",
    )
