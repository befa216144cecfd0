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


def test_ollama_is_the_default_backend_with_its_old_names(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path, OLLAMA_HOST="http://gpu:11434", OLLAMA_MODEL="qwen2.5:7b")
    assert settings.llm_backend == "ollama"
    assert (settings.llm_url, settings.llm_model_name) == ("http://gpu:11434", "qwen2.5:7b")
    assert settings.llm_api_key is None
    renamed = Settings(
        DATA_DIR=tmp_path, LLM_BASE_URL="http://other:11434", LLM_MODEL="llama3.2", OLLAMA_MODEL="x"
    )
    assert (renamed.llm_url, renamed.llm_model_name) == ("http://other:11434", "llama3.2")


def test_openai_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LLM_BACKEND", "openai")
    monkeypatch.setenv("LLM_MODEL", "Qwen/Qwen2.5-7B-Instruct")
    monkeypatch.setenv("LLM_API_KEY", "sk-from-env-0123")
    settings = Settings(DATA_DIR=tmp_path)
    assert settings.llm_url == "http://localhost:8000/v1"  # a local vLLM unless LLM_BASE_URL says
    assert settings.llm_model_name == "Qwen/Qwen2.5-7B-Instruct"
    assert settings.llm_api_key is not None and settings.llm_api_key.get_secret_value() == "sk-from-env-0123"
    assert "sk-from-env-0123" not in repr(settings) and "sk-from-env-0123" not in str(settings.model_dump())
    monkeypatch.setenv("LLM_BASE_URL", "https://api.example.com/v1")
    assert Settings(DATA_DIR=tmp_path).llm_url == "https://api.example.com/v1"


def test_openai_backend_needs_a_model_and_backends_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="LLM_MODEL"):
        Settings(DATA_DIR=tmp_path, LLM_BACKEND="openai", OLLAMA_MODEL="mistral")
    with pytest.raises(ValidationError):
        Settings(DATA_DIR=tmp_path, LLM_BACKEND="vllm")


def test_empty_llm_variables_count_as_unset(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path, LLM_BASE_URL="", LLM_MODEL=" ", LLM_API_KEY="")
    assert (settings.llm_base_url, settings.llm_model, settings.llm_api_key) == (None, None, None)
    assert (settings.llm_url, settings.llm_model_name) == ("http://localhost:11434", "mistral")
    with pytest.raises(ValidationError, match="LLM_MODEL"):
        Settings(DATA_DIR=tmp_path, LLM_BACKEND="openai", LLM_MODEL="")
