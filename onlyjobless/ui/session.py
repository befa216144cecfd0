"""Who is signed in: the HttpOnly session cookie, checked once per page load and on every action."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

import reflex as rx

from onlyjobless.domain.errors import ServiceError
from onlyjobless.services import hub
from onlyjobless.services.accounts import Identity
from onlyjobless.settings import SESSION_COOKIE
from onlyjobless.ui import bridge, routes
from onlyjobless.ui.language import LanguageState


def cookie_token(state: rx.State) -> str | None:
    """The session token in the Cookie header of this tab's websocket (never sent to the page)."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(state.router.headers.cookie or "")
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None


async def identity_for(token: str | None) -> Identity | None:
    """The user behind a session token, or None: one call to the accounts service."""
    if not token:
        return None
    try:
        return await hub.get_services().accounts.user_for_session(token)
    except ServiceError:
        return None


async def identity_of(state: rx.State) -> Identity | None:
    """Re-check the session cookie for a sensitive action: revocations bite at once."""
    return await identity_for(cookie_token(state))


class SessionState(rx.State):
    """The signed-in user as the page shows them; identity itself never leaves the server."""

    username: rx.Field[str] = rx.field("")
    authenticated: rx.Field[bool] = rx.field(False)

    async def check(self) -> Identity | None:
        """The one session check of a private page's load: sign in (and speak their language) or out."""
        who = await identity_of(self)
        language = await self.get_state(LanguageState)
        if who is None:
            self.sign_out()
            language.guess()
            return None
        self.username = who.user.username
        self.authenticated = True
        language.use(who.user.preferred_language)
        return who

    def sign_out(self) -> None:
        self.username = ""
        self.authenticated = False

    @rx.event
    async def skip_if_signed_in(self):  # type: ignore[no-untyped-def]
        """On load of the login and register pages."""
        (await self.get_state(LanguageState)).guess()
        if await identity_of(self) is not None:
            return rx.redirect(routes.HOME, replace=True)
        self.sign_out()
        return None

    @rx.event
    def logout(self):  # type: ignore[no-untyped-def]
        """Forget the user here; the cookie route revokes the session and drops the cookie."""
        self.sign_out()
        return bridge.end_session()
