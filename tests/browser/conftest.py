"""Browser tests: the production build served once per session, driven by Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

from tests.support.app_process import ROOT, RunningApp, production_app
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.fake_ollama import FakeOllama

ARTIFACTS = ROOT / "artifacts" / "browser"


@pytest.fixture(scope="session")
def app_server(
    tmp_path_factory: pytest.TempPathFactory, fake_ollama_server: FakeOllama
) -> Iterator[RunningApp]:
    """The production build on a free port with its own data folder, as `make run` serves it."""
    overrides = {
        "ONLYJOBLESS_ENV": "test",
        "OLLAMA_HOST": fake_ollama_server.url,
        "LLM_FIRST_TOKEN_TIMEOUT": "10",
        "LLM_TOTAL_TIMEOUT": "60",
    }
    with production_app(tmp_path_factory.mktemp("app-data"), overrides) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: sync Playwright runs an event loop, which must be gone before async tests run."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Frames:
    """Every websocket frame the page received, to check what reaches the browser."""

    received: list[str] = field(default_factory=list)

    def attach(self, socket_: WebSocket) -> None:
        socket_.on("framereceived", lambda payload: self.received.append(str(payload)))

    def text(self) -> str:
        return "\n".join(self.received)


@pytest.fixture
def frames() -> Frames:
    return Frames()


# Reports every content-security-policy violation of every document the page loads.
RECORD_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', function (e) {
  window.ojReportViolation([e.effectiveDirective, e.blockedURI, e.sample, e.documentURI].join(' | '));
});
"""


@pytest.fixture
def violations() -> list[str]:
    """The CSP violations the test's pages reported; a test may read it, teardown checks it is empty."""
    return []


@pytest.fixture
def page(
    browser: Browser,
    app_server: RunningApp,
    frames: Frames,
    violations: list[str],
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh browser context per test, which must end with no CSP violation; its last screen is saved."""
    context = browser.new_context(base_url=app_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(20_000)
    context.expose_function("ojReportViolation", lambda text: violations.append(str(text)))
    context.add_init_script(RECORD_VIOLATIONS)
    new_page = context.new_page()
    new_page.on("websocket", frames.attach)
    yield new_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        new_page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
    assert violations == [], "the page broke the content security policy"
