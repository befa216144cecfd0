"""Shared fixtures: settings, both SQL databases, the services and an API client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

os.environ.setdefault("ONLYJOBLESS_ENV", "test")
os.environ.setdefault("SCHEDULER_ENABLED", "false")

from onlyjobless.api.app import create_api
from onlyjobless.services.hub import Services, build_services
from onlyjobless.settings import Settings
from tests.support import databases
from tests.support.fake_http import FakeLLMServer
from tests.support.fixtures import (  # noqa: F401  (fixtures)
    FAKE_OPENAI_KEY,
    fake_ollama,
    fake_ollama_server,
    fake_openai,
    fake_openai_server,
)
from tests.support.mongo_server import (  # noqa: F401  (fixtures)
    mongo_database,
    mongo_server,
    mongo_url,
    own_mongo_server,
)

TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def _sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return databases.migrated(databases.sqlite_url(tmp_path_factory.mktemp("sqlite")))


@pytest.fixture(scope="session")
def _postgresql_engine() -> Iterator[Engine]:
    engine = databases.migrated(databases.postgres_url())
    yield engine
    engine.dispose()
    databases.drop_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each test that takes it runs once on SQLite and once on PostgreSQL, on empty tables."""
    chosen: Engine = request.getfixturevalue(f"_{request.param}_engine")
    databases.wipe(chosen)
    return chosen


@pytest.fixture
def llm_backend() -> str:
    """The LLM backend of the `settings`: Ollama, unless a test parametrizes it ("openai")."""
    return "ollama"


@pytest.fixture
def fake_llm(llm_backend: str, request: pytest.FixtureRequest) -> FakeLLMServer:
    """The clean fake server of the chosen backend; both take the same scripts."""
    fake: FakeLLMServer = request.getfixturevalue(f"fake_{llm_backend}")
    return fake


def _llm_settings(backend: str, fake: FakeLLMServer) -> dict[str, object]:
    if backend == "openai":
        model = fake.default_models[0]
        return {
            "LLM_BACKEND": "openai",
            "LLM_BASE_URL": fake.url,
            "LLM_MODEL": model,
            "LLM_API_KEY": FAKE_OPENAI_KEY,
        }
    return {"OLLAMA_HOST": fake.url}


@pytest.fixture
def settings(engine: Engine, tmp_path: Path, llm_backend: str, fake_llm: FakeLLMServer) -> Settings:
    """Test settings: the chosen database and the chosen backend's fake server, with short LLM timeouts."""
    return Settings(
        ONLYJOBLESS_ENV="test",
        DATA_DIR=tmp_path,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        JWT_SECRET=TEST_SECRET,
        SCHEDULER_ENABLED=False,
        LLM_CONNECT_TIMEOUT=2,
        LLM_FIRST_TOKEN_TIMEOUT=5,
        LLM_TOTAL_TIMEOUT=10,
        **_llm_settings(llm_backend, fake_llm),
    )


@pytest.fixture
def services(settings: Settings) -> Services:
    return build_services(settings)


@pytest.fixture
async def api(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """The REST API in-process, over real HTTP semantics (ASGI transport)."""
    transport = httpx.ASGITransport(app=create_api(services), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
