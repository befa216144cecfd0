"""In Chromium, against the production build on PostgreSQL and the MongoDB wire server: during an
outage the login form and the sidebar end in a translated error, and the same page works again
once the database is back, without a reload; a signed-in page reloaded during the outage stays,
says so and shows itself once the database is back."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.helpers import PASSWORD
from tests.support.app_process import RunningApp, production_app
from tests.support.databases import PostgresOutage
from tests.support.fake_ollama import FakeOllama
from tests.support.mongo_server import MongoServer

pytestmark = pytest.mark.browser

LOGIN_URL = re.compile(r"/login/?$")
# Bounds for waiting on a loaded machine (the app warms its models at start), not measurements.
SLOW_MS = 60_000


def register(page: Page, prefix: str) -> str:
    username = f"{prefix}_{uuid.uuid4().hex[:6]}"
    page.goto("/register")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username, timeout=SLOW_MS)
    return username


@pytest.fixture(scope="module")
def outage() -> Iterator[PostgresOutage]:
    database = PostgresOutage()
    yield database
    database.up()
    database.close()


@pytest.fixture(scope="module")
def chat_server() -> Iterator[MongoServer]:
    with MongoServer() as server:
        yield server


@pytest.fixture(scope="module")
def app_server(
    tmp_path_factory: pytest.TempPathFactory,
    fake_ollama_server: FakeOllama,
    outage: PostgresOutage,
    chat_server: MongoServer,
) -> Iterator[RunningApp]:
    """This module's own app: accounts in a PostgreSQL database it can take away, chats on Mongo."""
    overrides = {
        "ONLYJOBLESS_ENV": "test",
        "OLLAMA_HOST": fake_ollama_server.url,
        "DATABASE_URL": outage.url,
        "MONGODB_URL": chat_server.url,
        "MONGODB_DB": "outage",
    }
    with production_app(tmp_path_factory.mktemp("outage-app"), overrides) as running:
        yield running


def test_login_during_a_database_outage_shows_the_error_then_works(
    page: Page, outage: PostgresOutage
) -> None:
    username = register(page, "outage")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)

    outage.down()
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("temporarily unavailable", timeout=SLOW_MS)
    expect(page.get_by_test_id("submit")).to_have_text("Log in")  # not stuck on "One moment…"

    outage.up()
    page.get_by_test_id("submit").click()  # the same page, no reload
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username, timeout=SLOW_MS)


def test_the_sidebar_shows_the_chat_store_error_then_recovers(page: Page, chat_server: MongoServer) -> None:
    register(page, "sidebar")
    expect(page.get_by_test_id("no-chats")).to_be_visible()

    chat_server.stop()
    try:
        page.reload()
        expect(page.get_by_test_id("sidebar-error")).to_contain_text("cannot be reached", timeout=SLOW_MS)
        expect(page.get_by_test_id("no-chats")).to_have_count(0)  # not "No interviews yet"
        expect(page.get_by_test_id("remaining")).to_contain_text("3 / 3")  # the SQL side still answers
    finally:
        chat_server.start()

    page.get_by_test_id("sidebar-retry").click()
    expect(page.get_by_test_id("sidebar-error")).to_have_count(0, timeout=SLOW_MS)
    expect(page.get_by_test_id("no-chats")).to_be_visible()


def test_a_signed_in_page_reloaded_during_an_outage_stays_and_recovers_by_itself(
    page: Page, outage: PostgresOutage
) -> None:
    username = register(page, "waits")
    page.get_by_test_id("nav-settings").click()
    expect(page).to_have_url(re.compile(r"/settings/?$"), timeout=SLOW_MS)

    outage.down()
    try:
        page.reload()
        notice = page.get_by_test_id("service-unavailable")
        expect(notice).to_contain_text("temporarily unavailable", timeout=SLOW_MS)
        expect(page).to_have_url(re.compile(r"/settings/?$"))  # not sent to the login page
    finally:
        outage.up()

    # No reload: the page tries again by itself and shows itself, signed in as before.
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username, timeout=SLOW_MS)
    expect(notice).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/settings/?$"))


def test_a_login_whose_session_cannot_be_opened_says_why_and_the_form_works_again(
    page: Page, outage: PostgresOutage
) -> None:
    username = register(page, "ticket")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)

    def outage_first(route: Route) -> None:
        """The database goes away between the credentials' check and the cookie's redemption."""
        outage.down()
        route.continue_()

    page.route("**/api/auth/session", outage_first)
    try:
        page.locator("#username").fill(username)
        page.locator("#password").fill(PASSWORD)
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("form-error")).to_contain_text("temporarily unavailable", timeout=SLOW_MS)
        expect(page).to_have_url(re.compile(r"/login/?\?reason=unavailable$"))
    finally:
        page.unroute("**/api/auth/session")
        outage.up()

    expect(page.get_by_test_id("submit")).to_have_text("Log in")  # the form is usable
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username, timeout=SLOW_MS)
