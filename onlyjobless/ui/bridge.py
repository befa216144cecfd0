"""Calls from the backend into the page without eval, so the CSP needs no 'unsafe-eval'.

Reflex runs the code of `rx.call_script` (and of `rx.call_function` sent from the backend)
with `eval`, which a content security policy allows only with 'unsafe-eval'. Instead,
assets/js/bridge.js, loaded in the head of every page, defines custom elements whose `value`
setter does one fixed job; the backend hands them data with `rx.set_value`, which only
assigns that property on the element registered under the id. No code travels.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from reflex_components_core.el.elements.typography import Div

from onlyjobless.ui import routes

SCRIPT_URL = "/js/bridge.js"
SESSION_ID = "oj-session"
LIVE_FEED_ID = "oj-live-feed"


class _SessionElement(Div):
    """<oj-session>: a ticket opens the cookie session, an empty value ends it."""

    tag = "oj-session"


class _LiveFeedElement(Div):
    """<oj-live-feed>: text is appended to #oj-live, null voids what is shown."""

    tag = "oj-live-feed"


class _StreamedElement(Div):
    """<oj-streamed data-id=…>: shows the text the running line was streamed for that message."""

    tag = "oj-streamed"


def streamed_text(message_id: object) -> rx.Component:
    """A finished message's text as the page received it while streaming: not sent twice."""
    return _StreamedElement.create(data_id=message_id, style={"white_space": "pre-wrap", "display": "block"})


def script() -> rx.Component:
    """The script tag for the page head (it must run before the elements are used)."""
    return rx.el.script(src=SCRIPT_URL)


def session_element() -> rx.Component:
    return _SessionElement.create(id=SESSION_ID, hidden=True, data_home=routes.HOME, data_login=routes.LOGIN)


def live_feed_element() -> rx.Component:
    return _LiveFeedElement.create(id=LIVE_FEED_ID, hidden=True)


def open_session(ticket: str) -> EventSpec:
    """Trade a one-time ticket for the HttpOnly cookie, then go home (or to login if refused)."""
    return rx.set_value(SESSION_ID, ticket)


def end_session() -> EventSpec:
    """Revoke the session and drop its cookie, then go to the login page."""
    return rx.set_value(SESSION_ID, "")


def live_append(chunk: str) -> EventSpec:
    return rx.set_value(LIVE_FEED_ID, chunk)


def live_reset() -> EventSpec:
    return rx.set_value(LIVE_FEED_ID, None)
