"""The Reflex app: wires the pages together, mounts the REST API under /api, adds security headers."""

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import reflex as rx
from reflex.constants import Dirs
from reflex.utils import prerequisites
from starlette.types import ASGIApp

from onlyjobless.api.app import create_api
from onlyjobless.api.security import HeaderPolicy, SecurityHeaders
from onlyjobless.services.hub import get_services
from onlyjobless.settings import get_settings
from onlyjobless.ui import bridge, routes
from onlyjobless.ui.components import tr
from onlyjobless.ui.language import LanguageState
from onlyjobless.ui.pages.auth import AuthFormState, login_page, register_page
from onlyjobless.ui.pages.chat.page import chat_page
from onlyjobless.ui.pages.chat.state import ChatState
from onlyjobless.ui.pages.new_interview import NewInterviewState, new_interview_page
from onlyjobless.ui.pages.not_found import not_found_page
from onlyjobless.ui.pages.progress import ProgressState, progress_page
from onlyjobless.ui.pages.report.page import report_page
from onlyjobless.ui.pages.report.state import ReportState
from onlyjobless.ui.pages.settings import SettingsState, settings_page
from onlyjobless.ui.session import SessionState
from onlyjobless.ui.titles import page_title, translated


def built_pages() -> Path:
    """Where the production build's pages are, as Reflex serves them."""
    frontend_path = rx.config.get_config().frontend_path.strip("/")
    return prerequisites.get_web_dir() / Dirs.STATIC / frontend_path


class App(rx.App):
    """The Reflex app, wrapped whole in the security headers: outside it, only the server."""

    def __call__(self) -> ASGIApp:
        policy = HeaderPolicy.from_settings(
            get_settings(), public_url=rx.config.get_config().api_url, pages=built_pages()
        )
        return SecurityHeaders(super().__call__(), policy)


app = App(
    api_transformer=create_api(),
    stylesheets=["/app.css"],  # assets/app.css: the visible keyboard focus
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        bridge.script(),
    ],
)


@asynccontextmanager
async def bank_schedule() -> AsyncIterator[None]:
    """Each worker runs the scheduler; the database claim makes every slot run once."""
    services = get_services()
    if services.settings.scheduler_enabled:
        services.schedule.start()
    try:
        yield
    finally:
        services.schedule.stop()


app.register_lifespan_task(bank_schedule)


@asynccontextmanager
async def prepare_stores() -> AsyncIterator[None]:
    """The chat store's indexes at start, in the background: a store that is down does not hold
    the start up (its indexes are made on first use instead)."""
    task = asyncio.create_task(get_services().prepare())
    try:
        yield
    finally:
        task.cancel()


app.register_lifespan_task(prepare_stores)


@asynccontextmanager
async def warm_models() -> AsyncIterator[None]:
    """Embed the guard's examples and the roles' meanings in a worker thread while the app starts
    serving; until they are ready, answers and refused titles are judged without them."""
    threading.Thread(target=get_services().warm_up, name="warm-up", daemon=True).start()
    yield


app.register_lifespan_task(warm_models)
public = [SessionState.skip_if_signed_in, AuthFormState.clear_error]
app.add_page(login_page, route=routes.LOGIN, title=translated("auth.login.title"), on_load=public)
app.add_page(register_page, route=routes.REGISTER, title=translated("auth.register.title"), on_load=public)
# A private page's one on_load handler checks the session once, then fills the sidebar and the page.
app.add_page(
    new_interview_page,
    route=routes.HOME,
    title=translated("nav.new_interview"),
    on_load=NewInterviewState.open,
)
app.add_page(chat_page, route=routes.CHAT, title=page_title(ChatState.title), on_load=ChatState.open)
app.add_page(
    report_page,
    route=routes.REPORT,
    title=page_title(tr("report.title") + rx.cond(ReportState.title != "", ": " + ReportState.title, "")),
    on_load=ReportState.open,
)
app.add_page(
    progress_page, route=routes.PROGRESS, title=translated("nav.progress"), on_load=ProgressState.open
)
app.add_page(
    settings_page, route=routes.SETTINGS, title=translated("nav.settings"), on_load=SettingsState.open
)
# Reflex's route for any address without a page: ours speaks the visitor's language.
app.add_page(not_found_page, route="404", title=translated("not_found.title"), on_load=LanguageState.guess)
