"""The interface language: a leaf state holding the language and its strings (`t`)."""

from __future__ import annotations

import reflex as rx

from onlyjobless import i18n

LANGUAGE_COOKIE = "oj_lang"


class LanguageState(rx.State):
    """The language the interface speaks, remembered in a plain preference cookie."""

    lang: rx.Field[str] = rx.field(i18n.DEFAULT_LANGUAGE)
    lang_cookie: str = rx.Cookie("", name=LANGUAGE_COOKIE, max_age=365 * 86400, same_site="lax")

    @rx.var
    def t(self) -> dict[str, str]:
        """Every interface string in the current language."""
        return i18n.strings(self.lang)

    def use(self, language: object) -> None:
        """Speak this language (a supported one, or the default) from now on."""
        self.lang = i18n.resolve(language)
        self.lang_cookie = self.lang

    def guess(self) -> None:
        """For a visitor who is not signed in: the cookie's choice, else the browser's."""
        chosen = self.lang_cookie or i18n.pick_language(self.router.headers.accept_language)
        self.lang = i18n.resolve(chosen)

    @rx.event
    def pick(self, language: str) -> None:
        """The language picker on the public pages."""
        self.use(language)


async def language_of(state: rx.State) -> str:
    """The interface language, from any state's event handler."""
    return (await state.get_state(LanguageState)).lang
