"""Generations on the chat page: the running line is always given back, the stored result shown as sent."""

from __future__ import annotations

import time
import uuid

from onlyjobless import i18n
from onlyjobless.services.hub import Services
from onlyjobless.ui import bridge
from onlyjobless.ui.live import STALE_SECONDS, Live
from onlyjobless.ui.pages.chat.state import ChatState
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import (
    LONG_ANSWER,
    Calls,
    chat_waiting_for_evaluation,
    evaluation_reply,
    user_of,
)

SLOW = Reply(text="word " * 300, tokens_per_second=40)


async def _open_new_chat(tab: Tab, services: Services) -> tuple[uuid.UUID, str]:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    return user_id, view.chat.id


async def _running(tab: Tab) -> bool:
    """The line is on and text has gone to the page."""
    return (await tab.state(Live)).on and any(_fed(tab))


def _fed(tab: Tab) -> list[str | None]:
    """What the running line's element in the page was given: chunks, and None to void the line."""
    return tab.sent.values(bridge.LIVE_FEED_ID)


async def _line_off(tab: Tab) -> bool:
    return not (await tab.state(Live)).on


async def test_a_hint_is_streamed_and_its_stored_message_added_without_reading_the_chat(
    tab: Tab, services: Services, fake_ollama: FakeOllama, calls: Calls
) -> None:
    await _open_new_chat(tab, services)
    fake_ollama.script(Reply(text="Think about what happens to memory when it is shared."))
    calls.reset()

    await (await tab.send(ChatState.run_hint)).wait_all()

    page, line = await tab.state(ChatState), await tab.state(Live)
    assert [(m.kind, m.complete) for m in page.recent] == [("hint", True)]
    assert page.error == ""
    assert not line.on and line.text == "" and line.chat == page.shown_chat
    fed = _fed(tab)
    # The line voided, then the first chunk at once; the page keeps what it was streamed as the
    # stored message, which comes as a reference only: its text is not sent a second time.
    assert fed[:2] == [None, "Think"]
    assert "".join(c for c in fed[1:] if c) == "Think about what happens to memory when it is shared."
    assert page.recent[0].streamed and page.recent[0].content == ""
    assert not any("memory" in str(delta) for delta in tab.sent.deltas)
    assert calls["view"] == 0


