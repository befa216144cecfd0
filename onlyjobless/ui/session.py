"""The base state: interface language and the signed-in user, taken from the HttpOnly cookie."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services.accounts import Identity
from onlyjobless.services.hub import get_services
from onlyjobless.settings import SESSION_COOKIE
from onlyjobless.ui import bridge, routes

LANGUAGE_COOKIE = "oj_lang"


class SessionState(rx.State):
    """Who is signed in (server-side only) and what the interface shows them."""

    lang: rx.Field[str] = rx.field(i18n.DEFAULT_LANGUAGE)
    lang_cookie: str = rx.Cookie("", name=LANGUAGE_COOKIE, max_age=365 * 86400, same_site="lax")
    username: rx.Field[str] = rx.field("")
    authenticated: rx.Field[bool] = rx.field(False)
    _user_id: str = ""
    _session_id: str = ""

    @rx.var
    def t(self) -> dict[str, str]:
        """Every interface string in the current language."""
        return i18n.strings(self.lang)

    @rx.var
    def languages(self) -> list[list[str]]:
        """[code, own name] of every supported language, for pickers."""
        return [[code, name] for code, name in i18n.languages().items()]

    def _cookie_token(self) -> str | None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.router.headers.cookie or "")
        except CookieError:
            return None
        morsel = jar.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    async def _identity(self) -> Identity | None:
        """Re-check the session cookie on every sensitive action: revocations bite at once."""
        token = self._cookie_token()
        if not token:
            return None
        try:
            return await get_services().accounts.user_for_session(token)
        except ServiceError:
            return None

    def _sign_in(self, who: Identity) -> None:
        self._user_id = str(who.user.id)
        self._session_id = str(who.session_id)
        self.username = who.user.username
        self.authenticated = True
        self._set_language(who.user.preferred_language)

    def _sign_out(self) -> None:
        self._user_id = self._session_id = self.username = ""
        self.authenticated = False

    def _guess_language(self) -> None:
        chosen = self.lang_cookie or i18n.pick_language(self.router.headers.accept_language)
        self.lang = i18n.resolve(chosen)

    def _set_language(self, language: str) -> None:
        """Switch the interface language (remembered in a plain preference cookie)."""
        self.lang = i18n.resolve(language)
        self.lang_cookie = self.lang

    @rx.event
    def pick_language(self, language: str) -> None:
        """Language picker on the public pages."""
        self._set_language(language)

    @rx.event
    async def require_login(self):  # type: ignore[no-untyped-def]
        """On load of a private page: no valid session, no data, straight to the login page."""
        who = await self._identity()
        if who is None:
            self._sign_out()
            self._guess_language()
            return rx.redirect(routes.LOGIN, replace=True)
        self._sign_in(who)
        return None

    @rx.event
    async def skip_if_signed_in(self):  # type: ignore[no-untyped-def]
        """On load of the login and register pages."""
        self._guess_language()
        who = await self._identity()
        if who is not None:
            return rx.redirect(routes.HOME, replace=True)
        self._sign_out()
        return None

    @rx.event
    def logout(self):  # type: ignore[no-untyped-def]
        """Forget the user here; the cookie route revokes the session and drops the cookie."""
        self._sign_out()
        return bridge.end_session()
