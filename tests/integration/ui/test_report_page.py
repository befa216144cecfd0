"""The report page in-process: the report of the latest attempt, its downloads, and why there is none."""

from __future__ import annotations

import base64
import io
import uuid

from pypdf import PdfReader

from onlyjobless.services.hub import Services
from onlyjobless.ui.pages.report.state import ReportState
from tests.support.fake_ollama import FakeOllama
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import LONG_ANSWER, evaluation_reply, user_of


async def _finished(services: Services, fake_ollama: FakeOllama, user_id: uuid.UUID, answers: int) -> str:
    view = await services.interviews.start(user_id, "devops", "en")
    for _ in range(answers):
        view = await services.interviews.answer(user_id, view.chat.id, LONG_ANSWER)
    fake_ollama.script(*evaluation_reply(answers, score=6))
    async for _ in await services.interviews.finish(user_id, view.chat.id):
        pass
    return view.chat.id


def _downloaded(tab: Tab) -> tuple[str, bytes]:
    """The file name and the bytes of the last download the server sent to the tab."""
    event = [e for e in tab.sent.events if e.name == "_download"][-1]
    url = str(event.payload["url"])
    head, _, data = url.partition(",")
    assert head.endswith(";base64")
    return str(event.payload["filename"]), base64.b64decode(data)


async def test_the_report_page_shows_every_question_with_the_candidates_answer(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    chat_id = await _finished(services, fake_ollama, await user_of(tab, services), answers=2)

    await tab.load(f"/chat/{chat_id}/report")

    page = await tab.state(ReportState)
    assert page.loaded and not page.not_found and not page.not_ready
    assert page.shown_chat == chat_id and page.attempt == 1
    assert page.overall == f"{round(12 / len(page.cards), 1):g}/10"
    assert [c.score_label for c in page.cards[:3]] == ["6/10", "6/10", "not answered"]
    assert [c.answer for c in page.cards[:3]] == [LONG_ANSWER, LONG_ANSWER, ""]
    assert page.cards[0].good == "good 1"  # the grader's words
    assert (
        page.cards[0].strong and page.cards[0].strong != page.cards[1].strong
    )  # each question's model answer
    assert page.chart[:3] == [{"number": 1, "score": 6}, {"number": 2, "score": 6}, {"number": 3, "score": 0}]

    await (await tab.send(ReportState.download_markdown)).wait_all()
    name, data = _downloaded(tab)
    assert name.endswith("attempt-1.md")
    assert data.decode().startswith("# Report: DevOps") and LONG_ANSWER in data.decode()

    await (await tab.send(ReportState.download_pdf)).wait_all()
    name, data = _downloaded(tab)
    assert name.endswith("attempt-1.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Overall score:" in text and "6/10" in text


async def test_before_the_evaluation_the_page_says_the_report_is_not_ready(
    tab: Tab, services: Services
) -> None:
    started = await services.interviews.start(await user_of(tab, services), "devops", "en")
    await tab.load(f"/chat/{started.chat.id}/report")
    page = await tab.state(ReportState)
    assert page.loaded and page.not_ready and not page.not_found and page.cards == []
    await (await tab.send(ReportState.download_markdown)).wait_all()
    assert (await tab.state(ReportState)).error == "This interview is not evaluated yet, so it has no report."
    assert not [e for e in tab.sent.events if e.name == "_download"]


async def test_another_users_report_is_not_found(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    other = await services.accounts.register("mallory", "another long phrase", "en")
    chat_id = await _finished(services, fake_ollama, other.id, answers=1)
    await tab.load(f"/chat/{chat_id}/report")
    page = await tab.state(ReportState)
    assert page.not_found and page.cards == []


async def test_without_a_session_the_report_page_goes_to_login(tab: Tab) -> None:
    tab.cookie = ""
    await tab.load("/chat/whatever/report")
    assert tab.sent.redirects() == ["/login"]
