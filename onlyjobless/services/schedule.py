"""The twice-weekly bank regeneration: Monday 00:00 UTC and Thursday 12:00 UTC, once per slot."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine

from onlyjobless.domain.clock import utcnow
from onlyjobless.storage.schedule import ScheduleStore

log = logging.getLogger(__name__)

JOB = "bank-refresh"


def refresh_trigger() -> OrTrigger:
    """Both slots, in UTC whatever the server's own time zone is."""
    return OrTrigger(
        [
            CronTrigger(day_of_week="mon", hour=0, minute=0, timezone=UTC),
            CronTrigger(day_of_week="thu", hour=12, minute=0, timezone=UTC),
        ]
    )


def next_runs(after: datetime, count: int = 4) -> list[datetime]:
    """The next `count` slots strictly after `after`, in UTC."""
    trigger = refresh_trigger()
    runs: list[datetime] = []
    previous: datetime | None = None
    moment = after + timedelta(microseconds=1)
    while len(runs) < count:
        fire = trigger.get_next_fire_time(previous, moment)
        assert fire is not None
        runs.append(fire.astimezone(UTC))
        previous, moment = fire, fire + timedelta(seconds=1)
    return runs


def current_slot(now: datetime) -> datetime:
    """The latest slot at or before `now`: the one a run starting now belongs to."""
    candidates = next_runs(now - timedelta(days=8), count=6)
    return max(slot for slot in candidates if slot <= now)


class BankSchedule:
    """Claims each slot in the database so that only one process of many runs it."""

    def __init__(
        self, engine: Engine, job: Callable[[], Awaitable[object]], *, instance: str | None = None
    ) -> None:
        self._runs = ScheduleStore(engine)
        self._job = job
        self.instance = instance or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._scheduler: AsyncIOScheduler | None = None

    async def run_slot(self, slot: datetime) -> bool:
        """Run the job for this slot unless another instance has claimed it; True if we ran it."""
        if not await self._runs.claim(JOB, slot, self.instance):
            log.info("slot %s of %s already claimed elsewhere", slot.isoformat(), JOB)
            return False
        try:
            result = await self._job()
        except Exception as exc:
            log.exception("scheduled %s failed", JOB)
            await self._runs.finish(JOB, slot, f"error: {type(exc).__name__}")
            return True
        await self._runs.finish(JOB, slot, f"done: {result}")
        return True

    async def _tick(self) -> None:
        await self.run_slot(current_slot(utcnow()))

    def start(self) -> None:
        """Start the in-process scheduler (idempotent)."""
        if self._scheduler is not None:
            return
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._tick, refresh_trigger(), id=JOB, coalesce=True, max_instances=1, misfire_grace_time=3600
        )
        self._scheduler.start()

    def next_run_time(self) -> datetime | None:
        job = self._scheduler.get_job(JOB) if self._scheduler else None
        return job.next_run_time if job else None

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
