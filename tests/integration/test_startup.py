"""Starting with an unreachable SQL database: `migrate` and `serve` retry with backoff, one line per
attempt, then exit 1 with a one-line error and no traceback; a database that comes back in time is used."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.app_process import free_port
from tests.support.databases import PostgresOutage

ROOT = Path(__file__).resolve().parents[2]


def _environment(tmp_path: Path, database_url: str, timeout: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "MONGODB_URL", "DB_STARTUP_TIMEOUT")
    }
    env.update(DATA_DIR=str(tmp_path), DATABASE_URL=database_url, DB_STARTUP_TIMEOUT=timeout)
    return env


@pytest.mark.parametrize("command", [["migrate"], ["serve", "--prebuilt"]])
def test_an_unreachable_database_ends_in_one_line_after_the_retries(
    tmp_path: Path, command: list[str]
) -> None:
    nobody = f"postgresql://onlyjobless:hunter2-secret@127.0.0.1:{free_port()}/onlyjobless"
    finished = subprocess.run(
        [sys.executable, "-m", "onlyjobless", *command],
        cwd=ROOT,
        env=_environment(tmp_path, nobody, "2.5"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 1
    lines = finished.stderr.strip().splitlines()
    attempts = [line for line in lines if "not reachable (attempt" in line]
    assert len(attempts) >= 2  # retried: 1 s, then 1.5 s (what was left of 2.5)
    assert "attempt 1, OperationalError" in attempts[0]
    assert "attempt 2," in attempts[1]
    assert lines[-1].startswith("error: the SQL database cannot be reached (OperationalError)")
    assert len(lines) == len(attempts) + 1  # nothing else: no traceback
    assert "Traceback" not in finished.stderr and "hunter2-secret" not in finished.stderr
    assert finished.stdout == ""


@pytest.fixture
def outage() -> Iterator[PostgresOutage]:
    database = PostgresOutage()
    yield database
    database.up()
    database.close()


def test_a_database_that_comes_back_in_time_is_migrated(tmp_path: Path, outage: PostgresOutage) -> None:
    outage.down()
    process = subprocess.Popen(
        [sys.executable, "-m", "onlyjobless", "migrate"],
        cwd=ROOT,
        env=_environment(tmp_path, outage.url, "120"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()  # blocks until the first refused attempt is reported
        assert "not reachable (attempt 1, OperationalError)" in first
        outage.up()
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "database is up to date" in out
    assert "error:" not in err
