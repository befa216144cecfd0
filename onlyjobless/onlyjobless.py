"""The Reflex app: wires the pages together and mounts the REST API under /api."""

import reflex as rx

from onlyjobless.api.app import create_api
from onlyjobless.ui import routes
from onlyjobless.ui.auth import AuthFormState, login_page, register_page
from onlyjobless.ui.home import home_page
from onlyjobless.ui.session import SessionState
from onlyjobless.ui.settings_page import SettingsState, settings_page

app = rx.App(api_transformer=create_api())
public = [SessionState.skip_if_signed_in, AuthFormState.clear_error]
app.add_page(login_page, route=routes.LOGIN, title="OnlyJobless", on_load=public)
app.add_page(register_page, route=routes.REGISTER, title="OnlyJobless", on_load=public)
app.add_page(home_page, route=routes.HOME, title="OnlyJobless", on_load=SessionState.require_login)
app.add_page(
    settings_page,
    route=routes.SETTINGS,
    title="OnlyJobless",
    on_load=[SessionState.require_login, SettingsState.reset_messages],
)
