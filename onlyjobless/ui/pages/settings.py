"""Settings: username, preferred language and password; the user's data (pages/personal_data.py)."""

from __future__ import annotations

import uuid
from typing import Any

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services import hub
from onlyjobless.ui import routes
from onlyjobless.ui.components import error_callout, field, form_input, language_select, success_callout, tr
from onlyjobless.ui.language import LanguageState, language_of
from onlyjobless.ui.layout import shell
from onlyjobless.ui.pages.personal_data import personal_data_card
from onlyjobless.ui.session import SessionState, acting_user
from onlyjobless.ui.sidebar import SidebarState, not_signed_in, open_private_page


class SettingsState(rx.State):
    """Messages for the two settings forms; identity is re-checked on every save."""

    profile_error: rx.Field[str] = rx.field("")
    profile_saved: rx.Field[str] = rx.field("")
    password_error: rx.Field[str] = rx.field("")
    password_saved: rx.Field[str] = rx.field("")

    def _clear_messages(self) -> None:
        self.profile_error = self.profile_saved = self.password_error = self.password_saved = ""

    @rx.event
    async def open(self):
        """On load: the session check, and no stale message from an earlier visit."""
        self._clear_messages()
        if await open_private_page(self) is None:
            return await not_signed_in(self)
        return None

    async def _signed_out(self):
        (await self.get_state(SessionState)).sign_out()
        return rx.redirect(routes.LOGIN)

    @rx.event
    async def save_profile(self, form: dict[str, Any]):
        return await self._save(form)

    async def _save(self, form: dict[str, Any]):
        self._clear_messages()
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # cannot be checked now: said here, the user stays
            self.profile_error = i18n.error_message(exc, await language_of(self))
            return None
        if who is None:
            return await self._signed_out()
        name = form.get("username")
        language = form.get("preferred_language") or None
        try:
            user = await hub.get_services().accounts.update_profile(
                who.user.id,
                username=name if name and name != who.user.username else None,
                preferred_language=language,
            )
        except ServiceError as exc:
            self.profile_error = i18n.error_message(exc, await language_of(self))
            return None
        (await self.get_state(SessionState)).username = user.username
        speaking = await self.get_state(LanguageState)
        speaking.use(user.preferred_language)
        await (await self.get_state(SidebarState)).fill(who.user.id)  # its lines in the new language
        self.profile_saved = i18n.translate("settings.saved", speaking.lang)
        return None

    @rx.event
    async def change_language(self, language: str):
        """The picker saves at once, and the interface switches with it."""
        return await self._save({"preferred_language": language})

    @rx.event
    async def change_password(self, form: dict[str, Any]):
        self._clear_messages()
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # cannot be checked now: said here, the user stays
            self.password_error = i18n.error_message(exc, await language_of(self))
            return None
        if who is None:
            return await self._signed_out()
        language = await language_of(self)
        try:
            await hub.get_services().accounts.change_password(
                who.user.id,
                form.get("current_password"),
                form.get("new_password"),
                keep_session=uuid.UUID(str(who.session_id)),
            )
        except ServiceError as exc:
            self.password_error = i18n.error_message(exc, language)
            return None
        self.password_saved = i18n.translate("settings.password_changed", language)
        return rx.set_value("current_password", "")


def _profile_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(tr("settings.profile"), size="4", as_="h2"),
            error_callout(SettingsState.profile_error, "profile-error"),
            success_callout(SettingsState.profile_saved, "profile-saved"),
            field(
                tr("settings.username"),
                rx.input(
                    name="username",
                    id="settings_username",
                    default_value=SessionState.username,
                    key=SessionState.username,
                    required=True,
                    width="100%",
                    data_testid="settings-username",
                ),
                "settings_username",
            ),
            field(
                tr("settings.language"),
                language_select(
                    LanguageState.lang,
                    SettingsState.change_language,
                    test_id="settings-language",
                    width="100%",
                ),
                "settings-language",
            ),
            rx.button(tr("settings.save_profile"), type="submit", data_testid="save-profile"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=SettingsState.save_profile,
        reset_on_submit=False,
        width="100%",
    )


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(tr("settings.password"), size="4", as_="h2"),
            error_callout(SettingsState.password_error, "password-error"),
            success_callout(SettingsState.password_saved, "password-saved"),
            field(
                tr("settings.current_password"),
                form_input("current_password", "password", "current-password", test_id="current-password"),
                "current_password",
            ),
            field(
                tr("settings.new_password"),
                form_input("new_password", "password", "new-password", test_id="new-password"),
                "new_password",
                hint=tr("auth.password_hint"),
            ),
            rx.button(tr("settings.save_password"), type="submit", data_testid="save-password"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=SettingsState.change_password,
        reset_on_submit=True,
        width="100%",
    )


def settings_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(tr("settings.title"), size="7", as_="h1"),
            rx.card(_profile_form(), width="100%"),
            rx.card(_password_form(), width="100%"),
            rx.card(personal_data_card(), width="100%"),
            spacing="5",
            width="100%",
        )
    )
