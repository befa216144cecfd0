"""axe-core on every page, light and dark, English and Russian: no serious or critical violation.

axe is put into the page with `page.evaluate(source)` (what axe-playwright-python does): evaluate runs
through the DevTools protocol, which the page's content security policy does not govern, so the app is
checked under its real policy. `add_script_tag` would add an inline <script>, which the policy refuses,
and a context with `bypass_csp=True` would check a page the users never see.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import RECORD_VIOLATIONS
from tests.browser.helpers import CHAT_URL, PASSWORD, long_answer, register, start_interview
from tests.support.app_process import RunningApp
from tests.support.fake_ollama import FakeOllama
from tests.support.llm_replies import evaluation_replies

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = ("serious", "critical")
WIDE: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 390, "height": 844}
MENU = {"en": "Menu", "ru": "Меню"}
REPORT_URL = re.compile(r"/chat/[0-9a-f]+/report/?$")
# What each page's tab title starts with, in each language (then " · OnlyJobless").
TITLES = {
    "en": {
        "login": "Log in",
        "register": "Create your account",
        "new": "New interview",
        "progress": "Progress",
        "chat": "DevOps",
        "report": "Report: DevOps",
        "settings": "Settings",
        "not_found": "Page not found",
    },
    "ru": {
        "login": "Вход",
        "register": "Создайте аккаунт",
        "new": "Новое собеседование",
        "progress": "Прогресс",
        "chat": "DevOps",
        "report": "Отчёт: DevOps",
        "settings": "Настройки",
        "not_found": "Страница не найдена",
    },
}


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    """The machine is shared: give each expectation 20 s here, then Playwright's default again."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@dataclass
class Audit:
    """One language's visit: its page and what axe found so far, each line naming where."""

    page: Page
    lang: str
    failures: list[str] = field(default_factory=list)

    def scan(self, where: str) -> None:
        """axe on the page as it is now."""
        self.failures.extend(f"[{self.lang} {where}] {item}" for item in _blocking(self.page))

    def check(self, name: str) -> None:
        """One h1; axe in the light theme, then in the dark one (the system's choice, emulated)."""
        page, html = self.page, self.page.locator("html")
        expect(page.locator("h1")).to_have_count(1)  # one top-level heading: the page's, not the app's
        for theme in ("light", "dark"):
            page.emulate_media(color_scheme=theme)
            if theme == "dark":
                expect(html).to_have_class(re.compile(r"\bdark\b"))
            else:
                expect(html).not_to_have_class(re.compile(r"\bdark\b"))
            page.wait_for_timeout(200)  # the theme's colours settle (Radix transitions)
            self.scan(f"{theme} {name}")
        page.emulate_media(color_scheme="light")

    def title(self, key: str) -> None:
        """The tab names the page in the page's language, then the app."""
        wanted = TITLES[self.lang][key]
        expect(self.page).to_have_title(re.compile("^" + re.escape(wanted) + ".* · OnlyJobless$"))


@pytest.fixture(params=["en", "ru"])
def audit(request: pytest.FixtureRequest, browser: Browser, app_server: RunningApp) -> Iterator[Audit]:
    """A fresh context whose browser asks for the language under test; no CSP violation allowed."""
    violations: list[str] = []
    context = browser.new_context(
        base_url=app_server.url,
        viewport=WIDE,
        locale="ru-RU" if request.param == "ru" else "en-GB",
    )
    context.set_default_timeout(20_000)
    context.expose_function("ojReportViolation", lambda text: violations.append(str(text)))
    context.add_init_script(RECORD_VIOLATIONS)
    yield Audit(context.new_page(), request.param)
    context.close()
    assert violations == [], "the page broke the content security policy"


