"""docker-compose.yml as Debian's docker-compose 1.29 reads it (the Compose Specification schema,
which `docker compose` v2 implements too), with .env.example's settings and secrets filled in."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.app_process import ROOT

pytestmark = pytest.mark.container

SECRETS = {
    "JWT_SECRET": "0f" * 32,
    "CHAT_KEYS": "k1:" + "A" * 43 + "=",
    "POSTGRES_PASSWORD": "1e" * 32,
    "MONGO_PASSWORD": "2d" * 32,
    "REDIS_PASSWORD": "3c" * 32,
}
LONG_RUNNING = {"proxy", "app1", "app2", "postgres", "mongo", "redis", "ollama"}


def compose_config(project: Path, env_file: str) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` in a copy of the project with this .env (and nothing from our env)."""
    shutil.copy(ROOT / "docker-compose.yml", project / "docker-compose.yml")
    (project / ".env").write_text(env_file)
    return subprocess.run(
        ["docker-compose", "config"],
        cwd=project,
        env={"PATH": os.environ["PATH"], "HOME": str(project)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def filled_env_example() -> str:
    text = (ROOT / ".env.example").read_text()
    for name, value in SECRETS.items():
        text = re.sub(rf"^{name}=$", f"{name}={value}", text, flags=re.MULTILINE)
    return text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("compose")


@pytest.fixture(scope="module")
def config(project: Path) -> dict[str, Any]:
    result = compose_config(project, filled_env_example())
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = yaml.safe_load(result.stdout)
    return parsed


def mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) of each volume in the short form docker-compose 1.29 prints."""
    return [tuple(volume.split(":")[:2]) for volume in service.get("volumes", [])]  # type: ignore[misc]


def test_services_volumes_and_one_public_port(config: dict[str, Any]) -> None:
    services = config["services"]
    assert set(services) == LONG_RUNNING | {"migrate"}
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert list(published) == ["proxy"] and len(published["proxy"]) == 1
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "unless-stopped", name
    assert set(config["volumes"]) == {"postgres-data", "mongo-data", "redis-data", "ollama-models"}
    assert mounts(services["postgres"]) == [("postgres-data", "/var/lib/postgresql/data")]
    assert ("ollama-models", "/root/.ollama") in mounts(services["ollama"])
    assert services["ollama"]["environment"]["OLLAMA_MODEL"] == "mistral"


def test_two_identical_replicas_share_state_through_redis_and_wait_for_migrations(
    config: dict[str, Any],
) -> None:
    services = config["services"]
    app1, app2 = services["app1"], services["app2"]
    assert app1 == app2
    env = app1["environment"]
    assert env["JWT_SECRET"] == SECRETS["JWT_SECRET"]  # one secret: a token from one replica works on both
    assert env["CHAT_KEYS"] == SECRETS["CHAT_KEYS"]  # one keyring: a chat one replica wrote, both read
    assert env["REFLEX_REDIS_URL"] == f"redis://:{SECRETS['REDIS_PASSWORD']}@redis:6379/0"
    assert env["DATABASE_URL"].startswith(
        f"postgresql://onlyjobless:{SECRETS['POSTGRES_PASSWORD']}@postgres:"
    )
    assert env["MONGODB_URL"].startswith(f"mongodb://onlyjobless:{SECRETS['MONGO_PASSWORD']}@mongo:")
    assert env["TRUST_PROXY_HEADERS"] == "true" and env["PUBLIC_URL"] == "http://localhost"
    assert app1["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"] == ["python", "-m", "onlyjobless", "migrate"]
    assert services["migrate"]["environment"] == env and services["migrate"]["image"] == app1["image"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["proxy"]["depends_on"] == {
        "app1": {"condition": "service_healthy"},
        "app2": {"condition": "service_healthy"},
    }


def test_files_the_services_mount_are_in_the_repository(project: Path, config: dict[str, Any]) -> None:
    bound = [Path(source) for service in config["services"].values() for source, _ in mounts(service)]
    files = [source.relative_to(project) for source in bound if source.is_absolute()]
    assert sorted(map(str, files)) == [
        "deploy/nginx/onlyjobless.conf.template",
        "deploy/ollama-start.sh",
        "deploy/tls",
    ]
    for relative in files:
        assert (ROOT / relative).exists(), relative
    template = (ROOT / "deploy" / "nginx" / "onlyjobless.conf.template").read_text()
    assert "server app1:3000" in template and "server app2:3000" in template
    assert "proxy_set_header Upgrade $http_upgrade;" in template
    assert "proxy_set_header Host $http_host;" in template  # with the port, or redirects lose it


def test_a_missing_secret_is_refused_by_name(tmp_path: Path) -> None:
    result = compose_config(tmp_path, (ROOT / ".env.example").read_text())  # secrets left empty
    assert result.returncode != 0
    assert re.search(r"set [A-Z_]+ in \.env", result.stderr), result.stderr
