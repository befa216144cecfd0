"""The production build under its security headers: every page works in Chromium, framing is refused."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from onlyjobless.api.security import inline_scripts, script_hash
from tests.browser.conftest import RunningApp
from tests.browser.helpers import LOGIN_URL, register, start_interview
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

pytestmark = pytest.mark.browser


def _errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, collected as they happen."""
    found: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(f"uncaught: {error}"))
    return found


def _settle(page: Page) -> None:
    """Let the page finish loading its scripts and its websocket round trips."""
    page.wait_for_load_state("networkidle")


def test_every_page_works_under_the_policy(
    page: Page, violations: list[str], fake_ollama: FakeOllama, app_server: RunningApp
) -> None:
    errors = _errors(page)
    page.goto("/login")
    expect(page.get_by_test_id("submit")).to_be_visible()
    _settle(page)
    page.goto("/register")
    expect(page.locator("#username")).to_be_visible()
    _settle(page)

    register(page, "csp")  # the session cookie arrives through ui/bridge.py, not eval
    _settle(page)
    start_interview(page, "python developer")
    fake_ollama.script(
        Reply(text="Think about who owns the memory once the object is shared.", tokens_per_second=8)
    )
    page.get_by_test_id("hint").click()
    # The running line is filled chunk by chunk by the bridge's <oj-live-feed> element.
    expect(page.locator("#oj-live")).to_contain_text("Think about", timeout=15_000)
    expect(page.get_by_test_id("message-hint")).to_contain_text("shared", timeout=20_000)
    _settle(page)

    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("save-password")).to_be_visible()
    _settle(page)

    page.goto("/docs")
    expect(page.locator(".swagger-ui .information-container")).to_contain_text("OnlyJobless API")
    page.locator(".opblock-summary-path", has_text="/api/health").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody td.response-col_status").first).to_contain_text("200")
    _settle(page)

    page.goto("/")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)
    _settle(page)

    assert violations == []
    assert errors == []
    policy = httpx.get(f"{app_server.url}/login/").headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_the_production_build_sends_the_headers_everywhere(app_server: RunningApp) -> None:
    with httpx.Client(base_url=app_server.url, headers={"Accept-Encoding": "gzip"}) as client:
        pages = {
            path: client.get(path) for path in ("/login/", "/register/", "/", "/settings/", "/chat/0a1b/")
        }
        login = pages["/login/"].text
        asset = next(
            part for part in login.split('"') if part.startswith("/assets/") and part.endswith(".js")
        )
        others = [
            client.get(asset),
            client.get("/js/bridge.js"),
            client.get("/favicon.svg"),
            client.get("/no/such/page"),
            client.get("/docs"),
            client.get("/openapi.json"),
            client.get("/api/health"),
            client.get("/_event/"),  # the websocket endpoint answering plain HTTP
            client.options(
                "/api/auth/login",
                headers={"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"},
            ),
        ]
    for response in [*pages.values(), *others]:
        assert response.headers.get("x-frame-options") == "DENY", response.url
        assert response.headers.get("x-content-type-options") == "nosniff", response.url
        assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", ""), response.url
        assert "strict-transport-security" not in response.headers
    assert [r.status_code for r in others[:4]] == [200, 200, 200, 404]
    assert others[0].headers.get("content-encoding") == "gzip"  # the precompressed copy, headers still on
    assert others[6].headers["cache-control"] == "no-store"
    # Every inline script of every page is allowed by its hash, and nothing else inline is.
    policy = pages["/login/"].headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()
    for path, response in pages.items():
        assert response.status_code == 200, path
        scripts = inline_scripts(response.text)
        assert scripts, path
        assert all(script_hash(script) in script_src for script in scripts), path
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


class _Framer(BaseHTTPRequestHandler):
    """Another origin: one page framing the app, one framing a page of its own (the control)."""

    app_url = ""

    def do_GET(self) -> None:
        if self.path == "/inner":
            body = "<p id='inner'>a page that may be framed</p>"
        else:
            body = (
                f"<iframe id='app' src='{self.app_url}/login' width='600' height='400'></iframe>"
                "<iframe id='control' src='/inner'></iframe>"
            )
        data = f"<!DOCTYPE html><html><body>{body}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextlib.contextmanager
def _other_origin(app_url: str) -> Iterator[str]:
    handler = type("Framer", (_Framer,), {"app_url": app_url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_page_framed_by_another_origin_is_refused(page: Page, app_server: RunningApp) -> None:
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    with _other_origin(app_server.url) as origin:
        page.goto(f"{origin}/")
        control = page.frame_locator("#control")
        expect(control.locator("#inner")).to_have_text("a page that may be framed")  # framing works here
        page.wait_for_load_state("networkidle")
        framed = page.frame_locator("#app")
        expect(framed.locator("#username")).to_have_count(0)
        expect(framed.get_by_test_id("submit")).to_have_count(0)
        app_frames = [frame for frame in page.frames if frame.url.startswith(app_server.url)]
        assert all("Log in" not in frame.content() for frame in app_frames)
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in blocked), blocked
