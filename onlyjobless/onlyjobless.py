"""The Reflex app: wires the pages together and mounts the REST API under /api."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import reflex as rx

from onlyjobless.api.app import create_api
from onlyjobless.services.hub import get_services
from onlyjobless.ui import routes
from onlyjobless.ui.pages.auth import AuthFormState, login_page, register_page
from onlyjobless.ui.pages.chat.page import chat_page
from onlyjobless.ui.pages.chat.state import ChatState
from onlyjobless.ui.pages.new_interview import NewInterviewState, new_interview_page
from onlyjobless.ui.pages.settings import SettingsState, settings_page
from onlyjobless.ui.session import SessionState

app = rx.App(
    api_transformer=create_api(),
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
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
public = [SessionState.skip_if_signed_in, AuthFormState.clear_error]
app.add_page(login_page, route=routes.LOGIN, title="OnlyJobless", on_load=public)
app.add_page(register_page, route=routes.REGISTER, title="OnlyJobless", on_load=public)
# A private page's one on_load handler checks the session once, then fills the sidebar and the page.
app.add_page(new_interview_page, route=routes.HOME, title="OnlyJobless", on_load=NewInterviewState.open)
app.add_page(chat_page, route=routes.CHAT, title="OnlyJobless", on_load=ChatState.open)
app.add_page(settings_page, route=routes.SETTINGS, title="OnlyJobless", on_load=SettingsState.open)
