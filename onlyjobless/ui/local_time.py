"""Times in the browser's own zone: assets/js/bridge.js puts the zone Intl reports in a cookie.

The cookie is set in the head of every page, before the websocket opens, so the zone travels
with the websocket's headers like the session cookie does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx

from onlyjobless.domain.clock import as_utc, utcnow

ZONE_COOKIE = "oj_tz"
UTC_ZONE = ZoneInfo("UTC")


def zone_named(name: str | None) -> ZoneInfo:
    """The zone of this IANA name, or UTC for none or an unknown one."""
    if not name or len(name) > 64:
        return UTC_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def zone_in(cookie_header: str) -> ZoneInfo:
    """The zone named by the cookie in a Cookie header (URI-encoded by the page: "Asia%2FTokyo")."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return UTC_ZONE
    morsel = jar.get(ZONE_COOKIE)
    return zone_named(unquote(morsel.value) if morsel else None)


def zone_of(state: rx.State) -> ZoneInfo:
    """The browser's zone, from the cookie in this tab's websocket headers."""
    return zone_in(state.router.headers.cookie or "")


def day_key(moment: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """ "today", "yesterday", or the local date (ISO) of an earlier day."""
    local = as_utc(moment).astimezone(zone).date()
    today = as_utc(now or utcnow()).astimezone(zone).date()
    if local == today:
        return "today"
    if local == today - timedelta(days=1):
        return "yesterday"
    return local.isoformat()


def day_text(key: str, t: dict[str, str]) -> str:
    """A day heading: "Today", "Yesterday", or the date as the language writes it."""
    if key in ("today", "yesterday"):
        return t[f"nav.{key}"]
    return date.fromisoformat(key).strftime(t.get("date.format", "%Y-%m-%d"))


def clock_text(moment: datetime, zone: ZoneInfo) -> str:
    """The local time of day, 24-hour."""
    return as_utc(moment).astimezone(zone).strftime("%H:%M")
