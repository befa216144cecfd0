"""The shared question bank: versions per (vacancy, language), generated once and switched atomically."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import NotFound, Unavailable
from onlyjobless.domain.questions import BankQuestion, QuestionSet
from onlyjobless.llm import LLM, SUPPORTED_LANGUAGES, LLMError, bank_generation_messages
from onlyjobless.services.curated import CuratedBank
from onlyjobless.services.threads import in_thread
from onlyjobless.services.vacancies import Catalogue
from onlyjobless.storage.bank import ACTIVE, BUILDING, FAILED, RETIRED, BankQuestionRow, BankVersion
from onlyjobless.storage.db import session_scope

log = logging.getLogger(__name__)

QUESTIONS_PER_BANK = 12
GENERATION_TOKENS = 12_000
GENERATION_SECONDS = 900.0


@dataclass(frozen=True)
class BankSnapshot:
    """One bank version with its questions, as chats copy them."""

    version_id: int
    vacancy_slug: str
    language: str
    source: str
    questions: tuple[BankQuestion, ...]


@dataclass(frozen=True)
class Outcome:
    """What a regeneration did: the new version, or why the old one stays."""

    vacancy_slug: str
    language: str
    ok: bool
    version_id: int | None = None
    reason: str | None = None


def _distinct_questions(value: QuestionSet) -> None:
    """A generated bank must not repeat a question."""
    texts = [q.text.casefold() for q in value.questions]
    if len(set(texts)) != len(texts):
        raise ValueError("questions repeat")


class QuestionBank:
    """Reads and (re)generates banks; safe with many requests and many processes."""

    def __init__(
        self,
        engine: Engine,
        llm: LLM,
        catalogue: Catalogue,
        curated: CuratedBank,
        *,
        build_wait: float = GENERATION_SECONDS,
        stale_build: timedelta = timedelta(minutes=20),
    ) -> None:
        self._engine = engine
        self._llm = llm
        self._catalogue = catalogue
        self._curated = curated
        self._build_wait = build_wait
        self._stale_build = stale_build
        self._inflight: dict[tuple[str, str], asyncio.Task[BankSnapshot]] = {}

    # -- reading ----------------------------------------------------------------------

    def _load(self, session: Session, version: BankVersion) -> BankSnapshot:
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

    @in_thread
    def _active_snapshot(self, slug: str, language: str) -> BankSnapshot | None:
        with session_scope(self._engine) as session:
            version = session.exec(
                select(BankVersion).where(
                    BankVersion.vacancy_slug == slug,
                    BankVersion.language == language,
                    BankVersion.status == ACTIVE,
                )
            ).first()
            return self._load(session, version) if version else None

    @in_thread
    def active_version_id(self, slug: str, language: str) -> int | None:
        """The id of the active version, for staleness checks; None before first use."""
        with session_scope(self._engine) as session:
            return session.exec(
                select(BankVersion.id).where(
                    BankVersion.vacancy_slug == slug,
                    BankVersion.language == language,
                    BankVersion.status == ACTIVE,
                )
            ).first()

    @in_thread
    def snapshot(self, version_id: int) -> BankSnapshot:
        """A version by id, whatever its status."""
        with session_scope(self._engine) as session:
            version = session.get(BankVersion, version_id)
            if version is None:
                raise NotFound("not_found")
            return self._load(session, version)

    async def active(self, slug: str, language: str) -> BankSnapshot:
        """The active bank; on first use the curated one, or one generation shared by all callers."""
        found = await self._active_snapshot(slug, language)
        if found is not None:
            return found
        curated = self._curated.get(slug, language)
        if curated is not None:
            return await self._install_curated(slug, language, curated)
        key = (slug, language)
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._first_generation(slug, language))
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _first_generation(self, slug: str, language: str) -> BankSnapshot:
        outcome = await self.regenerate(slug, language)
        if not outcome.ok and outcome.reason == "building_elsewhere":
            return await self._wait_for_other_process(slug, language)
        found = await self._active_snapshot(slug, language)
        if found is None:
            raise Unavailable("bank_unavailable")
        return found

    async def _wait_for_other_process(self, slug: str, language: str) -> BankSnapshot:
        deadline = asyncio.get_running_loop().time() + self._build_wait
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)
            # Building first, then active: a build that ends between the two looks finished.
            building = await self._is_building(slug, language)
            found = await self._active_snapshot(slug, language)
            if found is not None:
                return found
            if not building:
                break
        raise Unavailable("bank_unavailable")

    @in_thread
    def _is_building(self, slug: str, language: str) -> bool:
        with session_scope(self._engine) as session:
            return (
                session.exec(
                    select(BankVersion.id).where(
                        BankVersion.vacancy_slug == slug,
                        BankVersion.language == language,
                        BankVersion.status == BUILDING,
                    )
                ).first()
                is not None
            )

    # -- writing ----------------------------------------------------------------------

    @staticmethod
    def _write_questions(session: Session, version_id: int, questions: tuple[BankQuestion, ...]) -> None:
        for position, question in enumerate(questions):
            session.add(BankQuestionRow(version_id=version_id, position=position, **question.model_dump()))

    @staticmethod
    def _activate(session: Session, version: BankVersion) -> None:
        """Retire the old active version and activate this one in the same transaction."""
        session.execute(
            update(BankVersion)
            .where(
                col(BankVersion.vacancy_slug) == version.vacancy_slug,
                col(BankVersion.language) == version.language,
                col(BankVersion.status) == ACTIVE,
            )
            .values(status=RETIRED)
        )
        session.flush()
        version.status = ACTIVE
        version.activated_at = utcnow()
        session.add(version)

    @in_thread
    def _install_curated_sync(self, slug: str, language: str, questions: tuple[BankQuestion, ...]) -> None:
        try:
            with session_scope(self._engine) as session:
                version = BankVersion(
                    vacancy_slug=slug,
                    language=language,
                    source="curated",
                    status=ACTIVE,
                    activated_at=utcnow(),
                )
                session.add(version)
                session.flush()  # the unique index on active versions stops a second install here
                assert version.id is not None
                self._write_questions(session, version.id, questions)
        except IntegrityError:
            pass  # another request installed it first; its version is the one to use

    async def _install_curated(
        self, slug: str, language: str, questions: tuple[BankQuestion, ...]
    ) -> BankSnapshot:
        await self._install_curated_sync(slug, language, questions)
        found = await self._active_snapshot(slug, language)
        assert found is not None
        return found

    @in_thread
    def _claim_build(self, slug: str, language: str) -> int | None:
        """Insert the one 'building' row; None when another process already builds."""
        with session_scope(self._engine) as session:
            stale = utcnow() - self._stale_build
            session.execute(
                update(BankVersion)
                .where(
                    col(BankVersion.vacancy_slug) == slug,
                    col(BankVersion.language) == language,
                    col(BankVersion.status) == BUILDING,
                    col(BankVersion.created_at) < stale,
                )
                .values(status=FAILED, detail="abandoned")
            )
        try:
            with session_scope(self._engine) as session:
                version = BankVersion(
                    vacancy_slug=slug, language=language, source="llm", model=self._llm.model
                )
                session.add(version)
                session.flush()
                return version.id
        except IntegrityError:
            return None

    @in_thread
    def _finish_build(self, version_id: int, questions: tuple[BankQuestion, ...]) -> None:
        with session_scope(self._engine) as session:
            version = session.get(BankVersion, version_id)
            assert version is not None
            self._write_questions(session, version_id, questions)
            self._activate(session, version)

    @in_thread
    def _fail_build(self, version_id: int, reason: str) -> None:
        with session_scope(self._engine) as session:
            version = session.get(BankVersion, version_id)
            if version is not None:
                version.status, version.detail = FAILED, reason[:500]
                session.add(version)

    async def regenerate(self, slug: str, language: str) -> Outcome:
        """Generate a new version with the LLM; it becomes active only when complete and valid."""
        vacancy = self._catalogue.get(slug)
        if vacancy is None:
            raise NotFound("vacancy_unknown")
        version_id = await self._claim_build(slug, language)
        if version_id is None:
            return Outcome(slug, language, ok=False, reason="building_elsewhere")
        messages = bank_generation_messages(
            vacancy.title(language), vacancy.description(language), language, QUESTIONS_PER_BANK
        )
        try:
            generated = await self._llm.complete_json(
                messages,
                QuestionSet,
                max_tokens=GENERATION_TOKENS,
                total_timeout=GENERATION_SECONDS,
                check=_distinct_questions,
            )
            await self._finish_build(version_id, tuple(generated.questions))
        except LLMError as exc:
            log.warning("bank generation for %s/%s failed: %s", slug, language, exc.code)
            await self._fail_build(version_id, exc.code)
            return Outcome(slug, language, ok=False, reason=exc.code)
        except Exception as exc:
            log.exception("bank generation for %s/%s failed", slug, language)
            await self._fail_build(version_id, type(exc).__name__)
            raise
        log.info("bank %s/%s regenerated as version %s", slug, language, version_id)
        return Outcome(slug, language, ok=True, version_id=version_id)

    @in_thread
    def in_use(self) -> list[tuple[str, str]]:
        """Every (vacancy, language) that has an active bank: what the schedule regenerates."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(BankVersion.vacancy_slug, BankVersion.language)
                .where(BankVersion.status == ACTIVE)
                .order_by(col(BankVersion.vacancy_slug), col(BankVersion.language))
            ).all()
            return [(slug, language) for slug, language in rows]

    async def regenerate_all(self, slug: str | None = None, language: str | None = None) -> list[Outcome]:
        """Regenerate every bank in use (or the ones named), one after another."""
        targets = await self.in_use()
        if slug is not None or language is not None:
            languages = [language] if language else sorted(SUPPORTED_LANGUAGES)
            slugs = [slug] if slug else sorted({s for s, _ in targets})
            targets = [(s, lang) for s in slugs for lang in languages]
        return [await self.regenerate(s, lang) for s, lang in targets]

    @in_thread
    def version_count(self) -> int:
        with session_scope(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(BankVersion)).one())

    async def stats(self) -> dict[str, object]:
        """Operator figures: catalogue size, curated roles per language, stored versions."""
        return {
            "vacancies": len(self._catalogue.all()),
            "curated": self._curated.counts(),
            "versions": await self.version_count(),
        }

    async def scheduled_refresh(self) -> str:
        """The scheduled job: regenerate every bank in use and summarise."""
        outcomes = await self.regenerate_all()
        done = sum(outcome.ok for outcome in outcomes)
        return f"{done} of {len(outcomes)} banks regenerated"
