"""One settings object, read from environment variables; embedded defaults need none."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32
DEFAULT_OPENAI_URL = "http://localhost:8000/v1"  # vLLM's default address
# Fixed values several layers share (not configurable): the API sets the cookie, the UI reads it.
SESSION_COOKIE = "oj_session"
MAX_ANSWER_LENGTH = 4000  # characters of one answer: the service, the REST schema and the UI
_WEAK_SECRETS = {"changeme", "secret", "changethis", "password", "jwt-secret", "dev"}


class Settings(BaseSettings):
    """Every knob of the service; each field's env variable is its upper-case name."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    env: Literal["production", "development", "test"] = Field(
        default="production", validation_alias="ONLYJOBLESS_ENV"
    )
    data_dir: Path = Field(default=Path("data"), validation_alias="DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    mongodb_url: SecretStr | None = Field(default=None, validation_alias="MONGODB_URL")
    mongodb_db: str = Field(default="onlyjobless", validation_alias="MONGODB_DB")
    # How long `migrate` and `serve` wait for an unreachable SQL database before giving up.
    db_startup_timeout: float = Field(default=60.0, ge=0, validation_alias="DB_STARTUP_TIMEOUT")

    llm_backend: Literal["ollama", "openai"] = Field(default="ollama", validation_alias="LLM_BACKEND")
    llm_base_url: str | None = Field(default=None, validation_alias="LLM_BASE_URL")
    llm_model: str | None = Field(default=None, validation_alias="LLM_MODEL")
    llm_api_key: SecretStr | None = Field(default=None, validation_alias="LLM_API_KEY")
    # Ollama's own names, kept so existing configurations work: the defaults of the two above.
    ollama_host: str = Field(default="http://localhost:11434", validation_alias="OLLAMA_HOST")
    ollama_model: str = Field(default="mistral", validation_alias="OLLAMA_MODEL")
    llm_connect_timeout: float = Field(default=5.0, validation_alias="LLM_CONNECT_TIMEOUT")
    llm_first_token_timeout: float = Field(default=60.0, validation_alias="LLM_FIRST_TOKEN_TIMEOUT")
    llm_total_timeout: float = Field(default=300.0, validation_alias="LLM_TOTAL_TIMEOUT")
    llm_max_tokens: int = Field(default=2048, validation_alias="LLM_MAX_TOKENS")

    jwt_secret: SecretStr | None = Field(default=None, validation_alias="JWT_SECRET")
    # Chat contents at rest: "id:base64 of 32 bytes,..." (the first seals); unset = a key file.
    chat_keys: SecretStr | None = Field(default=None, validation_alias="CHAT_KEYS")
    jwt_issuer: str = "onlyjobless"
    jwt_audience: str = "onlyjobless-api"
    access_token_minutes: int = Field(default=15, validation_alias="ACCESS_TOKEN_MINUTES")
    refresh_token_days: int = Field(default=30, validation_alias="REFRESH_TOKEN_DAYS")
    # Two uses of one refresh token this close together (two tabs) both get its successor.
    refresh_grace_seconds: float = Field(default=10.0, ge=0, le=300, validation_alias="REFRESH_GRACE_SECONDS")
    cookie_secure: bool = Field(default=False, validation_alias="COOKIE_SECURE")
    trust_proxy_headers: bool = Field(default=False, validation_alias="TRUST_PROXY_HEADERS")

    port: int = Field(default=3000, validation_alias="PORT")
    daily_interview_limit: int = Field(default=3, validation_alias="DAILY_INTERVIEW_LIMIT")
    # LLM generations per user and UTC day: hints, model answers, Finish, banks their starts generate.
    llm_daily_budget: int = Field(default=60, ge=0, validation_alias="LLM_DAILY_BUDGET")
    # A role's bank generation that failed is not tried again for this long (starts say so at once).
    bank_failure_cooldown_minutes: float = Field(
        default=10, ge=0, validation_alias="BANK_FAILURE_COOLDOWN_MINUTES"
    )
    # Registrations from one client address per window (every attempt counts); then 429.
    registrations_per_address: int = Field(default=10, ge=1, validation_alias="REGISTRATIONS_PER_ADDRESS")
    registration_window_minutes: float = Field(
        default=60, gt=0, validation_alias="REGISTRATION_WINDOW_MINUTES"
    )
    # The generation lease's time to live; renewed every third of it, taken over after two missed renewals.
    generation_lease_seconds: float = Field(default=30.0, gt=0, validation_alias="GENERATION_LEASE_SECONDS")
    scheduler_enabled: bool = Field(default=True, validation_alias="SCHEDULER_ENABLED")

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        if self.jwt_secret is None or self.env == "development":
            return self
        value = self.jwt_secret.get_secret_value()
        if len(value.encode()) < MIN_SECRET_BYTES or value.lower() in _WEAK_SECRETS:
            raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes of random data")
        return self

    @field_validator("llm_base_url", "llm_model", "llm_api_key", "chat_keys", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`LLM_API_KEY=` (as compose writes an unset variable) means no key, not an empty one."""
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _openai_needs_a_model(self) -> Settings:
        if self.llm_backend == "openai" and not self.llm_model:
            raise ValueError("LLM_MODEL must name the served model when LLM_BACKEND=openai")
        return self

    @property
    def llm_url(self) -> str:
        """The LLM server: LLM_BASE_URL, else OLLAMA_HOST (ollama) or a local vLLM's address (openai)."""
        if self.llm_base_url:
            return self.llm_base_url
        return self.ollama_host if self.llm_backend == "ollama" else DEFAULT_OPENAI_URL

    @property
    def llm_model_name(self) -> str:
        """The model: LLM_MODEL, else OLLAMA_MODEL (the openai backend always names it)."""
        return self.llm_model or self.ollama_model

    @property
    def sql_url(self) -> str:
        """The SQL database URL, defaulting to an SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'onlyjobless.db').resolve()}"

    def secret_key(self) -> str:
        """The JWT signing secret: configured, or generated once into the data folder."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return _stored_secret(self.data_dir / "jwt_secret")

    @property
    def chat_key_file(self) -> Path:
        """Where the generated chat keys live when CHAT_KEYS is not set."""
        return self.data_dir / "chat_keys.json"


def _stored_secret(path: Path) -> str:
    """Read the generated secret, creating it owner-only on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache after changing the environment)."""
    return Settings()
