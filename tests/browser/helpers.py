"""Small steps the browser journeys share."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"
LOGIN_URL = re.compile(r"/login/?$")
CHAT_URL = re.compile(r"/chat/[0-9a-f]+/?$")


def register(page: Page, prefix: str = "user") -> str:
    username = f"{prefix}_{uuid.uuid4().hex[:6]}"
    page.goto("/register")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)
    return username


def start_interview(page: Page, title: str) -> None:
    page.goto("/")
    page.get_by_test_id("position").fill(title)
    page.get_by_test_id("start").click()
    expect(page).to_have_url(CHAT_URL, timeout=20_000)
    expect(page.get_by_test_id("current-question")).to_be_visible(timeout=20_000)


def answer(page: Page, text: str) -> None:
    box = page.get_by_test_id("answer")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("", timeout=10_000)


def long_answer(topic: str) -> str:
    return (
        f"About {topic}: I would explain the core idea first, then the trade-offs, "
        "then a concrete example from a production system I worked on, including what went wrong, "
        "how we measured it, and what we changed afterwards to make it reliable and fast."
    )


def finish(page: Page) -> None:
    """Finish Interview, and say yes when it asks."""
    page.get_by_test_id("finish").click()
    page.get_by_test_id("confirm-finish").click()
