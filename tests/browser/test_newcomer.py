"""What a newcomer does in the first minutes, in Chromium: a double click on a suggested role,
Finish pressed before anything was answered or instead of Send, Hint pressed twice."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import CHAT_URL, answer, long_answer, register, start_interview
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

pytestmark = pytest.mark.browser


def test_a_double_click_on_a_suggested_role_starts_one_interview(page: Page) -> None:
    register(page, "double")
    page.goto("/")
    page.get_by_test_id("position").press_sequentially("frontend")
    page.get_by_test_id("suggestion").first.dblclick()
    expect(page).to_have_url(CHAT_URL)
    expect(page.get_by_test_id("current-question")).to_be_visible()
    expect(page.get_by_test_id("chat-link")).to_have_count(1)
    expect(page.get_by_test_id("remaining")).to_contain_text("2 / 3")


def test_finish_asks_first_and_keeps_the_typed_answer_when_declined(page: Page) -> None:
    register(page, "finisher")
    start_interview(page, "devops")
    box = page.get_by_test_id("answer")
    box.fill("I would start with the pipeline and its stages")

    page.get_by_test_id("finish").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("not sent")
    page.get_by_test_id("keep-answering").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(box).to_have_value("I would start with the pipeline and its stages")
    expect(page.get_by_test_id("progress")).to_contain_text("1 / 12")

    # Said yes with nothing answered: finished, and the model is not said to be away.
    box.fill("")
    page.get_by_test_id("finish").click()
    page.get_by_test_id("confirm-finish").click()
    expect(page.get_by_test_id("open-report")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("answer")).to_have_count(0)
    expect(page.get_by_text("offline", exact=False)).to_have_count(0)
    expect(page.get_by_text("built-in", exact=False)).to_have_count(0)


def test_a_given_hint_rests_its_button_until_the_next_question(page: Page, fake_ollama: FakeOllama) -> None:
    """Asked again, a hint only comes back as it is: a second click used to change nothing at all."""
    register(page, "hinted")
    start_interview(page, "devops")
    fake_ollama.script(Reply(text="Think about the stages a commit goes through."))
    page.get_by_test_id("hint").click()
    expect(page.get_by_test_id("message-hint")).to_contain_text("stages")
    expect(page.get_by_test_id("hint")).to_be_disabled()
    expect(page.get_by_test_id("get-answer")).to_be_enabled()
    page.reload()
    expect(page.get_by_test_id("current-question")).to_be_visible()
    expect(page.get_by_test_id("hint")).to_be_disabled()

    answer(page, long_answer("the pipeline"))
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 12")
    expect(page.get_by_test_id("hint")).to_be_enabled()


def test_an_answer_from_a_second_tab_left_behind_is_refused_and_kept(page: Page) -> None:
    register(page, "twotabs")
    start_interview(page, "golang")
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_test_id("progress")).to_contain_text("1 / 12")

    answer(page, long_answer("goroutines"))
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 12")

    # The second tab still shows question 1: what is typed there was meant for it.
    box = other.get_by_test_id("answer")
    box.fill("Goroutines are cheap because their stacks start small and grow.")
    box.press("Enter")
    expect(other.get_by_test_id("chat-error")).to_contain_text("another window")
    expect(box).to_have_value("Goroutines are cheap because their stacks start small and grow.")
    expect(other.get_by_test_id("progress")).to_contain_text("2 / 12")
    expect(other.locator("[data-kind=answer]")).to_have_count(1)
