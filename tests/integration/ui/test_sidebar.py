"""The sidebar: times in the browser's zone grouped by day, status and score after an evaluation,
and its lines in the new language once the user switches."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from onlyjobless.services.hub import Services
from onlyjobless.ui.local_time import ZONE_COOKIE, clock_text
from onlyjobless.ui.pages.chat.state import ChatState
from onlyjobless.ui.pages.settings import SettingsState
from onlyjobless.ui.sidebar import SidebarState
from tests.support.fake_ollama import FakeOllama
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import chat_waiting_for_evaluation, evaluation_reply, user_of


async def test_times_are_in_the_browsers_zone_under_a_day_heading(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    started = await services.interviews.start(user_id, "devops", "en")
    tab.cookie += f"; {ZONE_COOKIE}=Asia%2FTokyo"  # as assets/js/bridge.js sets it

    await tab.load("/")

    (line,) = (await tab.state(SidebarState)).chats
    assert line.time == clock_text(started.chat.created_at, ZoneInfo("Asia/Tokyo"))
    assert line.day in ("Today", "Yesterday")  # "Yesterday" only if Tokyo's midnight fell in between
    assert line.status == "active"


async def test_an_evaluation_updates_the_chats_line(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await chat_waiting_for_evaluation(services, user_id)
    fake_ollama.script(*evaluation_reply(view.progress.total, score=6))

    await tab.load(f"/chat/{view.chat.id}")  # the due evaluation runs by itself

    page = await tab.state(ChatState)
    assert page.status == "finished"
    # The chat keeps a compact card: the evaluation message carries the overall score for it.
    (card,) = [m for m in page.recent if m.kind == "evaluation"]
    assert card.score == "6/10" and card.accent == "violet"
    assert page.mistakes == len(page.report) == view.progress.total  # each 6/10 is flagged for review
    (line,) = (await tab.state(SidebarState)).chats
    assert (line.status, line.score) == ("finished", "6/10")


async def test_switching_language_redraws_the_sidebar(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    await services.interviews.start(user_id, "devops", "en")
    await tab.load("/settings")
    assert (await tab.state(SidebarState)).chats[0].day == "Today"

    await (await tab.send(SettingsState.change_language, language="ru")).wait_all()

    assert (await tab.state(SidebarState)).chats[0].day == "Сегодня"
