"""Login and registration pages and their state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError, Unavailable
from onlyjobless.services import hub
from onlyjobless.services.throttle import client_address
from onlyjobless.ui import bridge, routes
from onlyjobless.ui.components import (
    centred_card,
    error_callout,
    field,
    form_input,
    language_select,
    once_hydrated,
    tr,
)
from onlyjobless.ui.language import LanguageState, language_of

log = logging.getLogger(__name__)
T = TypeVar("T")
# However the server fares, the button comes back within this many seconds (the stores give up
# sooner: a few seconds for an unreachable database).
WAIT_SECONDS = 30.0
# The login page's `?reason=` when the session could not be opened for an outage (assets/js/bridge.js).
UNAVAILABLE_REASON = "unavailable"


class AuthFormState(rx.State):
    """The login and register forms: errors to show and a busy flag, never a password."""

    error: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)

    async def _fail(self, exc: ServiceError) -> None:
        self.error = i18n.error_message(exc, await language_of(self))
        self.busy = False

    async def _ask(self, work: Awaitable[T]) -> T | None:
        """The answer of the services, or None with the error shown and the button free again."""
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                return await work
        except ServiceError as exc:
            await self._fail(exc)
        except TimeoutError:
            await self._fail(Unavailable("service_unavailable"))
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the form waiting forever
            log.error("auth form failed: %s", type(exc).__name__)
            await self._fail(ServiceError("internal"))
        return None

    def _address(self) -> str:
        """The same client address as the REST API's (X-Forwarded-For only behind a trusted proxy)."""
        forwarded = self.router.headers.raw_headers.get("x-forwarded-for")
        trust = hub.get_services().settings.trust_proxy_headers
        return client_address(self.router.session.client_ip, forwarded, trust_proxy=trust)

    @rx.event
    async def login(self, form: dict[str, Any]):
        """Check the credentials, then let the browser fetch its HttpOnly cookie."""
        self.error, self.busy = "", True
        yield
        accounts = hub.get_services().accounts
        ticket = await self._ask(
            accounts.login_ticket(form.get("username"), form.get("password"), self._address())
        )
        if ticket is None:
            return
        yield bridge.open_session(ticket)

    @rx.event
    async def register(self, form: dict[str, Any]):
        """Create the account and sign straight in."""
        self.error, self.busy = "", True
        yield
        accounts = hub.get_services().accounts
        language = form.get("preferred_language") or await language_of(self)
        user = await self._ask(
            accounts.register(form.get("username"), form.get("password"), language, self._address())
        )
        if user is None:
            return
        ticket = await self._ask(accounts.ticket_for_user(user.id))
        if ticket is None:
            return
        (await self.get_state(LanguageState)).use(user.preferred_language)
        yield bridge.open_session(ticket)

    @rx.event
    async def clear_error(self) -> None:
        """On load: a fresh form; or why the last login could not open its session (an outage)."""
        self.busy = False
        self.error = ""
        if self.router.url.query_parameters.get("reason") == UNAVAILABLE_REASON:
            self.error = i18n.error_message("service_unavailable", await language_of(self))


def _card(
    title_key: str, form: rx.Component, switch_key: str, switch_to: str, picker: bool = True
) -> rx.Component:
    """A public page's card; `picker`: the language picker in its corner (the register form has its own)."""
    corner = rx.fragment()
    if picker:
        corner = language_select(LanguageState.lang, LanguageState.pick, test_id="page-language")
    return once_hydrated(_centred_card(title_key, form, switch_key, switch_to, corner))


def _centred_card(
    title_key: str, form: rx.Component, switch_key: str, switch_to: str, corner: rx.Component
) -> rx.Component:
    return centred_card(
        rx.hstack(
            rx.text(tr("app.name"), size="6", weight="bold", as_="p"),  # the h1 is the form's
            rx.spacer(),
            corner,
            width="100%",
            align="center",
        ),
        rx.text(tr("app.tagline"), color_scheme="gray", size="2"),
        rx.heading(tr(title_key), size="5", as_="h1", margin_top="3"),
        error_callout(AuthFormState.error),
        form,
        rx.link(tr(switch_key), href=switch_to, size="2", data_testid="auth-switch"),
        bridge.session_element(),
    )


def login_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            field(tr("auth.username"), form_input("username", autocomplete="username"), "username"),
            field(tr("auth.password"), form_input("password", "password", "current-password"), "password"),
            rx.button(
                rx.cond(AuthFormState.busy, tr("auth.working"), tr("auth.login.submit")),
                type="submit",
                loading=AuthFormState.busy,
                width="100%",
                data_testid="submit",
            ),
            spacing="3",
        ),
        on_submit=AuthFormState.login,
        reset_on_submit=False,
    )
    return _card("auth.login.title", form, "auth.login.switch", routes.REGISTER)


def register_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            field(tr("auth.username"), form_input("username", autocomplete="username"), "username"),
            field(
                tr("auth.password"),
                form_input("password", "password", "new-password"),
                "password",
                hint=tr("auth.password_hint"),
            ),
            field(
                tr("auth.language"),
                language_select(
                    LanguageState.lang, LanguageState.pick, name="preferred_language", width="100%"
                ),
                "language",
            ),
            rx.button(
                rx.cond(AuthFormState.busy, tr("auth.working"), tr("auth.register.submit")),
                type="submit",
                loading=AuthFormState.busy,
                width="100%",
                data_testid="submit",
            ),
            spacing="3",
        ),
        on_submit=AuthFormState.register,
        reset_on_submit=False,
    )
    return _card("auth.register.title", form, "auth.register.switch", routes.LOGIN, picker=False)
