"""The bank schedule runs each slot once when several worker processes share one database.

Each worker starts the scheduler (Reflex runs lifespan tasks per process); the slot is claimed in
the database before the job runs. Here separate processes race for the same slot on PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.app_process import ROOT

WORKERS = 4
SLOT = "2026-11-26T12:00:00+00:00"

# What each worker process runs: the real BankSchedule with a job that notes its run in a file.
RACE = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from onlyjobless.services.schedule import BankSchedule
from onlyjobless.storage.db import get_engine

url, slot, ran, go = sys.argv[1], datetime.fromisoformat(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])

async def job():
    with ran.open("a") as notes:
        notes.write("ran\\n")
    return "ok"

async def main():
    schedule = BankSchedule(get_engine(url), job)
    while not go.exists():  # every process is up and connected before the race starts
        await asyncio.sleep(0.01)
    print(await schedule.run_slot(slot))

asyncio.run(main())
"""


@pytest.fixture
def postgres() -> Iterator[str]:
    name = f"onlyjobless_slots_{uuid.uuid4().hex[:8]}"
    url = databases.postgres_url(name)
    databases.migrated(url)
    yield url
    databases.drop_postgres(name)


def test_workers_racing_for_a_slot_run_it_once(postgres: str, tmp_path: Path) -> None:
    ran, go = tmp_path / "ran", tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, postgres, SLOT, str(ran), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    go.touch()
    answers = [worker.communicate(timeout=120)[0].strip() for worker in workers]
    assert sorted(answers) == ["False"] * (WORKERS - 1) + ["True"]
    assert ran.read_text() == "ran\n"
