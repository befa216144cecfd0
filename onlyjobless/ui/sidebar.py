"""The sidebar's list of chats (paged, newest first), interviews left today and clearing history."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError, Unavailable
from onlyjobless.services import hub
from onlyjobless.services.accounts import Identity
from onlyjobless.services.interviews import ChatLine
from onlyjobless.ui import routes
from onlyjobless.ui.language import language_of
from onlyjobless.ui.local_time import UTC_ZONE, clock_text, day_key, day_text, zone_of
from onlyjobless.ui.session import SessionState, checked_identity, cookie_token

PAGE_SIZE = 20


@dataclass
class ChatItem:
    """One sidebar line, ready to show; `day` heads the first line of each day."""

    id: str
    title: str
    time: str  # local time of day, in the browser's zone
    status: str  # the code: the page translates it in the language it speaks now
    stale: bool
    score: str
    day_key: str  # "today", "yesterday" or a local ISO date
    day: str = ""  # the heading over this line: set on the first line of its day


def chat_item(line: ChatLine, t: dict[str, str], zone: ZoneInfo = UTC_ZONE) -> ChatItem:
    return ChatItem(
        id=line.id,
        title=line.title,
        time=clock_text(line.created_at, zone),
        status=str(line.status),
        stale=line.stale,
        score="" if line.overall_score is None else i18n.score_text(line.overall_score, t),
        day_key=day_key(line.created_at, zone),
    )


def grouped(items: list[ChatItem], t: dict[str, str]) -> list[ChatItem]:
    """The lines with a day heading on the first of each day (Today, Yesterday, a date)."""
    shown: list[ChatItem] = []
    previous = None
    for item in items:
        heading = day_text(item.day_key, t) if item.day_key != previous else ""
        shown.append(dataclasses.replace(item, day=heading))
        previous = item.day_key
    return shown


class SidebarState(rx.State):
    """The user's chats and today's quota as display values."""

    chats: rx.Field[list[ChatItem]] = rx.field(default_factory=list)
    has_more: rx.Field[bool] = rx.field(False)
    loading_chats: rx.Field[bool] = rx.field(False)
    remaining: rx.Field[int] = rx.field(0)
    limit: rx.Field[int] = rx.field(0)
    quota_known: rx.Field[bool] = rx.field(False)
    sidebar_error: rx.Field[str] = rx.field("")
    limit_message: rx.Field[str] = rx.field("")
    _cursor: str | None = None

    async def _page(self, user_id: uuid.UUID, cursor: str | None, language: str) -> list[ChatItem]:
        page = await hub.get_services().interviews.list_chats(user_id, limit=PAGE_SIZE, cursor=cursor)
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None
        t, zone = i18n.strings(language), zone_of(self)
        return [chat_item(line, t, zone) for line in page.items]

    async def _refresh_quota(self, user_id: uuid.UUID, language: str) -> None:
        quota = await hub.get_services().interviews.quota.status(user_id)
        self.remaining, self.limit, self.quota_known = quota.remaining, quota.limit, True
        self.limit_message = (
            ""
            if quota.remaining
            else i18n.translate(
                "new.limit_reached", language, time=quota.resets_at.strftime("%Y-%m-%d %H:%M UTC")
            )
        )

    async def fill(self, user_id: uuid.UUID) -> None:
        """The first page and today's quota, for a user whose session was just checked.

        Each is asked for on its own (the chats may be in a store that is down while the quota's
        database answers); what could not be read is shown as an error, not as "none".
        """
        language = await language_of(self)
        self.loading_chats = True
        errors: list[str] = []
        try:
            self.chats = grouped(await self._page(user_id, None, language), i18n.strings(language))
        except ServiceError as exc:
            self.chats, self.has_more, self._cursor = [], False, None
            errors.append(i18n.error_message(exc, language))
        try:
            await self._refresh_quota(user_id, language)
        except ServiceError as exc:
            self.quota_known = False
            errors.append(i18n.error_message(exc, language))
        self.sidebar_error = " ".join(dict.fromkeys(errors))
        self.loading_chats = False

    async def _who(self) -> Identity | EventSpec | None:
        """The user of a sidebar action; else the way to the login page, or (None) the error shown
        when the session cannot be checked now: the database is down, the user is not signed out."""
        try:
            who = await checked_identity(cookie_token(self))
        except Unavailable as exc:
            self.sidebar_error = i18n.error_message(exc, await language_of(self))
            self.loading_chats = False
            return None
        return who if who is not None else rx.redirect(routes.LOGIN, replace=True)

    @rx.event
    async def refresh(self):
        """Again from the first page, after something changed the list or the quota."""
        who = await self._who()
        if not isinstance(who, Identity):
            return who
        await self.fill(who.user.id)
        return None

    @rx.event
    async def load_more(self):
        """The next page, when the list is scrolled to its end."""
        if not self.has_more or self.loading_chats:
            return None
        who = await self._who()
        if not isinstance(who, Identity):
            return who
        language = await language_of(self)
        self.loading_chats = True
        try:
            more = await self._page(who.user.id, self._cursor, language)
            self.chats = grouped(self.chats + more, i18n.strings(language))
        except ServiceError as exc:
            self.sidebar_error = i18n.error_message(exc, language)
        finally:
            self.loading_chats = False
        return None

    @rx.event
    async def clear_history(self):
        """Delete every chat of the user (after the dialog's confirmation)."""
        who = await self._who()
        if not isinstance(who, Identity):
            return who
        try:
            await hub.get_services().interviews.clear(who.user.id)
        except ServiceError as exc:
            self.sidebar_error = i18n.error_message(exc, await language_of(self))
            return None
        self.chats, self.has_more, self._cursor = [], False, None
        return rx.redirect(routes.HOME)


async def open_private_page(state: rx.State) -> Identity | None:
    """A private page's load: the one session check, then the sidebar. None: see `not_signed_in`."""
    who = await (await state.get_state(SessionState)).check()
    if who is not None:
        await (await state.get_state(SidebarState)).fill(who.user.id)
    return who


async def not_signed_in(state: rx.State):
    """Where a private page goes when its load found no user: the login page; or, when the session
    could not be checked now (the database is down), nowhere: the page says so and tries again."""
    if (await state.get_state(SessionState)).unavailable:
        return SessionState.wait_for_service
    return rx.redirect(routes.LOGIN, replace=True)
