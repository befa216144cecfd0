"""What the pages do on a click: answer, retry, a fresh interview, the sidebar's paging and clearing."""

from __future__ import annotations

import pytest

from onlyjobless.services.hub import Services
from onlyjobless.ui import bridge, sidebar
from onlyjobless.ui.live import Live
from onlyjobless.ui.pages.chat.state import ChatState
from onlyjobless.ui.pages.new_interview import NewInterviewState
from onlyjobless.ui.session import SessionState
from onlyjobless.ui.sidebar import SidebarState
from tests.support.fake_ollama import FakeOllama
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import LONG_ANSWER, chat_waiting_for_evaluation, evaluation_reply, user_of


async def test_an_answer_is_stored_and_the_next_question_typed_out(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")

    await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()

    page = await tab.state(ChatState)
    # As loaded (a fresh chat's first two are typed out), not sent again.
    assert [(m.kind, m.reveal) for m in page.messages] == [("greeting", True), ("question", True)]
    assert [(m.kind, m.reveal) for m in page.recent] == [  # only the new ones are added
        ("answer", False),  # the candidate's own words show at once
        ("question", True),
    ]
    assert page.current_id == page.recent[-1].id and page.position == 2 and not page.sending
    assert tab.sent.values("answer") == [""]  # the box is emptied


async def test_a_repeated_submit_of_an_answer_does_not_answer_the_next_question(
    tab: Tab, services: Services
) -> None:
    """A double click on Send queues the form twice, both naming the question it answers."""
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    form = {"answer": LONG_ANSWER, "question": (await tab.state(ChatState)).current_id}

    await (await tab.send(ChatState.send_answer, form=form)).wait_all()
    await (await tab.send(ChatState.send_answer, form=form)).wait_all()

    stored = await services.interviews.view(user_id, view.chat.id)
    assert [m.kind for m in stored.messages].count("answer") == 1 and stored.progress.position == 2
    page = await tab.state(ChatState)
    assert page.position == 2 and page.current_id == stored.current_message_id and not page.sending


async def test_an_answer_from_a_stale_tab_is_not_filed_under_the_next_question(
    tab: Tab, services: Services
) -> None:
    """Another tab answered the question this page shows: the answer is refused, kept in the box,
    and the page catches up with the interview as it is now."""
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER + " (the other tab)")

    await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()

    stored = await services.interviews.view(user_id, view.chat.id)
    assert [m.kind for m in stored.messages].count("answer") == 1 and stored.progress.position == 2
    page = await tab.state(ChatState)
    assert "another window" in page.error and not page.sending
    assert page.position == 2 and page.current_id == stored.current_message_id
    assert "the other tab" in page.recent[0].content  # the answer this page missed, then its question
    assert tab.sent.values("answer") == []  # the box keeps the text


