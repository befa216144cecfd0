"""The chat page's own scripts in Chromium: the answer box's keys, the running line and the typing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import register, start_interview
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

pytestmark = pytest.mark.browser

# Counts the running line's retry timers (assets/js/bridge.js: a callback that looks for the line's
# box, #oj-live): scheduled since the count was last zeroed, and still waiting to fire.
COUNT_LINE_TIMERS = """
(function () {
  var real = window.setTimeout;
  window.__lineTimers = {scheduled: 0, pending: 0};
  window.setTimeout = function (callback, delay) {
    if (typeof callback === 'function' && String(callback).indexOf("getElementById('oj-live')") >= 0) {
      window.__lineTimers.scheduled += 1;
      window.__lineTimers.pending += 1;
      var fire = function () { window.__lineTimers.pending -= 1; callback(); };
      return real.call(window, fire, delay);
    }
    return real.apply(window, arguments);
  };
})();
"""


def test_enter_sends_and_shift_enter_starts_a_new_line(page: Page) -> None:
    register(page, "keys")
    start_interview(page, "devops")
    box = page.get_by_test_id("answer")
    box.press_sequentially("First I would check the pipeline logs for the failing stage.")
    box.press("Shift+Enter")
    box.press_sequentially("Then I would reproduce it locally with the same image.")
    expect(box).to_have_value(
        "First I would check the pipeline logs for the failing stage.\n"
        "Then I would reproduce it locally with the same image."
    )
    box.press("Enter")
    expect(box).to_have_value("", timeout=10_000)
    sent = page.locator("[data-kind=answer]")
    expect(sent).to_contain_text("failing stage")
    expect(sent).to_contain_text("same image")
    expect(page.get_by_test_id("progress")).to_contain_text("2 /")


def _chat_id(page: Page) -> str:
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def _chat_link(page: Page, chat_id: str) -> Locator:
    return page.locator(f'[data-testid=chat-link][href="/chat/{chat_id}"]')


def test_leaving_mid_stream_leaves_no_timer_chain(page: Page, fake_ollama: FakeOllama) -> None:
    page.add_init_script(COUNT_LINE_TIMERS)
    register(page, "leaver")
    start_interview(page, "qa automation")
    other = _chat_id(page)
    start_interview(page, "devops")
    streaming = _chat_id(page)
    fake_ollama.script(Reply(text="word " * 80, tokens_per_second=20))
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("streaming")).to_contain_text("word", timeout=10_000)
    page.evaluate("window.__lineTimers.scheduled = 0")  # the box is there: no chunk waits now

    # Another chat, inside the app: its page takes the chunks, but the line (and its box) is not its.
    _chat_link(page, other).click()
    expect(page).to_have_url(re.compile(f"/chat/{other}/?$"))
    expect(page.get_by_test_id("streaming")).to_have_count(0)

    # Chunks arrived with nowhere to go, waited a little for the box, and then the waiting stopped.
    # (A function, not an expression: Playwright evals an expression in the page, which the CSP refuses.)
    page.wait_for_function(
        "() => window.__lineTimers.scheduled > 0 && window.__lineTimers.pending === 0", timeout=20_000
    )
    assert page.evaluate("window.__lineTimers.scheduled") <= 50

    _chat_link(page, streaming).click()  # back: the stored hint, whole
    expect(page.get_by_test_id("message-hint")).to_contain_text("word word", timeout=20_000)
    expect(page.get_by_test_id("get-answer")).to_be_enabled()  # not left busy (the hint is given)
    assert page.evaluate("window.__lineTimers.pending") == 0


def test_new_messages_are_typed_out_then_shown(page: Page) -> None:
    register(page, "typing")
    page.goto("/")
    page.evaluate(
        """window.__typedCopies = 0;
        new MutationObserver(function (records) {
          records.forEach(function (r) {
            if (r.target.id === 'oj-reveal') { window.__typedCopies += r.addedNodes.length; }
          });
        }).observe(document.body, {childList: true, subtree: true});"""
    )
    page.get_by_test_id("position").fill("devops")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("message-greeting")).to_be_visible()
    expect(page.get_by_test_id("typing")).to_be_empty()  # the copies are gone once typed
    assert page.evaluate("window.__typedCopies") == 2  # the greeting, then the question
    assert page.locator("[data-reveal=true]:not([data-revealed=done])").count() == 0
