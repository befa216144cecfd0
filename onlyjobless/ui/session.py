"""Who is signed in: the HttpOnly session cookie, checked once per page load and on every action."""

from __future__ import annotations

import asyncio
from http.cookies import CookieError, SimpleCookie

import reflex as rx
from reflex.state import OnLoadInternalState

from onlyjobless.domain.errors import ServiceError, Unavailable
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


# While the session cannot be checked (the database is down), a private page tries again after
# these many seconds (growing to the last, then staying there), for at most RETRY_FOR seconds.
RETRY_DELAYS = (2.0, 3.0, 5.0)
RETRY_FOR = 15 * 60.0


async def checked_identity(token: str | None) -> Identity | None:
    """The user behind a session token; None when there is no valid session.

    Raises Unavailable when the session cannot be checked now (the database is down): that is
    not "signed out", and the caller must not send the user to the login page for it.
    """
    if not token:
        return None
    try:
        return await hub.get_services().accounts.user_for_session(token)
    except Unavailable:
        raise
    except ServiceError:
        return None


async def identity_for(token: str | None) -> Identity | None:
    """The user behind a session token, or None (also when it cannot be checked now)."""
    try:
        return await checked_identity(token)
    except Unavailable:
        return None


async def acting_user(state: rx.State) -> Identity | None:
    """The user of an action on a private page, re-checked; None: signed out (off to the login page).

    Raises Unavailable when the session cannot be checked now: the page shows that error in place
    and keeps what was typed, the user stays where they are.
    """
    return await checked_identity(cookie_token(state))


async def identity_of(state: rx.State) -> Identity | None:
    """Re-check the session cookie for a sensitive action: revocations bite at once."""
    return await identity_for(cookie_token(state))


class SessionState(rx.State):
    """The signed-in user as the page shows them; identity itself never leaves the server."""

    username: rx.Field[str] = rx.field("")
    authenticated: rx.Field[bool] = rx.field(False)
    # The session could not be checked (the database is down): the page waits and tries again.
    unavailable: rx.Field[bool] = rx.field(False)

    async def check(self) -> Identity | None:
        """The one session check of a private page's load: sign in (and speak their language) or out.

        None with `unavailable` set: it could not be checked now (see `sidebar.not_signed_in`).
        """
        language = await self.get_state(LanguageState)
        try:
            who = await checked_identity(cookie_token(self))
        except Unavailable:
            self.sign_out()
            self.unavailable = True
            language.guess()  # the language cookie: the user's own, set when they signed in
            return None
        self.unavailable = False
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

    @rx.event(background=True, supersedes=True)
    async def wait_for_service(self):
        """Check the session again, with growing pauses, until it can be checked; then load the page
        as it was asked for (its on_load handlers run again), or go to the login page if signed out."""
        path = self.router.url.path
        waited, attempt = 0.0, 0
        while waited < RETRY_FOR:
            pause = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
            await asyncio.sleep(pause)
            waited, attempt = waited + pause, attempt + 1
            try:
                who = await checked_identity(cookie_token(self))
            except Unavailable:
                continue
            async with self:
                if not self.unavailable or self.router.url.path != path:
                    return None  # the tab has moved on
                self.unavailable = False
            if who is None:
                return rx.redirect(routes.LOGIN, replace=True)
            return OnLoadInternalState.on_load_internal
        return None

    @rx.event
    async def skip_if_signed_in(self):
        """On load of the login and register pages."""
        (await self.get_state(LanguageState)).guess()
        if await identity_of(self) is not None:
            return rx.redirect(routes.HOME, replace=True)
        self.sign_out()
        return None

    @rx.event
    def logout(self):
        """Forget the user here; the cookie route revokes the session and drops the cookie."""
        self.sign_out()
        return bridge.end_session()
