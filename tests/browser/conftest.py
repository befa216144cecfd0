"""Browser tests: the production build served once per session, driven by Debian's Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.fake_ollama import FakeOllama

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the app's process group (coverage saves its data then), SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class RunningApp:
    url: str
    data_dir: Path
    env: dict[str, str]


@pytest.fixture(scope="session")
def app_server(
    tmp_path_factory: pytest.TempPathFactory, fake_ollama_server: FakeOllama
) -> Iterator[RunningApp]:
    """`reflex run --env prod` on a free port with its own data folder, as `make run` does."""
    data_dir = tmp_path_factory.mktemp("app-data")
    port = _free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "ONLYJOBLESS_ENV": "test",
        "SCHEDULER_ENABLED": "false",
        "OLLAMA_HOST": fake_ollama_server.url,
        "LLM_FIRST_TOKEN_TIMEOUT": "10",
        "LLM_TOTAL_TIMEOUT": "60",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}:{os.environ.get('PATH', '')}",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "onlyjobless", "migrate"], cwd=ROOT, env=env, check=True)
    log = (data_dir / "server.log").open("w")
    reflex = Path(sys.executable).with_name("reflex")
    process = subprocess.Popen(
        [str(reflex), "run", "--env", "prod", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited: {(data_dir / 'server.log').read_text()[-3000:]}")
            try:
                if (
                    httpx.get(f"{url}/api/health", timeout=2).status_code == 200
                    and httpx.get(url, timeout=5).status_code == 200
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not start within 10 minutes")
            time.sleep(1)
        yield RunningApp(url=url, data_dir=data_dir, env=env)
    finally:
        _stop(process)
        log.close()


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
