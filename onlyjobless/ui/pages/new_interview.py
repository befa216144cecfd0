"""The new-interview screen: a job title with suggestions as you type, refusals with IT roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import InvalidInput, ServiceError
from onlyjobless.services import hub
from onlyjobless.ui import routes
from onlyjobless.ui.components import error_callout, tr
from onlyjobless.ui.language import language_of
from onlyjobless.ui.layout import shell
from onlyjobless.ui.session import acting_user
from onlyjobless.ui.sidebar import SidebarState, not_signed_in, open_private_page


@dataclass
class Role:
    """A role to offer: its catalogue title in the user's language."""

    slug: str
    title: str


class NewInterviewState(rx.State):
    """Suggestions, refusals and the daily limit, as display values."""

    suggestions: rx.Field[list[Role]] = rx.field(default_factory=list)
    refusal: rx.Field[str] = rx.field("")
    refusal_roles: rx.Field[list[Role]] = rx.field(default_factory=list)
    start_error: rx.Field[str] = rx.field("")
    starting: rx.Field[bool] = rx.field(False)

    @rx.event
    async def open(self):
        """On load: the session check, the sidebar and an empty form."""
        self.suggestions, self.refusal, self.refusal_roles, self.start_error = [], "", [], ""
        self.starting = False
        if await open_private_page(self) is None:
            return await not_signed_in(self)
        return None

    @rx.event
    async def suggest(self, text: str) -> None:
        """Catalogue matches for what has been typed so far."""
        typed = text if isinstance(text, str) else ""
        found = hub.get_services().catalogue.search(typed, await language_of(self), limit=6)
        self.suggestions = [Role(s.slug, s.title) for s in found]

    @rx.event
    async def start(self, form: dict[str, Any]):
        async for update in self._start(form.get("position")):
            yield update

    @rx.event
    async def start_role(self, title: str):
        """A suggested role's button."""
        async for update in self._start(title):
            yield update

    async def _start(self, position: object):
        # A double click (or Enter, then a click) queues a second start behind the first: it finds
        # the first one busy or done and starts nothing (the page's load frees the form again).
        if self.starting:
            return
        self.refusal, self.refusal_roles, self.start_error = "", [], ""
        language = await language_of(self)
        try:
            who = await acting_user(self)
        except ServiceError as exc:  # the session cannot be checked now: said here, the title kept
            self.start_error = i18n.error_message(exc, language)
            return
        if who is None:
            yield rx.redirect(routes.LOGIN, replace=True)
            return
        self.starting = True
        yield  # the button turns busy and the role buttons off while the questions are prepared
        try:
            view = await hub.get_services().interviews.start(
                who.user.id, position, who.user.preferred_language
            )
        except InvalidInput as exc:
            self.starting = False
            self.refusal = i18n.error_message(exc, language)
            self.refusal_roles = [Role(s["slug"], s["title"]) for s in exc.params.get("suggestions", [])]
            return
        except ServiceError as exc:  # over the limit, store down, no questions offline
            self.starting = False
            self.start_error = i18n.error_message(exc, language)
            await (await self.get_state(SidebarState)).fill(who.user.id)
            return
        yield rx.redirect(routes.chat(view.chat.id))


def _role_button(role: Role, test_id: str) -> rx.Component:
    return rx.button(
        role.title,
        variant="soft",
        on_click=NewInterviewState.start_role(role.title),  # type: ignore[operator]
        data_testid=test_id,
        disabled=NewInterviewState.starting,
    )


def _position_form() -> rx.Component:
    """The job title box (suggestions as you type) and the start button."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="position",
                id="position",
                placeholder=tr("new.placeholder"),
                max_length=200,
                required=True,
                auto_complete="off",
                on_change=NewInterviewState.suggest.debounce(250),  # type: ignore[attr-defined]
                aria_label=tr("new.placeholder"),
                data_testid="position",
                width="100%",
                size="3",
            ),
            rx.button(
                tr("new.start"),
                type="submit",
                size="3",
                loading=NewInterviewState.starting,
                disabled=SidebarState.limit_message != "",
                data_testid="start",
            ),
            width="100%",
        ),
        on_submit=NewInterviewState.start,
        reset_on_submit=False,
        width="100%",
    )


def _refusal() -> rx.Component:
    """Why a title was refused, with the closest IT roles to start instead."""
    return rx.cond(
        NewInterviewState.refusal != "",
        rx.callout.root(
            rx.callout.text(NewInterviewState.refusal),
            rx.flex(
                rx.foreach(NewInterviewState.refusal_roles, lambda r: _role_button(r, "refusal-role")),
                wrap="wrap",
                spacing="2",  # Radix's scale (a bare "gap" of 2 is no CSS length: the chips touched)
                margin_top="0.5em",
            ),
            color_scheme="orange",
            role="alert",
            data_testid="refusal",
        ),
    )


def new_interview_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(tr("new.title"), size="7", as_="h1"),
            rx.text(tr("new.lead"), color_scheme="gray"),
            _position_form(),
            rx.cond(
                NewInterviewState.suggestions.length() > 0,
                rx.flex(
                    rx.foreach(NewInterviewState.suggestions, lambda r: _role_button(r, "suggestion")),
                    wrap="wrap",
                    spacing="2",  # Radix's scale: a bare CSS gap of 2 is no length (the chips touched)
                ),
            ),
            _refusal(),
            error_callout(NewInterviewState.start_error, "start-error"),
            rx.cond(
                SidebarState.limit_message != "",
                rx.callout(
                    SidebarState.limit_message,
                    icon="clock",
                    color_scheme="amber",
                    data_testid="limit-reached",
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
