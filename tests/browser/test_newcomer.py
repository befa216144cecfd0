"""What a newcomer does in the first minutes, in Chromium: a double click on a suggested role, and
Finish pressed before anything was answered or instead of Send."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import CHAT_URL, register, start_interview

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
