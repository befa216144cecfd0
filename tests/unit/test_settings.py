"""Settings: embedded defaults, the generated secret, weak secrets refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from onlyjobless.settings import Settings, get_settings


def test_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path)
    assert settings.sql_url == f"sqlite:///{(tmp_path / 'onlyjobless.db').resolve()}"
    assert settings.ollama_host == "http://localhost:11434"
    assert settings.ollama_model == "mistral"
    assert settings.port == 3000


def test_secret_generated_once_owner_only(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path / "data")
    first = settings.secret_key()
    assert len(first) >= 32
    assert settings.secret_key() == first
    mode = stat.S_IMODE((tmp_path / "data" / "jwt_secret").stat().st_mode)
    assert mode == 0o600


@pytest.mark.parametrize("weak", ["short", "changeme", "x" * 31])
def test_weak_secret_refused_outside_development(weak: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(DATA_DIR=tmp_path, JWT_SECRET=weak, ONLYJOBLESS_ENV="production")
    assert Settings(DATA_DIR=tmp_path, JWT_SECRET=weak, ONLYJOBLESS_ENV="development").secret_key() == weak


def test_environment_variables_configure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("OLLAMA_MODEL", "llama3")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.sql_url == "postgresql://db/x"
        assert settings.ollama_model == "llama3"
    finally:
        get_settings.cache_clear()
