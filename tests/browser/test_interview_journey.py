"""The interview journey in Chromium against the production build and the Ollama test double."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, RunningApp
from tests.browser.helpers import answer, finish, long_answer, register, start_interview
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import bank_replies, evaluation_replies

pytestmark = pytest.mark.browser

# Records, inside the page, that a running line was shown at some moment (however brief): a
# generation's, or the page typing out the interviewer's new messages.
SAW_STREAMING = """
new MutationObserver(function () {
  if (document.querySelector('[data-testid=streaming], [data-testid=typing]:not(:empty)')) {
    window.__sawStreaming = true;
  }
}).observe(document.body, {childList: true, subtree: true});
"""

SCORES = [10, 6, 10, 10, 3, 10, 10, 10, 10, 10, 10, 10]


def _current_question(page: Page) -> str:
    return page.get_by_test_id("current-question").inner_text()


def test_the_whole_journey(page: Page, fake_ollama: FakeOllama, app_server: RunningApp, browser) -> None:  # type: ignore[no-untyped-def]
    register(page, "journey")
    page.goto("/")
    page.evaluate(SAW_STREAMING)
    page.get_by_test_id("position").fill("python разработчик")
    page.get_by_test_id("start").click()
    # The greeting and the first question run in as a running line, then settle.
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=20_000)
    # A function, not an expression: Playwright evals an expression in the page, which the CSP refuses.
    page.wait_for_function("() => window.__sawStreaming === true", timeout=20_000)
    expect(page.get_by_test_id("message-greeting")).to_contain_text("Python Backend Developer")
    expect(page.get_by_test_id("progress")).to_contain_text("1 / 12")
    chat_url = page.url

    first = _current_question(page)
    answer(page, long_answer("the first question"))
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 12")
    expect(page.get_by_test_id("current-question")).not_to_contain_text(first[-40:])

    fake_ollama.script(
        Reply(text="Think about what happens to memory when the object is shared.", tokens_per_second=25)
    )
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("streaming")).to_be_visible()
    expect(page.get_by_test_id("stop")).to_be_visible()
    expect(page.get_by_test_id("message-hint")).to_contain_text("shared", timeout=15_000)

    fake_ollama.script(
        Reply(text="A strong answer names the trade-offs and gives an example.", tokens_per_second=40)
    )
    page.get_by_test_id("get-answer").click()
    expect(page.get_by_test_id("message-model_answer")).to_contain_text("trade-offs", timeout=15_000)

    # A reload in the middle restores the chat exactly.
    current = _current_question(page)
    page.reload()
    expect(page.get_by_test_id("current-question")).to_contain_text(current[-40:])
    expect(page.get_by_test_id("message-hint")).to_be_visible()

    fake_ollama.script(*evaluation_replies(SCORES, chunk_size=30, tokens_per_second=40))
    for number in range(2, 13):
        answer(page, long_answer(f"question {number}"))
    # After the last answer the evaluation starts by itself and streams in.
    expect(page.get_by_test_id("streaming")).to_contain_text(
        re.compile(r"Question 1\. .+: 10/10"), timeout=20_000
    )
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("report-item")).to_have_count(12)
    expect(page.get_by_test_id("overall-score")).to_contain_text("9.1/10")
    expect(page.get_by_test_id("report-item").nth(1)).to_contain_text("6/10")

    # Retry the mistakes: exactly the flagged questions, in order.
    flagged = [page.get_by_test_id("report-item").nth(i).locator("p").first.inner_text() for i in (1, 4)]
    page.get_by_test_id("retry-mistakes").click()
    expect(page.get_by_test_id("progress")).to_contain_text("1 / 2", timeout=20_000)
    expect(page.get_by_test_id("current-question")).to_contain_text(flagged[0][:40])
    answer(page, long_answer("again"))
    expect(page.get_by_test_id("current-question")).to_contain_text(flagged[1][:40])

    # A bank refresh makes the chat stale.
    fake_ollama.script(*bank_replies("fresh"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "onlyjobless",
            "bank",
            "refresh",
            "--vacancy",
            "backend-python",
            "--language",
            "en",
        ],
        cwd=ROOT,
        env=app_server.env,
        check=True,
    )
    page.reload()
    expect(page.get_by_test_id("stale-banner")).to_be_visible()

    # Interview 3 of 3 is allowed; the fourth is refused with the time it resets.
    start_interview(page, "golang developer")
    page.goto("/")
    expect(page.get_by_test_id("limit-reached")).to_contain_text("UTC")
    expect(page.get_by_test_id("start")).to_be_disabled()

    # Clear history empties the sidebar.
    expect(page.get_by_test_id("chat-link")).to_have_count(2)
    page.get_by_test_id("clear-history").click()
    page.get_by_test_id("confirm-clear").click()
    expect(page.get_by_test_id("chat-link")).to_have_count(0)
    expect(page.get_by_test_id("no-chats")).to_be_visible()

    # Another user opening the first user's chat URL sees a not-found page.
    other = browser.new_context(base_url=app_server.url)
    try:
        second = other.new_page()
        register(second, "intruder")
        second.goto(chat_url)
        expect(second.get_by_test_id("not-found")).to_be_visible()
        assert "Python Backend Developer" not in second.content()
    finally:
        other.close()


def test_disconnect_mid_stream_and_stop(page: Page, fake_ollama: FakeOllama) -> None:
    register(page, "faults")
    start_interview(page, "devops")
    fake_ollama.script(
        Reply(text="one two three four five six seven eight", disconnect_after=4, chunk_delay=0.1)
    )
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("chat-error")).to_contain_text("cut off", timeout=15_000)
    partial = page.locator("[data-kind=hint][data-complete=false]")
    expect(partial).to_contain_text("one two three")
    expect(page.get_by_test_id("hint")).to_be_enabled()

    fake_ollama.script(Reply(text="word " * 400, tokens_per_second=20))
    page.get_by_test_id("get-answer").click()
    expect(page.get_by_test_id("stop")).to_be_visible()
    expect(page.get_by_test_id("streaming")).to_contain_text("word word", timeout=10_000)
    page.get_by_test_id("stop").click()
    expect(page.get_by_test_id("stop")).to_be_hidden(timeout=10_000)
    stopped = page.locator("[data-kind=model_answer][data-complete=false]")
    expect(stopped).to_be_visible()
    assert stopped.inner_text().count("word") < 400
    expect(page.get_by_test_id("get-answer")).to_be_enabled()


def test_refusal_suggestions_and_inert_markdown(page: Page, fake_ollama: FakeOllama) -> None:
    register(page, "refused")
    page.goto("/")
    page.get_by_test_id("position").press_sequentially("pyth", delay=50)
    expect(page.get_by_test_id("suggestion").first).to_contain_text("Python", timeout=10_000)
    page.get_by_test_id("position").fill("повар")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("refusal")).to_contain_text("IT")
    expect(page.get_by_test_id("refusal-role")).to_have_count(3)
    page.get_by_test_id("refusal-role").first.click()
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=20_000)

    hostile = (
        "Look: <script>window.__pwned = 1</script> <img src=x onerror='window.__pwned=2'> "
        "[click](javascript:window.__pwned=3) ![remote](http://127.0.0.1:9/tracker.png) **bold**"
    )
    fake_ollama.script(Reply(text=hostile))
    page.get_by_test_id("hint").click()
    hint = page.get_by_test_id("message-hint")
    expect(hint).to_contain_text("bold")
    assert hint.locator("script, img, iframe").count() == 0
    assert all("javascript:" not in (a.get_attribute("href") or "") for a in hint.locator("a").all())
    assert page.evaluate("window.__pwned") is None


def test_offline_mode_uses_the_built_in_bank(page: Page, fake_ollama: FakeOllama) -> None:
    register(page, "offline")
    start_interview(page, "qa automation")
    fake_ollama.set_models([])
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("offline-notice")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("message-hint")).to_contain_text("built-in")


def test_narrow_screen_menu_and_dark_theme(page: Page) -> None:
    register(page, "narrow")
    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.get_by_test_id("nav-settings")).to_be_hidden()
    page.get_by_test_id("menu").click()
    expect(page.get_by_role("dialog").get_by_test_id("nav-settings")).to_be_visible()
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1280, "height": 800})
    before = page.evaluate("document.documentElement.className")
    page.get_by_role("button", name="Light / dark theme").click()
    expect(page.locator("html")).not_to_have_class(before)


def test_finish_with_arbitrary_schema_valid_replies_shows_the_report(
    page: Page, fake_ollama: FakeOllama
) -> None:
    """Replies an unfamiliar model might give (any values its schema allows) still end in a report."""
    fake_ollama.set_default(Reply(arbitrary=5, times=None))
    register(page, "arbitrary")
    start_interview(page, "devops")
    answer(page, long_answer("the first question"))
    answer(page, long_answer("the second question"))
    finish(page)
    expect(page.get_by_test_id("report")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("report-item")).to_have_count(12)
    expect(page.get_by_test_id("overall-score")).to_contain_text("/10")
    expect(page.get_by_test_id("report-item").nth(0)).to_contain_text("/10")
    expect(page.get_by_test_id("report-item").nth(2)).to_contain_text("not answered")
