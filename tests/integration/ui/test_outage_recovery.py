"""The pages during an outage and after it, driven as a tab drives them: every wait ends in a result
or a translated error, and the same tab works again once the part is back, without a reload.

Faults are real: the SQL database is a PostgreSQL database of the test's own that refuses
connections; the chat store is the MongoDB wire server, stopped and started again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from onlyjobless import i18n
from onlyjobless.services.hub import Services, build_services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.storage.db import get_engine
from onlyjobless.ui import bridge, routes
from onlyjobless.ui.pages.auth import AuthFormState
from onlyjobless.ui.sidebar import SidebarState
from tests.support.databases import PostgresOutage
from tests.support.mongo_server import MongoServer
from tests.support.reflex_tab import app_tab
from tests.support.ui_scenarios import PASSWORD, user_of

CREDENTIALS = {"username": "alice", "password": PASSWORD}


@pytest.fixture
def outage() -> Iterator[PostgresOutage]:
    database = PostgresOutage()
    yield database
    database.up()
    database.close()


@pytest.fixture
def engine(outage: PostgresOutage) -> Engine:
    return get_engine(outage.url)


async def test_login_during_a_database_outage_shows_the_error_and_works_once_it_is_back(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await services.accounts.register("alice", PASSWORD, "en")
    async with app_tab(services, monkeypatch) as tab:
        await tab.load(routes.LOGIN)
        outage.down()

        await (await tab.send(AuthFormState.login, form=CREDENTIALS)).wait_all()
        form = await tab.state(AuthFormState)
        assert form.error == i18n.error_message("service_unavailable", "en")
        assert not form.busy  # the button is free again, not stuck on "One moment…"
        assert tab.sent.values(bridge.SESSION_ID) == []

        outage.up()  # the same tab, no reload
        await (await tab.send(AuthFormState.login, form=CREDENTIALS)).wait_all()
        assert (await tab.state(AuthFormState)).error == ""  # busy until the page moves home
        [ticket] = tab.sent.values(bridge.SESSION_ID)
        assert (await services.accounts.redeem_ticket(ticket)).refresh_token


async def test_registering_during_an_outage_shows_the_error_and_frees_the_button(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await tab.load(routes.REGISTER)
        outage.down()
        form = {**CREDENTIALS, "preferred_language": "ru"}
        await (await tab.send(AuthFormState.register, form=form)).wait_all()
        state = await tab.state(AuthFormState)
        assert state.error == i18n.error_message("service_unavailable", "en") and not state.busy
        outage.up()
        await (await tab.send(AuthFormState.register, form=form)).wait_all()
        assert (await tab.state(AuthFormState)).error == ""
        assert len(tab.sent.values(bridge.SESSION_ID)) == 1


async def test_an_unexpected_failure_frees_the_button_too(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services.accounts, "login_ticket", broken)
    async with app_tab(services, monkeypatch) as tab:
        await tab.load(routes.LOGIN)
        await (await tab.send(AuthFormState.login, form=CREDENTIALS)).wait_all()
        state = await tab.state(AuthFormState)
        assert state.error == i18n.error_message("internal", "en") and not state.busy


@pytest.fixture
async def mongo_services(settings: Settings, own_mongo_server: MongoServer) -> AsyncIterator[Services]:
    chats_on_mongo = settings.model_copy(
        update={"mongodb_url": SecretStr(own_mongo_server.url), "mongodb_db": "outage"}
    )
    services = build_services(chats_on_mongo)
    yield services
    store = services.interviews.store
    assert isinstance(store, MongoChatStore)
    store._database.client.close()


async def test_the_sidebar_shows_the_chat_store_error_and_recovers(
    mongo_services: Services, own_mongo_server: MongoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = mongo_services
    async with app_tab(services, monkeypatch) as tab:
        user = await services.accounts.register("alice", PASSWORD, "en")
        pair = await services.accounts.redeem_ticket(await services.accounts.ticket_for_user(user.id))
        tab.sign_in(pair.refresh_token)
        view = await services.interviews.start(await user_of(tab, services), "devops", "en")

        own_mongo_server.stop()
        await tab.load(routes.HOME)
        bar = await tab.state(SidebarState)
        # Not "No interviews yet" and "0 / 0": the store's error, and the quota the SQL database knows.
        assert bar.sidebar_error == i18n.error_message("chat_store_down", "en")
        assert bar.chats == [] and not bar.loading_chats
        assert bar.quota_known and (bar.remaining, bar.limit) == (2, 3)

        own_mongo_server.start()  # the same tab: the sidebar's "Try again"
        await (await tab.send(SidebarState.refresh)).wait_all()
        bar = await tab.state(SidebarState)
        assert bar.sidebar_error == ""
        assert [chat.id for chat in bar.chats] == [view.chat.id]


async def test_the_sidebar_does_not_show_a_quota_it_could_not_read(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        user = await services.accounts.register("alice", PASSWORD, "en")
        bar = await tab.state(SidebarState)
        outage.down()
        await bar.fill(user.id)
        assert not bar.quota_known and bar.chats == []
        assert i18n.error_message("service_unavailable", "en") in bar.sidebar_error
        outage.up()
        await bar.fill(user.id)
        assert bar.quota_known and bar.sidebar_error == "" and (bar.remaining, bar.limit) == (3, 3)
