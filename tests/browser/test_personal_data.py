"""Settings in a real browser: download my data, then delete my account with its password."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import LOGIN_URL, PASSWORD, answer, long_answer, register, start_interview

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _patient() -> Iterator[None]:
    """Several steps hash a password (Argon2id) on a shared, busy machine: wait up to 30 s."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


def test_download_my_data_then_delete_my_account(page: Page) -> None:
    username = register(page, "leaver")
    start_interview(page, "devops")
    answer(page, long_answer("blue-green rollouts"))

    page.get_by_test_id("nav-settings").click()
    with page.expect_download() as waiting:
        page.get_by_test_id("download-data").click()
    download = waiting.value
    assert download.suggested_filename.startswith("onlyjobless-data-")
    exported = json.loads(open(download.path(), encoding="utf-8").read())  # noqa: SIM115, PTH123
    assert exported["account"]["username"] == username and "password_hash" not in exported["account"]
    assert len(exported["chats"]) == 1
    contents = [message["content"] for message in exported["chats"][0]["messages"]]
    assert long_answer("blue-green rollouts") in contents

    page.get_by_test_id("delete-password").fill("not my password")
    page.get_by_test_id("delete-account").click()
    expect(page.get_by_test_id("delete-error")).to_contain_text("password")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)  # nothing happened

    page.get_by_test_id("delete-password").fill(PASSWORD)
    page.get_by_test_id("delete-account").click()
    expect(page).to_have_url(LOGIN_URL)
    assert "oj_session" not in {cookie["name"] for cookie in page.context.cookies()}
    page.goto("/settings")
    expect(page).to_have_url(LOGIN_URL)

    # The name is free again; the new account starts with no interviews.
    page.goto("/register")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)
    expect(page.get_by_test_id("no-chats")).to_be_visible()
    expect(page.get_by_test_id("chat-link")).to_have_count(0)
