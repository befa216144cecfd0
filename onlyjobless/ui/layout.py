"""The signed-in shell: a sidebar (collapsing behind a menu button on narrow screens) and content."""

from __future__ import annotations

import reflex as rx

from onlyjobless.ui import bridge, routes
from onlyjobless.ui.components import confirm_dialog, error_callout, loading, tr
from onlyjobless.ui.language import LanguageState
from onlyjobless.ui.session import SessionState
from onlyjobless.ui.sidebar import ChatItem, SidebarState

# Loads the next page of chats when the "load more" button scrolls into view.
CHAT_LIST_SCRIPT = "/js/chat-list.js"
CONTENT_WIDTH = "1100px"


def _chat_line(chat: ChatItem) -> rx.Component:
    href = "/chat/" + chat.id
    is_open = SidebarState.router.url.path == href
    status = LanguageState.t["chat.status." + chat.status].to(str)
    return rx.fragment(
        rx.cond(
            chat.day != "",
            rx.text(
                chat.day,
                size="1",
                weight="bold",
                color="var(--gray-11)",
                padding="0.6em 0.6em 0.1em",
                data_testid="chat-day",
            ),
        ),
        rx.link(
            rx.box(
                rx.hstack(
                    rx.text(chat.title, size="2", weight="medium", trim="both", color="var(--gray-12)"),
                    rx.cond(
                        chat.stale,
                        rx.icon(
                            "clock_alert",
                            size=14,
                            color="var(--amber-11)",
                            role="img",
                            aria_label=tr("nav.stale"),
                        ),
                    ),
                    spacing="1",
                    align="center",
                ),
                rx.text(
                    chat.time + " · " + status + rx.cond(chat.score != "", " · " + chat.score, ""),
                    size="1",
                    color="var(--gray-11)",
                    data_testid="chat-meta",
                ),
                padding="0.4em 0.6em",
                border_radius="8px",
                background=rx.cond(is_open, "var(--accent-a4)", "transparent"),
                _hover={"background": rx.cond(is_open, "var(--accent-a5)", "var(--gray-a4)")},
            ),
            href=href,
            underline="none",
            color_scheme="gray",
            high_contrast=True,
            # Reflex's links turn a light accent on hover: the title stays readable instead.
            _hover={"color": "var(--gray-12)"},
            width="100%",
            data_testid="chat-link",
        ),
    )


