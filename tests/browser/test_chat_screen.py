"""The chat screen in Chromium: the pinned composer, following new messages, over-long answers."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, RunningApp
from tests.browser.helpers import CHAT_URL, PASSWORD, long_answer
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}


# This module's steps wait longer than tests/browser/helpers.py: on a busy machine the password
# hashing and the first page loads take their time.
PATIENCE = 60_000


def register(page: Page, prefix: str) -> str:
    username = f"{prefix}_{uuid.uuid4().hex[:6]}"
    page.goto("/register")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username, timeout=PATIENCE)
    return username


def start_interview(page: Page, title: str) -> None:
    """Start from the new-interview page; typing before its load handler has run may be reset,
    so the title is typed again until the start goes through."""
    page.goto("/")
    for _attempt in range(3):
        if CHAT_URL.search(page.url) is None:
            page.get_by_test_id("position").fill(title)
            page.get_by_test_id("start").click()
        try:
            expect(page).to_have_url(CHAT_URL, timeout=PATIENCE / 3)
            break
        except AssertionError:
            continue
    expect(page).to_have_url(CHAT_URL)
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=PATIENCE)


def answer(page: Page, text: str) -> None:
    """Send an answer; the box empties once the server has stored it (generous: the machine may be busy)."""
    box = page.get_by_test_id("answer")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("", timeout=PATIENCE)


def _settled(page: Page) -> None:
    """Nothing is being typed out any more."""
    expect(page.get_by_test_id("typing")).to_be_empty(timeout=20_000)
    expect(page.locator("[data-reveal=true]:not([data-revealed=done])")).to_have_count(0)


def _box(page: Page, test_id: str) -> dict[str, float]:
    found = page.get_by_test_id(test_id).last.bounding_box()
    assert found is not None, f"{test_id} is not shown"
    return dict(found)


def _assert_composer_and_last_message_in_view(page: Page) -> None:
    height = page.viewport_size["height"] if page.viewport_size else 0
    composer = _box(page, "composer")
    assert composer["y"] >= 0
    assert composer["y"] + composer["height"] <= height + 1, "the composer is below the fold"
    last = page.locator("[data-testid=messages] > [data-kind]").last.bounding_box()
    assert last is not None
    # The last message is in view, above the composer (not hidden under it).
    assert last["y"] + last["height"] <= composer["y"] + 1
    assert last["y"] + last["height"] > 0


@pytest.mark.parametrize("viewport", [NARROW, WIDE], ids=["narrow", "wide"])
def test_the_composer_stays_in_view_after_ten_answers(page: Page, viewport: dict[str, int]) -> None:
    page.set_viewport_size(viewport)
    register(page, "pinned")
    start_interview(page, "python developer")
    for number in range(1, 11):
        answer(page, long_answer(f"question {number}"))
        expect(page.get_by_test_id("progress")).to_contain_text(f"{number + 1} /")
        _settled(page)
        _assert_composer_and_last_message_in_view(page)
    # The page scrolls: the conversation is longer than the screen, the composer did not scroll away.
    assert page.evaluate("() => document.documentElement.scrollHeight") > viewport["height"] * 2
    expect(page.get_by_test_id("current-question")).to_be_in_viewport()


def test_a_reader_who_scrolled_up_gets_a_new_message_pill(page: Page, fake_ollama: FakeOllama) -> None:
    register(page, "reader")
    start_interview(page, "devops")
    for number in range(1, 5):
        answer(page, long_answer(f"question {number}"))
        _settled(page)
    page.mouse.move(640, 300)
    page.mouse.wheel(0, -20_000)
    page.wait_for_function("() => window.scrollY === 0")
    expect(page.get_by_test_id("new-message")).to_be_hidden()

    fake_ollama.script(Reply(text="Think about where the state of a deployment is kept."))
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("message-hint")).to_contain_text("deployment", timeout=15_000)
    # The reader is left where they were, and told something came.
    assert page.evaluate("() => window.scrollY") == 0
    expect(page.get_by_test_id("new-message")).to_be_visible()
    page.get_by_test_id("new-message").click()
    expect(page.get_by_test_id("message-hint")).to_be_in_viewport()
    expect(page.get_by_test_id("new-message")).to_be_hidden()

    # At the end again, the page follows by itself.
    fake_ollama.script(Reply(text="A strong answer keeps the deployment state in version control."))
    page.get_by_test_id("get-answer").click()
    expect(page.get_by_test_id("message-model_answer")).to_be_in_viewport(timeout=15_000)
    expect(page.get_by_test_id("new-message")).to_be_hidden()


def test_a_double_click_on_send_answers_one_question(page: Page) -> None:
    register(page, "double")
    start_interview(page, "python developer")
    page.get_by_test_id("answer").fill(long_answer("the first question"))
    page.get_by_test_id("send").dblclick()
    expect(page.get_by_test_id("answer")).to_have_value("", timeout=PATIENCE)
    _settled(page)
    # The next answer is handled after both clicks were: it answers the second question.
    answer(page, long_answer("the second question"))
    expect(page.get_by_test_id("progress")).to_contain_text("3 /")
    expect(page.get_by_test_id("message-answer")).to_have_count(2)
    page.reload()
    expect(page.get_by_test_id("message-answer")).to_have_count(2, timeout=PATIENCE)
    expect(page.get_by_test_id("progress")).to_contain_text("3 /")


# How many unsent answers the tab keeps (assets/js/answer-box.js).
DRAFTS = "() => Object.keys(sessionStorage).filter((key) => key.startsWith('oj-draft:')).length"


def test_an_answer_typed_and_not_sent_survives_a_reload(page: Page) -> None:
    register(page, "draft")
    start_interview(page, "devops")
    box = page.get_by_test_id("answer")
    box.fill("Half an answer about blue-green deployments")
    page.reload()
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=PATIENCE)
    expect(box).to_have_value("Half an answer about blue-green deployments")
    box.press("Enter")  # the kept text is sent as it is
    expect(box).to_have_value("", timeout=PATIENCE)
    expect(page.get_by_test_id("message-answer")).to_contain_text("blue-green deployments")
    page.reload()  # sent: not brought back
    expect(page.get_by_test_id("message-answer")).to_have_count(1, timeout=PATIENCE)
    expect(box).to_have_value("")

    box.fill("A second answer, never sent")
    page.wait_for_function(f"({DRAFTS})() === 1")  # kept for the tab
    page.get_by_test_id("logout").click()
    expect(page.locator("#username")).to_be_visible(timeout=PATIENCE)
    assert page.evaluate(DRAFTS) == 0, "the signed-out user's unsent answer stayed in the tab"


def test_a_draft_stays_with_its_own_chat_when_another_is_opened(page: Page) -> None:
    register(page, "drafts")
    start_interview(page, "devops")
    first = page.url.rstrip("/").rsplit("/", 1)[-1]
    start_interview(page, "python developer")
    box = page.get_by_test_id("answer")
    box.fill("An answer meant for the Python interview")
    page.get_by_test_id("chat-link").and_(page.locator(f"[href*='{first}']")).click()
    expect(page).to_have_url(re.compile(first))
    expect(page.get_by_test_id("chat-title")).to_contain_text("DevOps", timeout=PATIENCE)
    expect(box).to_have_value("")
    page.go_back()
    expect(page.get_by_test_id("chat-title")).to_contain_text("Python", timeout=PATIENCE)
    expect(box).to_have_value("An answer meant for the Python interview")


def test_an_over_long_paste_is_kept_and_refused_until_it_fits(page: Page) -> None:
    register(page, "paster")
    start_interview(page, "qa automation")
    box, counter = page.get_by_test_id("answer"), page.get_by_test_id("answer-count")
    pasted = "a" * 3990 + " the end."  # 3,999 characters
    box.focus()
    page.keyboard.insert_text(pasted + "xy")  # a paste of 4,001 characters
    expect(box).to_have_value(pasted + "xy")  # kept whole, nothing cut
    expect(counter).to_contain_text("4001 / 4000")
    expect(counter).to_contain_text("Too long by 1:")
    expect(counter).to_have_attribute("data-over", "true")
    expect(page.get_by_test_id("send")).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_test_id("send")).to_be_disabled()

    box.press("Enter")
    page.get_by_test_id("send").click(force=True)
    expect(box).to_have_value(pasted + "xy")  # refused: still there, nothing sent
    expect(page.locator("[data-kind=answer]")).to_have_count(0)
    expect(page.get_by_test_id("progress")).to_contain_text("1 /")

    box.press("Backspace")
    box.press("Backspace")
    expect(counter).to_have_attribute("data-over", "false")
    expect(counter).to_contain_text("3999 / 4000")
    expect(counter).not_to_contain_text("Too long")
    box.press("Enter")
    expect(page.locator("[data-kind=answer]")).to_contain_text("the end.", timeout=10_000)
    expect(box).to_have_value("")
    expect(counter).to_have_text("")  # emptied by the page: the counter goes too


def _screens(page: Page, name: str) -> None:
    for size, viewport in (("wide", WIDE), ("narrow", NARROW)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # let the layout settle before the picture (no assertion waits on it)
        page.screenshot(path=str(ARTIFACTS / f"chat-{size}-{name}.png"))


def test_screenshots_of_the_chat_light_and_dark(page: Page, fake_ollama: FakeOllama) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    register(page, "pictures")
    start_interview(page, "python developer")
    answer(page, long_answer("the first question"))
    fake_ollama.script(Reply(text="Think about **what is shared** between the threads."))
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("message-hint")).to_be_visible(timeout=15_000)
    _settled(page)
    _screens(page, "light")
    page.set_viewport_size(WIDE)
    before = page.evaluate("() => document.documentElement.className")
    page.get_by_role("button", name="Light / dark theme").click()
    expect(page.locator("html")).not_to_have_class(before)
    _screens(page, "dark")
    assert (ARTIFACTS / "chat-narrow-dark.png").stat().st_size > 0


def test_the_sidebar_shows_local_times_and_stays_readable_on_hover(
    browser: Browser, app_server: RunningApp
) -> None:
    context = browser.new_context(base_url=app_server.url, timezone_id="Asia/Tokyo", viewport=WIDE)
    try:
        page = context.new_page()
        register(page, "tokyo")
        start_interview(page, "devops")
        started = datetime.now(ZoneInfo("Asia/Tokyo"))
        expect(page.get_by_test_id("chat-day")).to_have_text(["Today"])
        meta = page.get_by_test_id("chat-meta").inner_text()
        shown = {(started + timedelta(minutes=m)).strftime("%H:%M") for m in (-1, 0, 1)}
        assert meta.split(" · ")[0] in shown and "in progress" in meta

        title = page.get_by_test_id("chat-link").locator("span, p").first
        before = title.evaluate("(node) => getComputedStyle(node).color")
        page.get_by_test_id("chat-link").hover()
        assert title.evaluate("(node) => getComputedStyle(node).color") == before
        for mode in ("light", "dark"):
            page.screenshot(path=str(ARTIFACTS / f"sidebar-hover-{mode}.png"))
            page.get_by_role("button", name="Light / dark theme").click()
            page.get_by_test_id("chat-link").hover()
            assert title.evaluate("(node) => getComputedStyle(node).color") != "rgba(0, 0, 0, 0)"
    finally:
        context.close()


# Every text the page showed while it loaded: a Russian page must never show English first.
RECORD_TEXTS = """
window.__texts = [];
new MutationObserver(function () {
  if (document.body) { window.__texts.push(document.body.innerText); }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def test_a_russian_page_never_flashes_english(page: Page) -> None:
    page.goto("/register")
    page.get_by_test_id("language").click()
    page.get_by_role("option", name="Русский").click()
    expect(page.get_by_test_id("submit")).to_have_text("Зарегистрироваться")
    register_page_pickers = page.locator("[data-testid=language], [data-testid=page-language]")
    expect(register_page_pickers).to_have_count(1)  # one language picker on the register page
    page.locator("#username").fill("flash_" + datetime.now().strftime("%H%M%S%f"))
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("flash_", timeout=PATIENCE)

    page.add_init_script(RECORD_TEXTS)
    for path in ("/settings", "/"):
        page.goto(path)
        expect(page.get_by_test_id("remaining")).to_contain_text("Осталось собеседований на сегодня: 3 / 3")
        shown = "\n".join(page.evaluate("() => window.__texts"))
        for english in ("Checking", "Interviews left today", "Your interviews", "Settings", "Log out"):
            assert english not in shown, f"{path} showed {english!r} before Russian"
