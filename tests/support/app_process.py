"""The production app in a child process, as `make run` serves it: for browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningApp:
    """Where the app answers, its data folder, its environment and its process group."""

    url: str
    data_dir: Path
    env: dict[str, str]
    pgid: int


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(data_dir: Path, port: int, overrides: Mapping[str, str]) -> dict[str, str]:
    """Its own data, no scheduler, bun for Reflex; the embedded databases unless the overrides name
    others (whatever this process's environment says)."""
    inherited = {
        name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "MONGODB_URL")
    }
    env = {
        **inherited,
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "SCHEDULER_ENABLED": "false",
        # Every test's browser registers from 127.0.0.1 on one app: the throttle is tested in-process.
        "REGISTRATIONS_PER_ADDRESS": "100000",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_USE_GRANIAN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}:{os.environ.get('PATH', '')}",
        **overrides,
    }
    return env


def _wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path, seconds: float) -> None:
    """Block until the API and the page answer; fail early with the log if the app died."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited:\n{log_path.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if (
                httpx.get(f"{url}/api/health", timeout=2).status_code == 200
                and httpx.get(url, timeout=5).status_code == 200
            ):
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start within {seconds:.0f} s")
        time.sleep(0.5)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the app's process group (coverage saves its data then), SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def production_app(
    data_dir: Path, overrides: Mapping[str, str], *, startup_seconds: float = 600
) -> Iterator[RunningApp]:
    """Migrate, then `reflex run --env prod` in its own session; always stopped on the way out."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = app_env(data_dir, port, overrides)
    subprocess.run(
        [sys.executable, "-m", "onlyjobless", "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    log_path = data_dir / "server.log"
    with log_path.open("w") as server_log:
        process = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod", "--loglevel", "warning"],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_ready(url, process, log_path, startup_seconds)
            yield RunningApp(url=url, data_dir=data_dir, env=env, pgid=process.pid)
        finally:
            stop_group(process)