async def test_a_cancelled_generation_unlocks_the_buttons_and_the_lease(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, _ = await _open_new_chat(tab, services)
    fake_ollama.script(SLOW)
    running = await tab.send(ChatState.run_model_answer)
    await tab.until(lambda: _running(tab))

    running.cancel()

    await tab.until(lambda: _line_off(tab))
    assert not await services.interviews._leases.busy(user_id)
    fake_ollama.script(Reply(text="A hint after all."))
    await (await tab.send(ChatState.run_hint)).wait_all()
    assert [m.streamed for m in (await tab.state(ChatState)).recent] == [True]
    assert "".join(c for c in _fed(tab) if c).endswith("A hint after all.")


async def test_leaving_the_page_cancels_the_evaluation_it_started_and_unlocks(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await chat_waiting_for_evaluation(services, user_id)
    fake_ollama.script(*evaluation_reply(view.progress.total, chunk_size=5, tokens_per_second=20))
    await tab.open(f"/chat/{view.chat.id}")  # its on_load starts the evaluation
    await tab.until(lambda: _evaluating(tab))

    await (await tab.navigate("/")).wait_all()

    await tab.until(lambda: _line_off(tab))
    assert not await services.interviews._leases.busy(user_id)
    fake_ollama.script(*evaluation_reply(view.progress.total, score=9))
    await tab.load(f"/chat/{view.chat.id}")  # back again: the evaluation starts anew and finishes
    page = await tab.state(ChatState)
    assert page.status == "finished" and len(page.report) == view.progress.total


async def _evaluating(tab: Tab) -> bool:
    return "Question 1" in (await tab.state(Live)).text


async def test_an_evaluation_shows_its_report_from_the_stream_alone(
    tab: Tab, services: Services, fake_ollama: FakeOllama, calls: Calls
) -> None:
    user_id = await user_of(tab, services)
    view = await chat_waiting_for_evaluation(services, user_id)
    total = view.progress.total
    fake_ollama.script(*evaluation_reply(total, score=6, chunk_size=40))
    calls.reset()

    await tab.load(f"/chat/{view.chat.id}")

    page = await tab.state(ChatState)
    assert (page.status, page.evaluation_due, page.current_id) == ("finished", False, "")
    assert [item.score_label for item in page.report] == ["6/10"] * total
    assert page.chart == [{"number": n, "score": 6} for n in range(1, total + 1)]
    assert (page.overall, page.summary, page.has_mistakes) == ("6/10", "Solid, with gaps.", True)
    assert [m.kind for m in page.recent] == ["evaluation"]
    previews = [d for d in tab.sent.deltas for values in d.values() if "Question 1. " in str(values)]
    assert previews and "**6/10**" in str(previews[0]), "each score was shown as soon as it was graded"
    assert calls["view"] == 1  # the page load's; the result came with the stream


async def test_an_evaluation_the_llm_cannot_give_ends_in_a_labelled_estimate(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER)
    await tab.load(f"/chat/{view.chat.id}")
    fake_ollama.script(Reply(invalid_json=True, times=None))

    await (await tab.send(ChatState.run_finish)).wait_all()

    page = await tab.state(ChatState)
    assert page.error == "" and page.status == "finished" and page.evaluation_source == "offline"
    assert [item.estimate for item in page.report if item.score_label != "not answered"] == [True]
    assert not (await tab.state(Live)).on


async def test_stop_keeps_what_arrived_marked_incomplete(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    await _open_new_chat(tab, services)
    fake_ollama.script(SLOW)
    running = await tab.send(ChatState.run_model_answer)
    await tab.until(lambda: _running(tab))

    await (await tab.send(Live.stop)).wait_all()
    await running.wait_all()

    page = await tab.state(ChatState)
    assert [(m.kind, m.complete) for m in page.recent] == [("model_answer", False)]
    assert 0 < page.recent[0].content.count("word") < 300
    assert not (await tab.state(Live)).on


async def test_a_stream_ending_while_another_chat_is_shown_leaves_that_chat_alone(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, first = await _open_new_chat(tab, services)
    second = (await services.interviews.start(user_id, "qa automation", "en")).chat.id
    fake_ollama.script(Reply(text="word " * 40, tokens_per_second=40))
    running = await tab.send(ChatState.run_hint)
    await tab.until(lambda: _running(tab))

    await tab.load(f"/chat/{second}")
    await running.wait_all()

    page = await tab.state(ChatState)
    assert page.shown_chat == second and page.recent == []
    assert all(m.kind != "hint" for m in page.messages)
    assert not (await tab.state(Live)).on
    hints = [m for m in (await services.interviews.view(user_id, first)).messages if m.kind == "hint"]
    assert len(hints) == 1  # stored in the chat it belongs to


async def test_offline_the_banks_hint_is_shown_with_a_notice_that_another_chat_does_not_carry(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id, _ = await _open_new_chat(tab, services)
    fake_ollama.set_models([])

    await (await tab.send(ChatState.run_hint)).wait_all()

    page = await tab.state(ChatState)
    assert page.offline and [(m.kind, m.offline) for m in page.recent] == [("hint", True)]
    other = await services.interviews.start(user_id, "qa automation", "en")
    await tab.load(f"/chat/{other.chat.id}")
    assert not (await tab.state(ChatState)).offline


async def test_a_generation_whose_worker_died_is_marked_cut_off_and_can_be_asked_again(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    _, chat_id = await _open_new_chat(tab, services)
    # What a worker killed mid-stream leaves in the shared (Redis) state: the line on, no heartbeat.
    line = await tab.state(Live)
    line.start(chat_id, "Hint")
    line._beat = time.time() - 60

    await tab.load(f"/chat/{chat_id}")  # the page reconnects to another worker and loads again

    line = await tab.state(Live)
    assert not line.on
    assert line.notice == i18n.error_message("generation_lost", "en")
    await tab.load(f"/chat/{chat_id}")  # the notice stays through another reload
    assert (await tab.state(Live)).notice == line.notice
    fake_ollama.script(Reply(text="Start from the definition."))
    await (await tab.send(ChatState.run_hint)).wait_all()
    assert [(m.kind, m.streamed) for m in (await tab.state(ChatState)).recent] == [("hint", True)]
    assert (await tab.state(Live)).notice == ""  # the next generation clears it


async def test_a_generation_alive_elsewhere_keeps_its_line_when_the_page_reloads(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    _, chat_id = await _open_new_chat(tab, services)
    # Longer than the time a line may go without a heartbeat: only the heartbeat keeps it.
    fake_ollama.script(Reply(text="word " * 40, tokens_per_second=40 / (STALE_SECONDS + 2)))
    running = await tab.send(ChatState.run_hint)
    await tab.until(lambda: _running(tab))

    await tab.load(f"/chat/{chat_id}")  # the watcher runs until the generation ends
    await running.wait_all()

    page = await tab.state(ChatState)
    assert page.error == ""
    assert [(m.kind, m.complete) for m in page.recent] == [("hint", True)]
