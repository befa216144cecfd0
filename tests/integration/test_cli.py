"""Operator commands: migrate, bank stats, bank refresh."""

from __future__ import annotations

import json
import sys

import pytest

from onlyjobless import cli
from onlyjobless.services import hub
from onlyjobless.settings import Settings, get_settings
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import bank_replies


@pytest.fixture
def configured(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the process-wide settings at the test database and fake LLM."""
    for name, value in {
        "DATABASE_URL": settings.sql_url,
        "DATA_DIR": str(settings.data_dir),
        "OLLAMA_HOST": settings.ollama_host,
        "JWT_SECRET": "cli-secret-0123456789abcdef0123456789abcdef",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    hub.get_services.cache_clear()
    yield settings
    get_settings.cache_clear()
    hub.get_services.cache_clear()


def test_migrate_and_bank_stats(configured: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert cli.main(["bank", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["vacancies"] >= 40
    assert stats["curated"]["en"] >= 16 and stats["curated"]["ru"] >= 16
    assert stats["versions"] == 0
    assert cli.main(["bank", "stats"]) == 0
    assert "vacancies:" in capsys.readouterr().out


def test_bank_refresh(
    configured: Settings, fake_ollama: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["bank", "refresh"]) == 0
    assert "no bank in use" in capsys.readouterr().out
    fake_ollama.script(*bank_replies())
    assert cli.main(["bank", "refresh", "--vacancy", "backend-go", "--language", "en"]) == 0
    assert "backend-go/en: version" in capsys.readouterr().out
    fake_ollama.script(Reply(status=503), Reply(status=503))
    assert cli.main(["bank", "refresh", "--vacancy", "backend-go", "--language", "en"]) == 1
    assert "kept the old version (llm_busy)" in capsys.readouterr().out


def test_serve_migrates_then_execs_reflex(configured: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execv", lambda file, args: calls.append([file, *args]))
    cli.main(["serve"])
    python = sys.executable
    assert calls == [[python, python, "-m", "reflex", "run", "--env", "prod", "--loglevel", "warning"]]


def test_serve_prebuilt_serves_the_image_build(configured: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execv", lambda file, args: calls.append([file, *args]))
    cli.main(["serve", "--prebuilt"])
    python = sys.executable
    assert calls == [[python, python, "-m", "onlyjobless.ui.serving"]]


def test_health_command(configured: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Healthy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Healthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("PORT", str(server.server_address[1]))
        get_settings.cache_clear()
        assert cli.main(["health"]) == 0
    finally:
        server.shutdown()
        server.server_close()
    get_settings.cache_clear()
    assert cli.main(["health"]) == 1  # nobody listens any more


def test_health_command_shows_why_the_server_is_unhealthy(
    configured: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    body = b'{"status": "degraded", "database": "down", "chat_store": "ok", "llm": "ok"}'

    class Unhealthy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(503)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Unhealthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("PORT", str(server.server_address[1]))
        get_settings.cache_clear()
        assert cli.main(["health"]) == 1
    finally:
        server.shutdown()
        server.server_close()
    assert '"database": "down"' in capsys.readouterr().out


def test_health_direct_checks_each_part_from_this_process(
    configured: Settings,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["health", "--direct"]) == 0
    assert capsys.readouterr().out.strip() == "ok: database ok, chat_store ok, llm ok"
    fake_ollama.set_models([])  # no model: the app runs offline, and still serves
    assert cli.main(["health", "--direct"]) == 0
    assert capsys.readouterr().out.strip() == "degraded: database ok, chat_store ok, llm down"
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    hub.get_services.cache_clear()
    assert cli.main(["health", "--direct"]) == 1
    assert "database down" in capsys.readouterr().out
