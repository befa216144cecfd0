"""The sidebar's list of chats (paged, newest first), interviews left today and clearing history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import reflex as rx

from onlyjobless import i18n
from onlyjobless.domain.errors import ServiceError
from onlyjobless.services.hub import get_services
from onlyjobless.ui import routes
from onlyjobless.ui.session import SessionState

PAGE_SIZE = 20


@dataclass
class ChatItem:
    """One sidebar line, ready to show."""

    id: str
    title: str
    date: str
    status: str
    stale: bool
    score: str


class SidebarState(SessionState):
    """The user's chats as display values; identity re-checked on every load."""

    chats: rx.Field[list[ChatItem]] = rx.field(default_factory=list)
    has_more: rx.Field[bool] = rx.field(False)
    loading_chats: rx.Field[bool] = rx.field(False)
    remaining: rx.Field[int] = rx.field(0)
    limit: rx.Field[int] = rx.field(0)
    sidebar_error: rx.Field[str] = rx.field("")
    limit_message: rx.Field[str] = rx.field("")
    _cursor: str | None = None

    async def _user(self) -> uuid.UUID | None:
        who = await self._identity()
        return who.user.id if who else None

    async def _page(self, user_id: uuid.UUID, cursor: str | None) -> list[ChatItem]:
        page = await get_services().interviews.list_chats(user_id, limit=PAGE_SIZE, cursor=cursor)
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None
        t = i18n.strings(self.lang)
        return [
            ChatItem(
                id=line.id,
                title=line.title,
                date=line.created_at.strftime("%Y-%m-%d %H:%M"),
                status=t.get(f"chat.status.{line.status}", str(line.status)),
                stale=line.stale,
                score="" if line.overall_score is None else f"{line.overall_score:g}/10",
            )
            for line in page.items
        ]

    async def _refresh_quota(self, user_id: uuid.UUID) -> None:
        quota = await get_services().interviews.quota.status(user_id)
        self.remaining, self.limit = quota.remaining, quota.limit
        self.limit_message = (
            ""
            if quota.remaining
            else i18n.translate(
                "new.limit_reached", self.lang, time=quota.resets_at.strftime("%Y-%m-%d %H:%M UTC")
            )
        )

    @rx.event
    async def load_chats(self):  # type: ignore[no-untyped-def]
        """First page and today's quota, on every private page load."""
        user_id = await self._user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        self.loading_chats = True
        try:
            self.chats = await self._page(user_id, None)
            await self._refresh_quota(user_id)
            self.sidebar_error = ""
        except ServiceError as exc:
            self.sidebar_error = i18n.error_message(exc, self.lang)
        finally:
            self.loading_chats = False
        return None

    @rx.event
    async def load_more(self):  # type: ignore[no-untyped-def]
        """The next page, when the list is scrolled to its end."""
        if not self.has_more or self.loading_chats:
            return None
        user_id = await self._user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        self.loading_chats = True
        try:
            self.chats = self.chats + await self._page(user_id, self._cursor)
        except ServiceError as exc:
            self.sidebar_error = i18n.error_message(exc, self.lang)
        finally:
            self.loading_chats = False
        return None

    @rx.event
    async def clear_history(self):  # type: ignore[no-untyped-def]
        """Delete every chat of the user (after the dialog's confirmation)."""
        user_id = await self._user()
        if user_id is None:
            return rx.redirect(routes.LOGIN, replace=True)
        try:
            await get_services().interviews.clear(user_id)
        except ServiceError as exc:
            self.sidebar_error = i18n.error_message(exc, self.lang)
            return None
        self.chats, self.has_more, self._cursor = [], False, None
        return rx.redirect(routes.HOME)