async def test_a_refused_answer_stays_in_the_box_with_the_reason(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")

    await (await tab.send(ChatState.send_answer, form={"answer": "   "})).wait_all()

    page = await tab.state(ChatState)
    assert page.error != "" and not page.sending and [m.kind for m in page.messages][-1] == "question"
    assert tab.sent.values("answer") == []


async def test_the_last_answer_starts_the_evaluation(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    for _ in range(view.progress.total - 1):
        view = await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER)
    await tab.load(f"/chat/{view.chat.id}")
    fake_ollama.script(*evaluation_reply(view.progress.total, score=10))

    await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()

    page = await tab.state(ChatState)
    assert page.status == "finished" and page.overall == "10/10" and not page.has_mistakes
    assert not (await tab.state(Live)).on


async def test_a_signed_out_tab_is_sent_to_login_and_not_left_busy(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    await services.accounts.logout(tab.cookie.partition("=")[2])

    await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()
    await (await tab.send(ChatState.run_hint)).wait_all()

    assert tab.sent.redirects() == ["/login"]
    page = await tab.state(ChatState)
    assert not page.sending and not (await tab.state(Live)).on
    assert page.recent == [] and page.error != ""  # the hint was refused: no session


async def test_retrying_the_mistakes_asks_them_again_and_counts_an_interview(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    user_id = await user_of(tab, services)
    view = await chat_waiting_for_evaluation(services, user_id)
    fake_ollama.script(*evaluation_reply(view.progress.total, score=5))
    await tab.load(f"/chat/{view.chat.id}")
    assert (await tab.state(SidebarState)).remaining == 2

    await (await tab.send(ChatState.retry, mode="mistakes")).wait_all()

    page = await tab.state(ChatState)
    assert page.status == "active" and page.report == [] and page.position == 1
    assert [(m.kind, m.reveal) for m in page.recent][-2:] == [("notice", True), ("question", True)]
    assert (await tab.state(SidebarState)).remaining == 1

    await (await tab.send(ChatState.retry, mode="all")).wait_all()  # not finished: refused
    assert (await tab.state(ChatState)).error != ""


async def test_a_fresh_interview_for_the_same_role_opens_a_new_chat(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")

    await (await tab.send(ChatState.fresh_interview)).wait_all()

    chats = (await services.interviews.list_chats(user_id)).items
    assert len(chats) == 2 and tab.sent.redirects() == [f"/chat/{chats[0].id}"]


async def test_the_sidebar_pages_on_and_clears_history(
    tab: Tab, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sidebar, "PAGE_SIZE", 2)
    user_id = await user_of(tab, services)
    for role in ("devops", "qa automation", "golang developer"):
        await services.interviews.start(user_id, role, "en")
    await tab.load("/")
    assert [len((await tab.state(SidebarState)).chats), (await tab.state(SidebarState)).has_more] == [2, True]

    await (await tab.send(SidebarState.load_more)).wait_all()
    bar = await tab.state(SidebarState)
    assert len(bar.chats) == 3 and not bar.has_more
    assert bar.limit_message != "" and bar.remaining == 0  # three today: the limit

    await (await tab.send(SidebarState.clear_history)).wait_all()
    assert (await tab.state(SidebarState)).chats == [] and tab.sent.redirects() == ["/"]
    assert (await services.interviews.list_chats(user_id)).items == []


async def test_starting_over_the_limit_refreshes_the_sidebar(tab: Tab, services: Services) -> None:
    user_id = await user_of(tab, services)
    await tab.load("/")
    for role in ("devops", "qa automation", "golang developer"):
        await services.interviews.start(user_id, role, "en")

    await (await tab.send(NewInterviewState.start, form={"position": "devops"})).wait_all()

    form = await tab.state(NewInterviewState)
    assert form.start_error != "" and not form.starting
    assert len((await tab.state(SidebarState)).chats) == 3  # filled again without a page load


async def test_a_double_click_on_a_role_starts_one_interview(tab: Tab, services: Services) -> None:
    """A double click (or Enter then a click) queues two starts: the second must not spend another."""
    user_id = await user_of(tab, services)
    await tab.load("/")

    await (await tab.send(NewInterviewState.start_role, title="devops")).wait_all()
    await (await tab.send(NewInterviewState.start, form={"position": "devops"})).wait_all()

    chats = (await services.interviews.list_chats(user_id)).items
    assert len(chats) == 1
    assert tab.sent.redirects() == [f"/chat/{chats[0].id}"]

    await tab.load("/")  # back on the form: a start works again
    await (await tab.send(NewInterviewState.start, form={"position": "qa automation"})).wait_all()
    assert len((await services.interviews.list_chats(user_id)).items) == 2


async def test_a_refused_title_offers_it_roles(tab: Tab, services: Services) -> None:
    await tab.load("/")
    await (await tab.send(NewInterviewState.suggest, text="pyth")).wait_all()
    assert any("Python" in r.title for r in (await tab.state(NewInterviewState)).suggestions)

    await (await tab.send(NewInterviewState.start, form={"position": "повар"})).wait_all()
    form = await tab.state(NewInterviewState)
    assert "IT" in form.refusal and len(form.refusal_roles) == 3

    await (await tab.send(NewInterviewState.start_role, title=form.refusal_roles[0].title)).wait_all()
    assert tab.sent.redirects()[-1].startswith("/chat/")


async def test_logout_forgets_the_user_in_the_page(tab: Tab) -> None:
    await tab.load("/")
    await (await tab.send(SessionState.logout)).wait_all()
    assert not (await tab.state(SessionState)).authenticated
    assert tab.sent.values(bridge.SESSION_ID) == [""]  # the page ends the cookie session
