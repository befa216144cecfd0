"""The shared question bank: versions per (vacancy, language) and their questions, and their store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Column, Index, func, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, Session, SQLModel, col, select

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.questions import BankQuestion
from onlyjobless.storage.db import in_thread, session_scope
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
    failed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


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


@dataclass(frozen=True)
class BankSnapshot:
    """One bank version with its questions, as chats copy them."""

    version_id: int
    vacancy_slug: str
    language: str
    source: str
    questions: tuple[BankQuestion, ...]


def _in(slug: str, language: str, status: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions naming the versions of one bank in one status."""
    return (
        col(BankVersion.vacancy_slug) == slug,
        col(BankVersion.language) == language,
        col(BankVersion.status) == status,
    )


def _snapshot(session: Session, version: BankVersion) -> BankSnapshot:
    rows = session.exec(
        select(BankQuestionRow)
        .where(BankQuestionRow.version_id == version.id)
        .order_by(col(BankQuestionRow.position))
    ).all()
    questions = tuple(
        BankQuestion(
            topic=row.topic,
            text=row.text,
            key_points=list(row.key_points),
            hint=row.hint,
            model_answer=row.model_answer,
        )
        for row in rows
    )
    assert version.id is not None
    return BankSnapshot(version.id, version.vacancy_slug, version.language, version.source, questions)


def _write_questions(session: Session, version_id: int, questions: tuple[BankQuestion, ...]) -> None:
    for position, question in enumerate(questions):
        session.add(BankQuestionRow(version_id=version_id, position=position, **question.model_dump()))


class BankStore:
    """Bank versions and their questions; the unique indexes keep one active and one building each."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- reading ----------------------------------------------------------------------

    @in_thread
    def active(self, slug: str, language: str) -> BankSnapshot | None:
        with session_scope(self._engine) as session:
            version = session.exec(select(BankVersion).where(*_in(slug, language, ACTIVE))).first()
            return _snapshot(session, version) if version else None

    @in_thread
    def active_version_id(self, slug: str, language: str) -> int | None:
        with session_scope(self._engine) as session:
            return session.exec(select(BankVersion.id).where(*_in(slug, language, ACTIVE))).first()

    @in_thread
    def last_failure(self, slug: str, language: str) -> tuple[datetime, str] | None:
        """When the latest generation that failed by itself failed, and why (abandoned ones aside)."""
        with session_scope(self._engine) as session:
            version = session.exec(
                select(BankVersion)
                .where(*_in(slug, language, FAILED), col(BankVersion.failed_at).is_not(None))
                .order_by(col(BankVersion.failed_at).desc())
            ).first()
            if version is None or version.failed_at is None:
                return None
            return version.failed_at, version.detail or ""

    @in_thread
    def is_building(self, slug: str, language: str) -> bool:
        with session_scope(self._engine) as session:
            return (
                session.exec(select(BankVersion.id).where(*_in(slug, language, BUILDING))).first() is not None
            )

    @in_thread
    def snapshot(self, version_id: int) -> BankSnapshot | None:
        """A version by id, whatever its status."""
        with session_scope(self._engine) as session:
            version = session.get(BankVersion, version_id)
            return _snapshot(session, version) if version else None

    @in_thread
    def in_use(self) -> list[tuple[str, str]]:
        """Every (vacancy, language) with an active version."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(BankVersion.vacancy_slug, BankVersion.language)
                .where(BankVersion.status == ACTIVE)
                .order_by(col(BankVersion.vacancy_slug), col(BankVersion.language))
            ).all()
            return [(slug, language) for slug, language in rows]

    @in_thread
    def count(self) -> int:
        with session_scope(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(BankVersion)).one())

    # -- writing ----------------------------------------------------------------------

    @in_thread
    def install(self, slug: str, language: str, source: str, questions: tuple[BankQuestion, ...]) -> bool:
        """Store a complete version as the active one; False when one is active already."""
        try:
            with session_scope(self._engine) as session:
                version = BankVersion(
                    vacancy_slug=slug, language=language, source=source, status=ACTIVE, activated_at=utcnow()
                )
                session.add(version)
                session.flush()  # the unique index on active versions stops a second install here
                assert version.id is not None
                _write_questions(session, version.id, questions)
        except IntegrityError:
            return False
        return True

    @in_thread
    def claim_build(self, slug: str, language: str, model: str, stale_before: datetime) -> int | None:
        """Insert the one 'building' row (failing a build older than `stale_before` first).

        None when another process already builds.
        """
        with session_scope(self._engine) as session:
            session.execute(
                update(BankVersion)
                .where(*_in(slug, language, BUILDING), col(BankVersion.created_at) < stale_before)
                .values(status=FAILED, detail="abandoned")
            )
        try:
            with session_scope(self._engine) as session:
                version = BankVersion(vacancy_slug=slug, language=language, source="llm", model=model)
                session.add(version)
                session.flush()
                return version.id
        except IntegrityError:
            return None

    @in_thread
    def finish_build(self, version_id: int, questions: tuple[BankQuestion, ...]) -> None:
        """Write the questions and switch to this version, retiring the old one, in one transaction."""
        with session_scope(self._engine) as session:
            version = session.get(BankVersion, version_id)
            assert version is not None
            _write_questions(session, version_id, questions)
            session.execute(
                update(BankVersion)
                .where(*_in(version.vacancy_slug, version.language, ACTIVE))
                .values(status=RETIRED)
            )
            session.flush()
            version.status = ACTIVE
            version.activated_at = utcnow()
            session.add(version)

    @in_thread
    def fail_build(self, version_id: int, reason: str) -> None:
        with session_scope(self._engine) as session:
            version = session.get(BankVersion, version_id)
            if version is not None:
                version.status, version.detail, version.failed_at = FAILED, reason[:500], utcnow()
                session.add(version)
