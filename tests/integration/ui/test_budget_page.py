"""The chat page and today's LLM budget: "N left" when few are left, and the refusal when none is."""

from __future__ import annotations

import pytest

from onlyjobless.services.hub import Services
from onlyjobless.settings import Settings
from onlyjobless.ui.live import Live
from onlyjobless.ui.pages.chat.state import ChatState
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import user_of

BUDGET = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"llm_daily_budget": BUDGET})


async def test_the_page_says_how_many_generations_are_left_and_refuses_past_them(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    assert (await tab.state(ChatState)).budget_note == "3 AI generations left today"

    fake_ollama.script(Reply(text="Think about image layers."))
    await (await tab.send(ChatState.run_hint)).wait_all()
    assert (await tab.state(ChatState)).budget_note == "2 AI generations left today"

    for _ in range(2):
        await services.interviews.budget.consume(user_id)
    await (await tab.send(ChatState.run_model_answer)).wait_all()
    page = await tab.state(ChatState)
    assert "You have used all 3 AI generations" in page.error
    assert not (await tab.state(Live)).on  # the buttons are unlocked again
    assert len(fake_ollama.chat_requests) == 1


async def test_a_generous_budget_is_not_mentioned(tab: Tab, services: Services, settings: Settings) -> None:
    services.interviews.budget.limit = 60
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    assert (await tab.state(ChatState)).budget_note == ""


async def test_a_second_hint_click_shows_the_stored_hint_and_costs_nothing(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    fake_ollama.script(Reply(text="Think about image layers."))
    await (await tab.send(ChatState.run_hint)).wait_all()
    await (await tab.send(ChatState.run_hint)).wait_all()
    page = await tab.state(ChatState)
    # The page keeps the streamed text as the message (ui/bridge.py): the state holds no copy.
    assert [(m.kind, m.streamed) for m in page.recent] == [("hint", True)]
    stored = await services.interviews.view(user_id, view.chat.id)
    assert [m.content for m in stored.messages if m.kind == "hint"] == ["Think about image layers."]
    assert page.error == "" and page.budget_note == "2 AI generations left today"
    assert len(fake_ollama.chat_requests) == 1
