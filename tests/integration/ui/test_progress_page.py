"""The progress page in-process: the empty state, two evaluated attempts, practising a role again."""

from __future__ import annotations

import uuid

from onlyjobless.services.hub import Services
from onlyjobless.ui.pages.progress import ProgressState
from onlyjobless.ui.sidebar import SidebarState
from tests.support.fake_ollama import FakeOllama
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import LONG_ANSWER, evaluation_reply, user_of


async def _finish(services: Services, fake_ollama: FakeOllama, user_id: uuid.UUID, scores: list[int]) -> None:
    view = await services.interviews.start(user_id, "devops", "en")
    for _ in scores:
        view = await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER)
    fake_ollama.script(*evaluation_reply(len(scores), score=scores[0]))  # every answer scored alike
    async for _ in await services.interviews.finish(user_id, view.chat.id):
        pass


async def test_a_new_user_sees_the_empty_state(tab: Tab) -> None:
    await tab.load("/progress")
    page = await tab.state(ProgressState)
    assert page.loaded and page.roles == [] and page.error == ""


async def test_two_evaluated_attempts_and_practising_again(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    await _finish(services, fake_ollama, user_id, [6, 6])
    await _finish(services, fake_ollama, user_id, [9])

    await tab.load("/progress")
    page = await tab.state(ProgressState)
    [role] = page.roles
    assert (role.vacancy, role.attempts, role.answered) == ("devops", 2, 3)
    assert [p["score"] for p in role.points] == [1.0, 0.8]  # 12/12 and 9/12, in the order finished
    assert role.points[0]["label"].startswith("1 · ")
    assert role.average == "0.9/10"
    assert role.weakest[0].average == "6/10"

    await services.accounts.update_profile(user_id, preferred_language="ru")  # the interface speaks Russian
    await tab.load("/progress")
    assert (await tab.state(ProgressState)).roles[0].average == "0,9/10"

    await (await tab.send(ProgressState.practise, vacancy="devops")).wait_all()
    [redirect] = tab.sent.redirects()
    assert redirect.startswith("/chat/")
    chats = (await services.interviews.list_chats(user_id)).items
    assert len(chats) == 3 and chats[0].vacancy == "devops" and redirect == f"/chat/{chats[0].id}"

    await (await tab.send(ProgressState.practise, vacancy="devops")).wait_all()  # over today's limit
    page = await tab.state(ProgressState)
    assert "interviews" in page.error or "собеседован" in page.error
    assert page.starting == ""
    assert (await tab.state(SidebarState)).limit == 3
