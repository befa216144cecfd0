"""The chat page opened while a stream it did not start writes in the chat: it reads the chat again
until that stream is over, then shows its result, or the mark of a try cut off with its worker."""

from __future__ import annotations

import time

import pytest

from onlyjobless import i18n
from onlyjobless.domain.chats import MessageKind
from onlyjobless.services.hub import Services
from onlyjobless.services.interviews import Delta, Graded
from onlyjobless.settings import Settings
from onlyjobless.ui.live import Live
from onlyjobless.ui.pages.chat.state import ChatState
from tests.support.cut_streams import killed_mid_stream
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import chat_waiting_for_evaluation, evaluation_reply, user_of

HINT = "Name the trade-off first, then one example."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"generation_lease_seconds": 0.6})  # gone 0.4 s after a renewal


async def _cut_shown(tab: Tab) -> bool:
    return any(m.cut for m in (await tab.state(ChatState)).recent)


async def test_the_cut_hint_is_marked_once_its_worker_is_gone_and_asked_again(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    chat_id = (await services.interviews.start(user_id, "devops", "en")).chat.id
    await killed_mid_stream(services, user_id, chat_id, MessageKind.HINT)

    opened = await tab.open(f"/chat/{chat_id}")  # at once: the try may still be running
    await tab.until(lambda: _cut_shown(tab))
    await opened.wait_all()
    page = await tab.state(ChatState)
    [mark] = [m for m in page.messages + page.recent if m.cut]
    assert mark.kind == "hint" and not mark.complete
    assert mark.content == i18n.translate("interview.cut_hint", "en")

    fake_ollama.script(Reply(text=HINT))
    await (await tab.send(ChatState.run_hint)).wait_all()
    page = await tab.state(ChatState)
    assert page.error == ""
    shown = [(m.kind, m.complete, m.cut) for m in page.recent[-2:]]
    assert shown == [("hint", False, True), ("hint", True, False)]


async def test_a_stream_running_elsewhere_is_shown_when_it_ends(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    chat_id = (await services.interviews.start(user_id, "devops", "en")).chat.id
    fake_ollama.script(Reply(text="one two three four five", chunk_delay=0.2))
    elsewhere = await services.interviews.hint(user_id, chat_id)  # another tab's stream
    assert isinstance(await anext(elsewhere), Delta)

    opened = await tab.open(f"/chat/{chat_id}")
    [event async for event in elsewhere]
    await opened.wait_all()
    page = await tab.state(ChatState)
    assert [(m.kind, m.complete, m.cut) for m in page.recent] == [("hint", True, False)]
    assert page.recent[0].content == "one two three four five"


async def test_a_tab_that_kept_its_running_line_shows_the_mark_after_the_notice(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    chat_id = (await services.interviews.start(user_id, "devops", "en")).chat.id
    await tab.load(f"/chat/{chat_id}")
    await killed_mid_stream(services, user_id, chat_id, MessageKind.MODEL_ANSWER)
    line = await tab.state(Live)  # the tab's state in Redis: the line on, no heartbeat since
    line.start(chat_id, "Model answer")
    line._beat = time.time() - 60

    await tab.load(f"/chat/{chat_id}")  # reconnected to another worker: the notice, then the mark
    assert (await tab.state(Live)).notice == i18n.error_message("generation_lost", "en")
    page = await tab.state(ChatState)
    [mark] = [m for m in page.messages + page.recent if m.cut]
    assert mark.content == i18n.translate("interview.cut_model_answer", "en")


async def test_an_evaluation_running_elsewhere_is_shown_when_it_ends(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await chat_waiting_for_evaluation(services, user_id)
    fake_ollama.script(*evaluation_reply(view.progress.total))
    elsewhere = await services.interviews.finish(user_id, view.chat.id)  # another tab's evaluation
    assert isinstance(await anext(elsewhere), Graded)  # it holds the user's lease now

    opened = await tab.open(f"/chat/{view.chat.id}")  # due: the page asks for it, finds it busy
    await tab.until(lambda: _error_shown(tab))
    [event async for event in elsewhere]
    await opened.wait_all()
    page = await tab.state(ChatState)
    assert page.error == "" and page.status == "finished" and not page.evaluation_due
    assert len(page.report) == view.progress.total and page.overall != ""
    assert [m.kind for m in page.recent][-1] == "evaluation"


async def _error_shown(tab: Tab) -> bool:
    return (await tab.state(ChatState)).error != ""
