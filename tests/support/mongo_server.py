"""A MongoDB server speaking the real wire protocol, in a child process, for tests.

The server is SecantusDB (`secantusd-py`), installed by `make test` into `.venv-mongo/`, a
virtualenv of its own: it is GPL-2.0, a test tool that the app never imports. Each server keeps
its data in a folder of its own on 127.0.0.1 and a port of its own, and can be stopped, started
again on the same port (data kept), wiped while stopped (the database replaced) or killed like a
crash, so fault tests can take the store's backend away and bring it back.

Fixtures (registered in tests/conftest.py):
- `mongo_url`: the server the Mongo tests use. `ONLYJOBLESS_TEST_MONGODB_URL` names one (a real
  MongoDB, say); otherwise it is `mongo_server`'s.
- `mongo_server`: the session's own server. A test may stop and start it, but must leave it
  running; a test that breaks things should take `own_mongo_server` instead.
- `own_mongo_server`: a fresh server for one test, removed after it.
- `mongo_database`: a database name on `mongo_url` no other test uses, dropped after the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / ".venv-mongo" / "bin" / "secantusd-py"
URL_VARIABLE = "ONLYJOBLESS_TEST_MONGODB_URL"
START_SECONDS = 30.0
STOP_SECONDS = 15.0


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connect(url: str, *, timeout_ms: int = 5000) -> MongoClient[dict[str, Any]]:
    """A pymongo client of `url` that gives up after `timeout_ms` (the caller closes it)."""
    return MongoClient(url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms)


def _environment() -> dict[str, str]:
    """The server's environment: ours without Python and coverage settings meant for the app's venv."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "COVERAGE", "VIRTUAL_ENV"))
    }


class MongoServer:
    """One SecantusDB process on 127.0.0.1 (a single-node replica set), its data in its own folder.

    `--enable-test-commands` is on, so `fail_commands` can arm mongod's `failCommand` fail point.
    """

    def __init__(self, *, port: int | None = None, executable: Path = SERVER) -> None:
        if not executable.exists():
            raise RuntimeError(
                f"no MongoDB wire server at {executable}: run `make .venv-mongo/.installed` "
                f"(make test does), or set {URL_VARIABLE} to a MongoDB the tests may use"
            )
        self.executable = executable
        self.port = port or free_port()
        self.url = f"mongodb://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="onlyjobless-mongo-"))
        self.data = self.folder / "data"
        self.data.mkdir()
        self.log = self.folder / "server.log"
        # An empty configuration file stops the server from picking up a secantusd.toml
        # from the working directory or the home folder.
        self.config = self.folder / "secantusd.toml"
        self.config.write_text("")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        return [
            str(self.executable),
            "--config",
            str(self.config),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            str(self.data),
            "--cache-size",
            "64M",
            "--log-level",
            "WARNING",
            "--enable-test-commands",
        ]

    def start(self) -> None:
        """Start the server (again, on the same port with the same data) and wait until it answers a ping."""
        if self.running:
            raise RuntimeError("the MongoDB test server is already running")
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_environment(),
                cwd=self.folder,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"the MongoDB test server exited:\n{self.log_tail()}")
            with contextlib.suppress(PyMongoError), self.client(timeout_ms=250) as client:
                client.admin.command("ping")
                return
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(
                    f"the MongoDB test server did not answer within {START_SECONDS:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """Shut the server down cleanly (SIGTERM; SIGKILL if it hangs). Its data stays."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """End the server at once, as a crash would (SIGKILL): no clean shutdown."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def wipe(self) -> None:
        """Empty the data folder while stopped: the next start serves a new, empty database."""
        if self.running:
            raise RuntimeError("stop the MongoDB test server before wiping its data")
        shutil.rmtree(self.data)
        self.data.mkdir()

    def close(self) -> None:
        """End the server and remove its folder (its data is thrown away, so no clean shutdown)."""
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def client(self, *, timeout_ms: int = 5000) -> MongoClient[dict[str, Any]]:
        """A pymongo client of this server (the caller closes it)."""
        return connect(self.url, timeout_ms=timeout_ms)

    def log_tail(self, characters: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def fail_commands(
    url: str,
    commands: Sequence[str],
    *,
    times: int = 1,
    error_code: int | None = None,
    close_connection: bool = False,
    app_name: str | None = None,
) -> None:
    """Arm the server's `failCommand` fail point: the next `times` of these commands fail.

    `close_connection=True` drops the connection as a network fault would; `error_code` makes
    the command answer that server error instead. `app_name` limits it to the clients created
    with that `appname`. Needs a server started with test commands (MongoServer is).
    """
    data: dict[str, Any] = {"failCommands": list(commands)}
    if close_connection:
        data["closeConnection"] = True
    if error_code is not None:
        data["errorCode"] = error_code
    if app_name is not None:
        data["appName"] = app_name
    with connect(url) as client:
        client.admin.command("configureFailPoint", "failCommand", mode={"times": times}, data=data)


def clear_fail_commands(url: str) -> None:
    """Switch the `failCommand` fail point off."""
    with connect(url) as client:
        client.admin.command("configureFailPoint", "failCommand", mode="off")


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mongo_server() -> Iterator[MongoServer]:
    """The session's wire server, started once; stopped and removed at the end."""
    with MongoServer() as server:
        yield server


@pytest.fixture(scope="session")
def mongo_url(request: pytest.FixtureRequest) -> str:
    """`ONLYJOBLESS_TEST_MONGODB_URL` when set, else the session's own server."""
    external = os.environ.get(URL_VARIABLE)
    if external:
        return external
    server: MongoServer = request.getfixturevalue("mongo_server")
    return server.url


@pytest.fixture
def own_mongo_server() -> Iterator[MongoServer]:
    """A server for this test alone, to stop, wipe or kill at will; removed after the test."""
    with MongoServer() as server:
        yield server


@pytest.fixture
def mongo_database(mongo_url: str) -> Iterator[str]:
    """A database name on `mongo_url` that no other test or run uses; dropped after the test."""
    name = f"onlyjobless_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    yield name
    with connect(mongo_url) as client:
        client.drop_database(name)
