"""Tables for the shared question bank: versions per (vacancy, language) and their questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from onlyjobless.domain.clock import utcnow
from onlyjobless.storage.types import UTCDateTime

BUILDING, ACTIVE, RETIRED, FAILED = "building", "active", "retired", "failed"


class BankVersion(SQLModel, table=True):
    """One generation of a bank; at most one active and one building per vacancy and language."""

    __tablename__ = "bank_versions"
    __table_args__ = (
        Index(
            "uq_bank_versions_active",
            "vacancy_slug",
            "language",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "uq_bank_versions_building",
            "vacancy_slug",
            "language",
            unique=True,
            sqlite_where=text("status = 'building'"),
            postgresql_where=text("status = 'building'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    vacancy_slug: str = Field(max_length=64, index=True)
    language: str = Field(max_length=8)
    status: str = Field(max_length=16, default=BUILDING)
    source: str = Field(max_length=16)  # "curated" or "llm"
    model: str | None = Field(default=None, max_length=120)
    detail: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    activated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class BankQuestionRow(SQLModel, table=True):
    """A question of one bank version, with its rubric."""

    __tablename__ = "bank_questions"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="bank_versions.id", index=True, ondelete="CASCADE")
    position: int
    topic: str = Field(max_length=120)
    text: str = Field(max_length=1000)
    key_points: list[str] = Field(sa_column=Column(JSON, nullable=False))
    hint: str = Field(max_length=600)
    model_answer: str = Field(max_length=4000)


class SchedulerRun(SQLModel, table=True):
    """A claimed slot of a scheduled job: the primary key makes each slot run once."""

    __tablename__ = "scheduler_runs"

    job: str = Field(primary_key=True, max_length=64)
    slot: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    claimed_by: str = Field(max_length=120)
    started_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    outcome: str | None = Field(default=None, max_length=500)
