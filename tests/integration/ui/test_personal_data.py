"""The Settings card for the user's data, in-process: the download's file and the deletion."""

from __future__ import annotations

import base64
import json

from onlyjobless.services.hub import Services
from onlyjobless.ui.pages.personal_data import PersonalDataState
from onlyjobless.ui.session import SessionState
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import LONG_ANSWER, PASSWORD, user_of


async def test_download_sends_the_export_as_a_json_file(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER)
    await tab.load("/settings")

    await (await tab.send(PersonalDataState.download)).wait_all()

    downloads = [e.payload for e in tab.sent.events if e.name == "_download"]
    assert len(downloads) == 1 and str(downloads[0]["filename"]).startswith("onlyjobless-data-")
    prefix, _, encoded = str(downloads[0]["url"]).partition(",")
    assert prefix == "data:application/json;base64"
    exported = json.loads(base64.b64decode(encoded))
    assert exported["account"]["username"] == "alice" and exported["account"]["id"] == str(user_id)
    assert exported["exported_at"].endswith("+00:00") and "T" in exported["exported_at"]
    assert LONG_ANSWER in [m["content"] for m in exported["chats"][0]["messages"]]
    assert (await tab.state(PersonalDataState)).export_error == ""


async def test_delete_needs_the_password_then_signs_out(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    await services.interviews.start(user_id, "devops", "en")
    await tab.load("/settings")

    await (await tab.send(PersonalDataState.delete_account, form={"password": "wrong"})).wait_all()
    state = await tab.state(PersonalDataState)
    assert "password" in state.delete_error
    assert (await services.accounts.get_user(user_id)).username == "alice"

    await (await tab.send(PersonalDataState.delete_account, form={"password": PASSWORD})).wait_all()
    assert (await tab.state(PersonalDataState)).delete_error == ""
    assert not (await tab.state(SessionState)).authenticated
    assert tab.sent.values("oj-session") == [""]  # the bridge drops the cookie and goes to login
    assert (await services.interviews.store.list_chats(str(user_id))).items == []
    await services.accounts.register("alice", PASSWORD, "en")  # the name is free


async def test_a_signed_out_tab_is_sent_to_login(tab: Tab, services: Services) -> None:
    await tab.load("/settings")
    await services.accounts.logout(tab.cookie.partition("=")[2])

    await (await tab.send(PersonalDataState.download)).wait_all()
    await (await tab.send(PersonalDataState.delete_account, form={"password": PASSWORD})).wait_all()

    assert tab.sent.redirects() == ["/login", "/login"]
    assert not [e for e in tab.sent.events if e.name == "_download"]