def _blocking(page: Page) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one readable block each."""
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
        for node in violation["nodes"][:5]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"       {summary[:300]}")
        found.append("\n".join(lines))
    return found


# Interactive elements nested in one another: two Tab stops and a confusing name for one control.
NESTED_CONTROLS = "a button, button a, a a, button button"


def test_every_page_passes_axe(audit: Audit, fake_ollama: FakeOllama) -> None:
    page = audit.page
    page.goto("/no-such-page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    audit.title("not_found")
    audit.check("unknown address")
    page.get_by_test_id("not-found-home").click()
    expect(page.locator("#username")).to_be_visible()  # the start page asks a visitor to log in

    page.goto("/login")
    expect(page.locator("#username")).to_be_visible()
    audit.title("login")
    audit.check("login")

    page.goto("/register")
    expect(page.locator("#username")).to_be_visible()
    audit.title("register")
    audit.check("register")

    register(page, "axe")
    page.goto("/")
    expect(page.get_by_test_id("position")).to_be_visible()
    audit.title("new")
    audit.check("new interview")
    expect(page.locator(NESTED_CONTROLS)).to_have_count(0)
    expect(page.get_by_role("link", name=TITLES[audit.lang]["new"]).first).to_be_visible()
    # A phone: the sidebar is behind the menu button, which must be named, and so is the drawer.
    page.set_viewport_size(NARROW)
    audit.scan("narrow")
    page.get_by_role("button", name=MENU[audit.lang]).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit.scan("narrow, menu open")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.set_viewport_size(WIDE)

    page.goto("/progress")
    expect(page.get_by_test_id("progress-empty")).to_be_visible()
    audit.title("progress")
    audit.check("progress (empty)")

    start_interview(page, "devops")
    box = page.get_by_test_id("answer")
    box.fill(long_answer("the first question"))
    page.get_by_test_id("send").click()
    expect(box).to_have_value("", timeout=40_000)
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 12")
    audit.title("chat")
    audit.check("chat")

    fake_ollama.script(*evaluation_replies([7], chunk_size=40))
    page.get_by_test_id("finish").click()
    page.get_by_test_id("confirm-finish").click()
    expect(page.get_by_test_id("open-report")).to_be_visible(timeout=30_000)
    audit.check("chat (finished)")

    page.get_by_test_id("card-open-report").click()
    expect(page).to_have_url(REPORT_URL)
    expect(page.get_by_test_id("report-item").first).to_be_visible()
    audit.title("report")
    audit.check("report")

    page.goto("/progress")
    expect(page.get_by_test_id("role-progress")).to_be_visible()
    audit.check("progress")

    page.goto("/settings")
    expect(page.get_by_test_id("delete-account")).to_be_visible()
    audit.title("settings")
    audit.check("settings")

    assert not audit.failures, "axe found serious or critical violations:\n" + "\n".join(audit.failures)


# The focused element's test id (or id), and whether a focus ring is drawn on it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return ['', ''];
  return [el.getAttribute('data-testid') || el.id || el.tagName, getComputedStyle(el).outlineStyle];
}"""


def _tab_to(page: Page, target: str, most: int = 80) -> str:
    """Press Tab until the element `target` (a test id or an id) has the focus; its outline style."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        name, outline = page.evaluate(FOCUSED)
        if name == target:
            return str(outline)
        seen.append(name)
    raise AssertionError(f"Tab never reached {target}; it went through {seen}")


def test_the_journey_from_the_keyboard(page: Page, fake_ollama: FakeOllama) -> None:
    """Register, start, answer, finish and open the report with Tab, typing and Enter only."""
    page.goto("/register")
    expect(page.locator("#username")).to_be_visible()
    _tab_to(page, "username")
    username = f"keys_{uuid.uuid4().hex[:6]}"
    page.keyboard.type(username)
    _tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    assert _tab_to(page, "submit") != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)

    expect(page.get_by_test_id("position")).to_be_visible()
    _tab_to(page, "position")
    page.keyboard.type("devops")
    page.keyboard.press("Enter")
    expect(page).to_have_url(CHAT_URL)
    expect(page.get_by_test_id("current-question")).to_be_visible()

    _tab_to(page, "answer")
    page.keyboard.type(long_answer("the first question"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("answer")).to_have_value("", timeout=40_000)
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 12")

    fake_ollama.script(*evaluation_replies([6], chunk_size=40))
    assert _tab_to(page, "finish") != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    # It asks first; the focus is in the question (on "Keep answering"), Tab reaches the yes.
    expect(page.get_by_test_id("keep-answering")).to_be_focused()
    assert _tab_to(page, "confirm-finish") != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("card-open-report")).to_be_visible(timeout=30_000)

    assert _tab_to(page, "card-open-report") != "none", "the focused link shows no focus ring"
    page.keyboard.press("Enter")
    expect(page).to_have_url(REPORT_URL)
    expect(page.get_by_test_id("report-item").first).to_be_visible()
