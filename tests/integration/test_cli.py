"""Operator commands: migrate, bank stats, bank refresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
    keys = configured.data_dir / "chat_keys.json"  # generated with the JWT secret, owner-only
    assert keys.stat().st_mode & 0o777 == 0o600 and len(json.loads(keys.read_text())["keys"]) == 1
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
    assert capsys.readouterr().out.strip() == "degraded: database ok, chat_store ok, llm down (down: llm)"
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    hub.get_services.cache_clear()
    assert cli.main(["health", "--direct"]) == 1
    out = capsys.readouterr().out
    assert "database down" in out and "(down: database" in out


def test_migrate_says_when_it_created_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("JWT_SECRET", "cli-secret-0123456789abcdef0123456789abcdef")
    get_settings.cache_clear()
    try:
        assert cli.main(["migrate"]) == 0
        assert capsys.readouterr().out.strip() == "database created"
        assert cli.main(["migrate"]) == 0
        assert capsys.readouterr().out.strip() == "database is up to date"
    finally:
        get_settings.cache_clear()


def test_about_prints_one_line_without_secrets(
    configured: Settings, fake_ollama: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["about"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert f"http://127.0.0.1:{configured.port}" in line
    assert str(configured.data_dir.resolve()) in line
    assert configured.llm_model_name in line and ": reachable" in line
    assert "chats in the same database" in line
    assert "@" not in line  # no credentials of the database URL

    fake_ollama.set_models([])  # the server answers, the model is not there
    assert cli.main(["about"]) == 0
    assert "NOT reachable" in capsys.readouterr().out


def test_the_startup_line_names_mongodb_and_postgres_without_credentials() -> None:
    settings = Settings(
        DATABASE_URL="postgresql+psycopg://app:hunter2@db.example:5432/jobs",
        MONGODB_URL="mongodb://user:s3cret@mongo.example:27017/?authSource=admin",
        JWT_SECRET="cli-secret-0123456789abcdef0123456789abcdef",
    )
    line = cli.startup_line(settings, llm_reachable=False)
    assert "postgresql db.example:5432/jobs" in line
    assert "chats in MongoDB mongodb://mongo.example:27017/onlyjobless" in line
    assert "hunter2" not in line and "s3cret" not in line and "NOT reachable" in line
