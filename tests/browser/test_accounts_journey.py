"""The accounts journey in a real browser against the production build."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Frames

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LOGIN_URL = re.compile(r"/login/?$")
NEW_PASSWORD = "a brand new secret phrase"


def _fill_credentials(page: Page, username: str, password: str) -> None:
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.get_by_test_id("submit").click()


def _register(page: Page, username: str) -> None:
    page.goto("/register")
    _fill_credentials(page, username, PASSWORD)
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)


def test_register_logout_login_language_password_reload(page: Page, frames: Frames) -> None:
    username = f"alice_{uuid.uuid4().hex[:6]}"
    _register(page, username)

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)
    page.goto("/")  # a private page without a session goes back to the login page
    expect(page).to_have_url(LOGIN_URL)

    _fill_credentials(page, username.upper(), PASSWORD)
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)

    page.get_by_test_id("nav-settings").click()
    page.get_by_test_id("settings-language").click()
    page.get_by_role("option", name="Русский").click()
    expect(page.get_by_role("heading", name="Настройки")).to_be_visible()
    expect(page.get_by_test_id("nav-settings")).to_have_text("Настройки")

    page.get_by_test_id("current-password").fill(PASSWORD)
    page.get_by_test_id("new-password").fill(NEW_PASSWORD)
    page.get_by_test_id("save-password").click()
    expect(page.get_by_test_id("password-saved")).to_contain_text("Пароль изменён")

    page.reload()
    expect(page.get_by_role("heading", name="Настройки")).to_be_visible()  # session and language kept

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)
    _fill_credentials(page, username, PASSWORD)
    expect(page.get_by_test_id("form-error")).to_contain_text("Неверное имя пользователя или пароль")
    _fill_credentials(page, username, NEW_PASSWORD)
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)

    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["oj_session"]["httpOnly"] is True
    assert page.evaluate("document.cookie").find("oj_session") == -1
    everything = frames.text()
    assert cookies["oj_session"]["value"] not in everything
    assert "$argon2" not in everything
    assert PASSWORD not in everything and NEW_PASSWORD not in everything


def test_registration_refusals_are_shown_and_typing_is_kept(page: Page) -> None:
    page.goto("/register")
    _fill_credentials(page, "ok_name_" + uuid.uuid4().hex[:4], "password123")
    expect(page.get_by_test_id("form-error")).to_contain_text("too common")
    expect(page.locator("#password")).to_have_value("password123")

    page.get_by_test_id("language").click()  # the register form has one picker: its own
    page.get_by_role("option", name="Русский").click()
    page.locator("#username").fill("x")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("Имя пользователя — от 3 до 32 символов")


def test_private_pages_redirect_without_leaking(page: Page, frames: Frames) -> None:
    page.goto("/settings")
    expect(page).to_have_url(LOGIN_URL)
    assert "signed-in-as" not in page.content()


def test_username_taken_in_settings(page: Page) -> None:
    first = f"bob_{uuid.uuid4().hex[:6]}"
    _register(page, first)
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)
    second = f"carl_{uuid.uuid4().hex[:6]}"
    _register(page, second)
    page.goto("/settings")
    field = page.get_by_test_id("settings-username")
    field.fill(first.upper())
    page.get_by_test_id("save-profile").click()
    expect(page.get_by_test_id("profile-error")).to_contain_text("taken")
    expect(field).to_have_value(first.upper())
    field.fill(second + "_x")
    page.get_by_test_id("save-profile").click()
    expect(page.get_by_test_id("profile-saved")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(second + "_x")
