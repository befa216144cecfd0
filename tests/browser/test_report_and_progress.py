"""The report page and the progress page in Chromium, against the production build and the Ollama double.

Screenshots of both pages, wide (1280) and narrow (390), light and dark, land in artifacts/browser/.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import finish, long_answer, register, start_interview
from tests.support.fake_ollama import FakeOllama
from tests.support.llm_replies import evaluation_replies

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    """The machine is shared: give each expectation 20 s here, then Playwright's default again."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


REPORT_URL = re.compile(r"/chat/[0-9a-f]+/report/?$")
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}


def _answer(page: Page, text: str) -> None:
    """Send an answer and wait until it is taken (the box empties); judging it can be slow here."""
    box = page.get_by_test_id("answer")
    box.fill(text)
    page.get_by_test_id("send").click()
    expect(box).to_have_value("", timeout=40_000)


def _finish_interview(page: Page, fake_ollama: FakeOllama, scores: list[int]) -> None:
    """Start a DevOps interview, answer as many questions as there are scores, finish it."""
    start_interview(page, "devops")
    for number in range(len(scores)):
        _answer(page, long_answer(f"question {number + 1}"))
    fake_ollama.script(*evaluation_replies(scores, chunk_size=40))
    finish(page)
    expect(page.get_by_test_id("open-report")).to_be_visible(timeout=30_000)


def _screens(page: Page, name: str) -> None:
    """The page as it is now: wide and narrow, light and dark (the theme switched from the sidebar)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    html = page.locator("html")
    for theme in ("light", "dark"):
        page.set_viewport_size(WIDE)
        if theme == "dark":
            page.get_by_role("button", name="Light / dark theme").click()
            expect(html).to_have_class(re.compile(r"\bdark\b"))
        for width, viewport in (("wide", WIDE), ("narrow", NARROW)):
            page.set_viewport_size(viewport)
            page.wait_for_timeout(300)  # the charts re-measure after a resize
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-{theme}.png"), full_page=True)
    page.set_viewport_size(WIDE)
    page.get_by_role("button", name="Light / dark theme").click()
    expect(html).not_to_have_class(re.compile(r"\bdark\b"))


def _download(page: Page, test_id: str, tmp_path: Path) -> tuple[str, bytes]:
    with page.expect_download() as caught:
        page.get_by_test_id(test_id).click()
    download = caught.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_the_report_page_and_its_downloads(page: Page, fake_ollama: FakeOllama, tmp_path: Path) -> None:
    register(page, "report")
    _finish_interview(page, fake_ollama, [8, 3])
    page.get_by_test_id("card-open-report").click()  # the chat's compact card leads to the report page
    expect(page).to_have_url(REPORT_URL)

    expect(page.get_by_test_id("report-title")).to_contain_text("DevOps")
    expect(page.get_by_test_id("overall-score")).to_have_text("0.9/10")
    items = page.get_by_test_id("report-item")
    expect(items).to_have_count(12)
    expect(items.nth(0).get_by_test_id("report-score")).to_have_text("8/10")
    expect(items.nth(1).get_by_test_id("report-missing")).to_contain_text("missing 2")
    expect(items.nth(2).get_by_test_id("report-score")).to_have_text("not answered")
    bars = page.get_by_test_id("report-chart").locator(".recharts-bar-rectangle")
    expect(bars).to_have_count(2)  # the two answered questions; a 0 has no bar

    # The candidate's own answer is folded until opened.
    answer_box = items.nth(0).get_by_test_id("candidate-answer")
    own = answer_box.locator("p")
    expect(own).to_be_hidden()
    answer_box.locator("summary").click()
    expect(own).to_contain_text("About question 1:")

    name, data = _download(page, "download-md", tmp_path)
    assert name.endswith("attempt-1.md")
    text = data.decode()
    assert text.startswith("# Report: DevOps") and "About question 1:" in text and "good 1" in text

    name, data = _download(page, "download-pdf", tmp_path)
    assert name.endswith("attempt-1.pdf") and data.startswith(b"%PDF-")
    extracted = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Overall score: 0.9/10" in extracted and "missing 2" in extracted

    _screens(page, "report")

    page.get_by_test_id("back-to-chat").click()
    expect(page.get_by_test_id("open-report")).to_be_visible()


def test_progress_after_two_finished_attempts(page: Page, fake_ollama: FakeOllama) -> None:
    register(page, "progress")
    page.get_by_test_id("nav-progress").click()
    expect(page.get_by_test_id("progress-empty")).to_be_visible()
    _screens(page, "progress-empty")

    _finish_interview(page, fake_ollama, [9, 4])
    _finish_interview(page, fake_ollama, [7, 7, 7])
    page.get_by_test_id("nav-progress").click()

    role = page.get_by_test_id("role-progress")
    expect(role).to_have_count(1)
    expect(role).to_contain_text("DevOps")
    expect(role.get_by_test_id("stat-attempts")).to_have_text("2")
    expect(role.get_by_test_id("stat-answered")).to_have_text("5")
    expect(role.get_by_test_id("progress-chart").locator(".recharts-line-dot")).to_have_count(2)
    expect(role.get_by_test_id("weak-topic").first).to_contain_text("5.5/10")  # (4 + 7) / 2
    _screens(page, "progress")

    # The third interview of the day starts from here; a fourth is refused with the reason.
    role.get_by_test_id("practise").click()
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("remaining")).to_contain_text("0 / 3")
    page.get_by_test_id("nav-progress").click()
    page.get_by_test_id("practise").click()
    expect(page.get_by_test_id("progress-error")).to_contain_text("interviews for today")
