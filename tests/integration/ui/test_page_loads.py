"""Loading a page: one session check, then the sidebar and the page's own values."""

from __future__ import annotations

import pytest

from onlyjobless.services.hub import Services
from onlyjobless.ui.language import LanguageState
from onlyjobless.ui.pages.chat.state import ChatState
from onlyjobless.ui.pages.new_interview import NewInterviewState
from onlyjobless.ui.pages.settings import SettingsState
from onlyjobless.ui.session import SessionState
from onlyjobless.ui.sidebar import SidebarState
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import Calls, user_of


@pytest.mark.parametrize("path", ["/", "/settings", "/chat/{chat}"])
async def test_a_private_page_checks_the_session_once(
    path: str, tab: Tab, services: Services, calls: Calls
) -> None:
    user_id = await user_of(tab, services)
    chat = await services.interviews.start(user_id, "python разработчик", "ru")
    calls.reset()

    await tab.load(path.format(chat=chat.chat.id))

    assert calls["user_for_session"] == 1
    session = await tab.state(SessionState)
    assert session.authenticated and session.username == "alice"
    sidebar = await tab.state(SidebarState)
    assert [item.id for item in sidebar.chats] == [chat.chat.id]
    assert (sidebar.remaining, sidebar.limit) == (2, 3)
    assert not tab.sent.redirects()


async def test_the_chat_page_shows_the_chat_as_it_was_left(
    tab: Tab, services: Services, calls: Calls
) -> None:
    user_id = await user_of(tab, services)
    started = await services.interviews.start(user_id, "devops", "en")
    await services.interviews.answer(user_id, started.chat.id, "A long enough answer about pipelines.")
    calls.reset()

    await tab.load(f"/chat/{started.chat.id}")

    page = await tab.state(ChatState)
    assert page.loaded and not page.not_found and page.shown_chat == started.chat.id
    assert [m.kind for m in page.messages] == ["greeting", "question", "answer", "question"]
    assert page.current_id == page.messages[-1].id
    assert (page.position, page.total, page.status) == (2, started.progress.total, "active")
    assert not any(m.reveal for m in page.messages)  # an old chat is not typed out again
    assert calls["view"] == 1


async def test_a_new_chat_is_typed_out_in_the_page(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    started = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{started.chat.id}")
    page = await tab.state(ChatState)
    assert [(m.kind, m.reveal) for m in page.messages] == [("greeting", True), ("question", True)]


async def test_another_users_chat_is_not_found(tab: Tab, services: Services) -> None:
    other = await services.accounts.register("mallory", "another long phrase", "en")
    theirs = await services.interviews.start(other.id, "devops", "en")
    await tab.load(f"/chat/{theirs.chat.id}")
    page = await tab.state(ChatState)
    assert page.not_found and page.messages == []


async def test_without_a_session_the_page_goes_to_login_and_loads_nothing(
    tab: Tab, services: Services, calls: Calls
) -> None:
    user_id = await user_of(tab, services)
    await services.interviews.start(user_id, "devops", "en")
    tab.cookie = ""
    calls.reset()
    await tab.load("/")
    assert tab.sent.redirects() == ["/login"]
    assert not (await tab.state(SessionState)).authenticated
    assert (await tab.state(SidebarState)).chats == []
    assert calls["user_for_session"] == 0  # no cookie, nothing to ask


async def test_the_interface_speaks_the_users_language(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    await services.accounts.update_profile(user_id, username=None, preferred_language="ru")
    await tab.load("/settings")
    language = await tab.state(LanguageState)
    assert language.lang == "ru" and language.t["settings.title"] == "Настройки"
    assert (await tab.state(SettingsState)).profile_error == ""


async def test_the_new_interview_page_starts_empty(tab: Tab) -> None:
    await tab.load("/")
    form = await tab.state(NewInterviewState)
    assert form.suggestions == [] and form.refusal == "" and not form.starting
