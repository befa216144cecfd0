"""Claimed slots of scheduled jobs: the primary key makes each slot run once, whatever the process count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from onlyjobless.domain.clock import utcnow
from onlyjobless.storage.db import in_thread, session_scope
from onlyjobless.storage.types import UTCDateTime


class SchedulerRun(SQLModel, table=True):
    """A claimed slot of a scheduled job: the primary key makes each slot run once."""

    __tablename__ = "scheduler_runs"

    job: str = Field(primary_key=True, max_length=64)
    slot: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    claimed_by: str = Field(max_length=120)
    started_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    outcome: str | None = Field(default=None, max_length=500)


class ScheduleStore:
    """Slot claims and their outcomes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @in_thread
    def claim(self, job: str, slot: datetime, claimed_by: str) -> bool:
        """True for the one caller that claims this slot first."""
        try:
            with session_scope(self._engine) as session:
                session.add(SchedulerRun(job=job, slot=slot, claimed_by=claimed_by))
        except IntegrityError:
            return False
        return True

    @in_thread
    def finish(self, job: str, slot: datetime, outcome: str) -> None:
        """Record when and how a claimed slot ended."""
        with session_scope(self._engine) as session:
            run = session.get(SchedulerRun, (job, slot))
            if run is not None:
                run.finished_at, run.outcome = utcnow(), outcome[:500]
                session.add(run)
