"""The app's Docker image for tests and benchmarks: build it, run it on the host network, clean up."""

from __future__ import annotations

import contextlib
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.app_process import ROOT, free_port

BUILD_SCRIPT = ROOT / "deploy" / "build-image.sh"
TEST_TAG = "onlyjobless:test"
LABEL = "onlyjobless.test"


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the docker CLI and capture its output; a failure raises with what docker said."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def docker_problem() -> str | None:
    """Why docker cannot be used here, or None when the daemon answers."""
    try:
        result = docker("info", "--format", "{{.ServerVersion}}", timeout=30, check=False)
    except FileNotFoundError:
        return "the docker CLI is not installed (make test installs it: deploy/dockerd.sh)"
    if result.returncode != 0:
        return f"dockerd does not answer (make test starts it: deploy/dockerd.sh):\n{result.stderr.strip()}"
    return None


def build_image(log_path: Path, tag: str = TEST_TAG) -> str:
    """Build the image as `make image` does (cached layers are reused); returns its id."""
    id_file = log_path.with_suffix(".iid")
    with log_path.open("w") as log:
        result = subprocess.run(
            [str(BUILD_SCRIPT), tag, "--iidfile", str(id_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=1800,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"the image did not build:\n{log_path.read_text()[-4000:]}")
    return id_file.read_text().strip()


@dataclass(frozen=True)
class Container:
    """A running container of the app: its name, the named volume holding /data, and its URL."""

    name: str
    volume: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        result = docker("logs", "--tail", "200", self.name, check=False)
        return result.stdout + result.stderr

    def exec(self, *command: str) -> subprocess.CompletedProcess[str]:
        return docker("exec", self.name, *command, check=False)

    def restart(self, seconds: float = 120) -> None:
        """Stop and start the same container (same volume), then wait until it serves again."""
        docker("restart", "--time", "20", self.name, timeout=60)
        wait_until_serving(self, seconds)


def wait_until_serving(container: Container, seconds: float = 120) -> None:
    """Until /api/health and the first page answer; fail early with the logs if it stopped."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if (
                httpx.get(f"{container.url}/api/health", timeout=2).status_code == 200
                and httpx.get(container.url, timeout=5).status_code == 200
            ):
                return
        state = docker("inspect", "--format", "{{.State.Status}}", container.name, check=False).stdout.strip()
        if state not in {"running", "restarting", "created"}:
            raise RuntimeError(f"the container is {state or 'gone'}:\n{container.logs()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the container did not serve within {seconds:.0f} s:\n{container.logs()}")
        time.sleep(0.1)


def start_container(image: str, env: Mapping[str, str], name: str, volume: str) -> Container:
    """`docker run` on the host network, a free port and the named volume; does not wait."""
    port = free_port()
    settings = {"PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}", **env}
    flags = [item for key, value in settings.items() for item in ("-e", f"{key}={value}")]
    docker(
        "run", "-d", "--name", name, "--label", LABEL, "--network", "host",
        "-v", f"{volume}:/data", *flags, image,
    )  # fmt: skip
    return Container(name=name, volume=volume, port=port)


@contextlib.contextmanager
def running_container(image: str, env: Mapping[str, str] | None = None) -> Iterator[Container]:
    """A fresh container with its own named volume, serving; both removed on the way out."""
    suffix = uuid.uuid4().hex[:10]
    name, volume = f"onlyjobless-test-{suffix}", f"onlyjobless-test-{suffix}"
    docker("volume", "create", "--label", LABEL, volume)
    try:
        container = start_container(image, env or {}, name, volume)
        wait_until_serving(container)
        yield container
    finally:
        docker("rm", "-f", "-v", name, check=False)
        docker("volume", "rm", "-f", volume, check=False)
