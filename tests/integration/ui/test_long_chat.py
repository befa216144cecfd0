"""A long chat on the chat page: its newest page first, older pages on a click, answers add only news."""

from __future__ import annotations

from typing import Any

from onlyjobless.services.hub import Services
from onlyjobless.ui.pages.chat.state import ChatState
from tests.support.long_chat import seed_messages
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import LONG_ANSWER, user_of

SEEDED = 120  # with the greeting and the question: 122, three pages of 50


def sent_vars(deltas: list[dict[str, Any]]) -> set[str]:
    """The names of the vars the server sent (Reflex suffixes them with their type)."""
    return {name.split("_rx_state_")[0] for delta in deltas for values in delta.values() for name in values}


async def test_older_pages_load_above_and_an_answer_adds_only_the_new_messages(
    tab: Tab, services: Services
) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    chat_id = view.chat.id
    await seed_messages(services.interviews.store, str(user_id), chat_id, SEEDED)
    await tab.load(f"/chat/{chat_id}")

    page = await tab.state(ChatState)
    assert len(page.messages) == 50 and page.messages[-1].content.startswith(f"#{SEEDED} ")
    assert page.earlier == 73 and page.current_id == view.messages[-1].id  # the open question, off the page

    await (await tab.send(ChatState.load_earlier)).wait_all()
    page = await tab.state(ChatState)
    assert len(page.messages) == 100 and page.messages[0].content.startswith("#21 ") and page.earlier == 23
    await (await tab.send(ChatState.load_earlier)).wait_all()
    page = await tab.state(ChatState)
    assert [m.kind for m in page.messages[:2]] == ["greeting", "question"] and page.earlier == 0
    assert len({m.id for m in page.messages}) == SEEDED + 2
    await (await tab.send(ChatState.load_earlier)).wait_all()  # nothing before the first: nothing
    assert len((await tab.state(ChatState)).messages) == SEEDED + 2

    assert "messages" in sent_vars(tab.sent.deltas)  # (what a load sends)
    tab.sent.deltas.clear()
    await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()
    page = await tab.state(ChatState)
    assert len(page.messages) == SEEDED + 2  # the earlier pages stay
    assert [(m.kind, m.reveal) for m in page.recent] == [("answer", False), ("question", True)]
    assert page.position == 2 and page.current_id == page.recent[-1].id
    sent = sent_vars(tab.sent.deltas)
    assert "recent" in sent and "messages" not in sent  # the shown chat is not sent again
