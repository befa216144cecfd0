"""The Settings card with the chat store unreachable: a translated error, no file, no deletion."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.storage.chats.mongo import MongoChatStore
from onlyjobless.ui.pages.personal_data import PersonalDataState
from tests.integration.api.test_personal_data_outage import UNREACHABLE
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import PASSWORD, user_of


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"mongodb_url": SecretStr(UNREACHABLE)})


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    yield services
    store = services.interviews.store
    assert isinstance(store, MongoChatStore)
    store._database.client.close()


async def test_download_and_delete_show_the_outage(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    await tab.load("/settings")

    await (await tab.send(PersonalDataState.download)).wait_all()
    assert (await tab.state(PersonalDataState)).export_error != ""
    assert not [e for e in tab.sent.events if e.name == "_download"]

    await (await tab.send(PersonalDataState.delete_account, form={"password": PASSWORD})).wait_all()
    assert (await tab.state(PersonalDataState)).delete_error != ""
    assert (await services.accounts.get_user(user_id)).username == "alice"
