"""The bank schedule: both slots in UTC across daylight-saving changes; one run per slot."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from onlyjobless.services.hub import Services
from onlyjobless.services.schedule import BankSchedule, current_slot, next_runs
from onlyjobless.storage.schedule import SchedulerRun


@pytest.fixture(params=["America/New_York", "Europe/Berlin", "Australia/Sydney"])
def server_timezone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process in a non-UTC zone that changes clocks."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Across the US spring-forward (8 March 2026) and the EU one (29 March 2026).
        (
            datetime(2026, 3, 5, 13, 0, tzinfo=UTC),
            [
                datetime(2026, 3, 9, 0, 0, tzinfo=UTC),
                datetime(2026, 3, 12, 12, 0, tzinfo=UTC),
                datetime(2026, 3, 16, 0, 0, tzinfo=UTC),
                datetime(2026, 3, 19, 12, 0, tzinfo=UTC),
            ],
        ),
        (
            datetime(2026, 3, 26, 12, 0, tzinfo=UTC),  # exactly a slot: the next one comes after it
            [
                datetime(2026, 3, 30, 0, 0, tzinfo=UTC),
                datetime(2026, 4, 2, 12, 0, tzinfo=UTC),
                datetime(2026, 4, 6, 0, 0, tzinfo=UTC),
                datetime(2026, 4, 9, 12, 0, tzinfo=UTC),
            ],
        ),
        # Across the EU fall-back (25 October 2026) and the US one (1 November 2026).
        (
            datetime(2026, 10, 24, 0, 0, tzinfo=UTC),
            [
                datetime(2026, 10, 26, 0, 0, tzinfo=UTC),
                datetime(2026, 10, 29, 12, 0, tzinfo=UTC),
                datetime(2026, 11, 2, 0, 0, tzinfo=UTC),
                datetime(2026, 11, 5, 12, 0, tzinfo=UTC),
            ],
        ),
    ],
)
def test_next_runs_stay_in_utc_across_dst(
    server_timezone: str, start: datetime, expected: list[datetime]
) -> None:
    runs = next_runs(start, count=4)
    assert runs == expected
    assert all(run.tzinfo is not None and run.utcoffset() == UTC.utcoffset(None) for run in runs)


def test_current_slot_is_the_latest_at_or_before_now() -> None:
    assert current_slot(datetime(2026, 11, 23, 0, 0, tzinfo=UTC)) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert current_slot(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert current_slot(datetime(2026, 11, 26, 12, 5, tzinfo=UTC)) == datetime(
        2026, 11, 26, 12, 0, tzinfo=UTC
    )


async def test_two_instances_run_a_slot_once(services: Services) -> None:
    calls: list[str] = []

    async def job() -> str:
        calls.append("run")
        await asyncio.sleep(0.05)
        return "ok"

    first = BankSchedule(services.engine, job, instance="worker-1")
    second = BankSchedule(services.engine, job, instance="worker-2")
    slot = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    ran = await asyncio.gather(first.run_slot(slot), second.run_slot(slot), first.run_slot(slot))
    assert sorted(ran) == [False, False, True]
    assert calls == ["run"]
    with Session(services.engine) as session:
        [row] = session.exec(select(SchedulerRun)).all()
    assert row.outcome == "done: ok" and row.finished_at is not None
    # The next slot is a new claim.
    assert await second.run_slot(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    assert calls == ["run", "run"]


async def test_a_failing_job_is_recorded_and_not_rerun(services: Services) -> None:
    async def job() -> str:
        raise RuntimeError("boom")

    schedule = BankSchedule(services.engine, job)
    slot = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert await schedule.run_slot(slot)
    assert not await schedule.run_slot(slot)
    with Session(services.engine) as session:
        assert session.exec(select(SchedulerRun)).one().outcome == "error: RuntimeError"


async def test_started_scheduler_waits_for_the_next_slot(services: Services) -> None:
    schedule = services.schedule
    assert schedule.next_run_time() is None
    schedule.start()
    schedule.start()  # idempotent
    try:
        upcoming = schedule.next_run_time()
        assert upcoming is not None
        assert upcoming.astimezone(UTC) == next_runs(datetime.now(UTC), 1)[0]
    finally:
        schedule.stop()
    assert schedule.next_run_time() is None


async def test_tick_runs_the_current_slot(services: Services) -> None:
    calls: list[int] = []

    async def job() -> str:
        calls.append(1)
        return "ok"

    schedule = BankSchedule(services.engine, job)
    await schedule._tick()
    await schedule._tick()
    assert calls == [1]