def _chat_list() -> rx.Component:
    return rx.scroll_area(
        rx.vstack(
            rx.foreach(SidebarState.chats, _chat_line),
            rx.cond(
                SidebarState.sidebar_error != "",
                rx.vstack(
                    error_callout(SidebarState.sidebar_error, test_id="sidebar-error"),
                    rx.button(
                        tr("nav.retry"),
                        variant="soft",
                        size="1",
                        on_click=SidebarState.refresh,
                        loading=SidebarState.loading_chats,
                        data_testid="sidebar-retry",
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.cond(
                    SidebarState.chats.length() == 0,
                    rx.text(tr("nav.no_chats"), size="2", color_scheme="gray", data_testid="no-chats"),
                ),
            ),
            rx.cond(
                SidebarState.has_more,
                rx.button(
                    tr("nav.load_more"),
                    id="chats-more",
                    variant="ghost",
                    size="1",
                    on_click=SidebarState.load_more,
                    loading=SidebarState.loading_chats,
                ),
            ),
            spacing="1",
            width="100%",
        ),
        type="auto",
        scrollbars="vertical",
        style={"flex": "1", "min_height": "0"},
    )


def _clear_history() -> rx.Component:
    return confirm_dialog(
        rx.button(
            rx.icon("trash_2", size=16, aria_hidden="true"),
            tr("nav.clear"),
            variant="ghost",
            color_scheme="red",
            size="2",
            data_testid="clear-history",
        ),
        tr("nav.clear"),
        tr("nav.clear_confirm"),
        rx.button(tr("nav.cancel"), variant="soft", color_scheme="gray"),
        rx.button(
            tr("nav.clear_do"),
            color_scheme="red",
            on_click=SidebarState.clear_history,
            data_testid="confirm-clear",
        ),
    )


def _nav() -> rx.Component:
    return rx.vstack(
        # Not a heading: the page has the one h1 (Radix renders any `as` but h1-h6 as an h1).
        rx.text(tr("app.name"), size="5", weight="bold", as_="p"),
        rx.text(
            LanguageState.t["nav.signed_in_as"].to(str).replace("{name}", SessionState.username),
            size="2",
            color_scheme="gray",
            data_testid="signed-in-as",
        ),
        # One control, one Tab stop: a link drawn as a button (Radix's asChild), not a button in a link.
        rx.button(
            rx.link(
                rx.icon("plus", aria_hidden="true"),
                tr("nav.new_interview"),
                href=routes.HOME,
                underline="none",
                data_testid="new-interview",
            ),
            as_child=True,
            width="100%",
        ),
        rx.cond(
            SidebarState.quota_known,
            rx.text(
                tr("nav.left_today")
                + ": "
                + SidebarState.remaining.to(str)
                + " / "
                + SidebarState.limit.to(str),
                size="2",
                data_testid="remaining",
            ),
        ),
        rx.link(
            rx.hstack(rx.icon("chart_line", size=16, aria_hidden="true"), tr("nav.progress"), align="center"),
            href=routes.PROGRESS,
            data_testid="nav-progress",
        ),
        rx.text(tr("nav.chats"), size="2", weight="bold", margin_top="0.5em"),
        _chat_list(),
        _clear_history(),
        rx.hstack(
            rx.color_mode.button(size="2", variant="ghost", aria_label=tr("nav.theme")),
            rx.text(tr("nav.theme"), size="2"),
            align="center",
        ),
        rx.link(
            rx.hstack(rx.icon("settings", size=16, aria_hidden="true"), tr("nav.settings"), align="center"),
            href=routes.SETTINGS,
            data_testid="nav-settings",
        ),
        rx.button(
            rx.icon("log_out", size=16, aria_hidden="true"),
            tr("nav.logout"),
            variant="soft",
            color_scheme="gray",
            on_click=SessionState.logout,
            data_testid="logout",
            width="100%",
        ),
        height="100%",
        spacing="3",
        padding="1em",
        width="100%",
    )


def _sidebar() -> rx.Component:
    return rx.box(
        _nav(),
        display=["none", "none", "flex"],
        width="280px",
        min_width="280px",
        height="100vh",
        position="sticky",
        top="0",
        border_right="1px solid var(--gray-a5)",
        background="var(--gray-a2)",
    )


def _mobile_bar() -> rx.Component:
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(
                    rx.icon("menu", aria_hidden="true"),
                    variant="ghost",
                    aria_label=tr("nav.menu"),
                    data_testid="menu",
                )
            ),
            rx.drawer.overlay(),
            rx.drawer.portal(
                rx.drawer.content(
                    _nav(),
                    aria_label=tr("nav.menu"),  # a dialog needs a name (axe)
                    width="280px",
                    height="100%",
                    background="var(--color-panel-solid)",
                )
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
        padding="0.75em",
        border_bottom="1px solid var(--gray-a5)",
    )


def _waiting_for_service() -> rx.Component:
    """The session could not be checked (the database is down): the page says so and tries again."""
    return rx.center(
        rx.vstack(
            rx.spinner(size="3"),
            rx.callout(
                tr("auth.unavailable_retrying"),
                icon="cloud_off",
                color_scheme="amber",
                role="status",
                data_testid="service-unavailable",
            ),
            # The page tries by itself for a while (session.RETRY_FOR); after that, on a click.
            rx.button(
                tr("nav.retry"),
                variant="soft",
                size="1",
                on_click=SessionState.wait_for_service,
                data_testid="service-retry",
            ),
            align="center",
            spacing="3",
        ),
        height="100vh",
        padding="1em",
    )


def shell(*content: rx.Component) -> rx.Component:
    """A private page: nothing but a spinner until the session check has passed."""
    return rx.fragment(
        rx.cond(
            SessionState.authenticated,
            rx.flex(
                _sidebar(),
                rx.box(
                    _mobile_bar(),
                    # The content column: centred, and wider on wide screens.
                    rx.box(*content, padding="1.5em", max_width=CONTENT_WIDTH, margin_x="auto", width="100%"),
                    flex="1",
                    min_width="0",
                ),
                width="100%",
            ),
            rx.cond(SessionState.unavailable, _waiting_for_service(), loading()),
        ),
        bridge.session_element(),
        rx.script(src=CHAT_LIST_SCRIPT),
    )
