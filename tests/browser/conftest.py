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


@pytest.fixture
def page(
    browser: Browser, app_server: RunningApp, frames: Frames, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser context per test; its last screen is saved as an artifact."""
    context = browser.new_context(base_url=app_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(20_000)
    new_page = context.new_page()
    new_page.on("websocket", frames.attach)
    yield new_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        new_page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
