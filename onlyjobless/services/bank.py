"""The shared question bank: versions per (vacancy, language), generated once and switched atomically."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TypedDict

from sqlalchemy.engine import Engine

from onlyjobless import i18n
from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import NotFound, Unavailable
from onlyjobless.domain.questions import BankQuestion, QuestionPart
from onlyjobless.llm import LLM, LLMError, LLMInvalidOutput, bank_generation_messages
from onlyjobless.services.curated import CuratedBank
from onlyjobless.services.guard import leaks
from onlyjobless.services.vacancies import Catalogue
from onlyjobless.storage.bank import BankSnapshot, BankStore

log = logging.getLogger(__name__)

QUESTIONS_PER_BANK = 12
# A bank is generated a few questions at a time: 12 questions with their answers in one reply is
# ~23k characters, beyond a small model's output budget; a part of 3 is ~6k.
PART_QUESTIONS = 3
PART_TOKENS = 4000
PART_SECONDS = 300.0
# A part may come back with fewer questions than asked: the schema lets a reply hold just one
# (`QuestionPart`'s minimum), so a bank may take one ask per question, and one more for a part
# of several that came back unusable (asked again one question at a time).
MAX_PARTS = QUESTIONS_PER_BANK + 1
GENERATION_SECONDS = 900.0  # how long a request waits for another process's build

__all__ = ["BankSnapshot", "Outcome", "QuestionBank"]


class BankStats(TypedDict):
    """Operator figures (`onlyjobless bank stats`)."""

    vacancies: int
    curated: dict[str, int]  # roles with a curated bank, per language
    versions: int


@dataclass(frozen=True)
class Outcome:
    """What a regeneration did: the new version, or why the old one stays."""

    vacancy_slug: str
    language: str
    ok: bool
    version_id: int | None = None
    reason: str | None = None


def _new_questions(earlier: list[BankQuestion], value: QuestionPart) -> list[BankQuestion]:
    """The part's questions that repeat none asked before (its own or an earlier part's)."""
    seen = {q.text.casefold() for q in earlier}
    fresh = []
    for question in value.questions:
        if question.text.casefold() not in seen:
            seen.add(question.text.casefold())
            fresh.append(question)
    return fresh


def _distinct_questions(earlier: list[BankQuestion], value: QuestionPart) -> None:
    """A generated part must bring a new question (a repeated one is dropped, the others kept), and
    must not repeat the prompt."""
    if not _new_questions(earlier, value):
        raise ValueError("questions repeat")
    leak = leaks.leak_in_any(
        text for q in value.questions for text in (q.topic, q.text, q.hint, q.model_answer, *q.key_points)
    )
    if leak is not None:
        leaks.report("bank generation", leak)
        raise ValueError("the output repeats the instructions instead of writing questions")


def _failure(reason: str, wait: timedelta) -> Unavailable:
    """Why a role has no questions now: the LLM answered unusably, or did not answer at all."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    code = "bank_generation_failed" if reason == "llm_invalid_output" else "bank_unavailable"
    return Unavailable(code, minutes=minutes)


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
        failure_cooldown: timedelta = timedelta(minutes=10),
    ) -> None:
        self._store = BankStore(engine)
        self._llm = llm
        self._catalogue = catalogue
        self._curated = curated
        self._build_wait = build_wait
        self._stale_build = stale_build
        self._failure_cooldown = failure_cooldown
        self._inflight: dict[tuple[str, str], asyncio.Task[tuple[BankSnapshot, bool]]] = {}

    # -- reading ----------------------------------------------------------------------

    async def active_version_id(self, slug: str, language: str) -> int | None:
        """The id of the active version, for staleness checks; None before first use."""
        return await self._store.active_version_id(slug, language)

    async def snapshot(self, version_id: int) -> BankSnapshot:
        """A version by id, whatever its status."""
        found = await self._store.snapshot(version_id)
        if found is None:
            raise NotFound("not_found")
        return found

    async def needs_generation(self, slug: str, language: str) -> bool:
        """No active bank and no curated one: the first start has the LLM write it."""
        if self._curated.get(slug, language) is not None:
            return False
        return await self._store.active_version_id(slug, language) is None

    async def active(self, slug: str, language: str) -> BankSnapshot:
        """The active bank; on first use the curated one, or one generation shared by all callers."""
        return (await self.active_built(slug, language))[0]

    async def active_built(self, slug: str, language: str) -> tuple[BankSnapshot, bool]:
        """`active`, and whether this call had the LLM write the bank: False when it was there
        already, curated, or another caller's generation (here or in another process) was joined."""
        found = await self._store.active(slug, language)
        if found is not None:
            return found, False
        curated = self._curated.get(slug, language)
        if curated is not None:
            return await self._install_curated(slug, language, curated), False
        key = (slug, language)
        task = self._inflight.get(key)
        joined = task is not None
        if task is None:
            await self._refuse_while_cooling_down(slug, language)
            task = asyncio.ensure_future(self._first_generation(slug, language))
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        snapshot, built = await asyncio.shield(task)
        return snapshot, built and not joined

    async def _install_curated(
        self, slug: str, language: str, questions: tuple[BankQuestion, ...]
    ) -> BankSnapshot:
        await self._store.install(slug, language, "curated", questions)  # or another request did
        found = await self._store.active(slug, language)
        assert found is not None
        return found

    async def _refuse_while_cooling_down(self, slug: str, language: str) -> None:
        """A generation that failed a short while ago is not tried again on every start."""
        failure = await self._store.last_failure(slug, language)
        if failure is None:
            return
        failed_at, reason = failure
        wait = failed_at + self._failure_cooldown - utcnow()
        if wait > timedelta(0):
            raise _failure(reason, wait)

    async def _first_generation(self, slug: str, language: str) -> tuple[BankSnapshot, bool]:
        """The bank, and whether it was written here (not by another process)."""
        outcome = await self.regenerate(slug, language)
        if not outcome.ok and outcome.reason == "building_elsewhere":
            return await self._wait_for_other_process(slug, language), False
        found = await self._store.active(slug, language)
        if found is None:
            raise _failure(outcome.reason or "", self._failure_cooldown)
        return found, True

    async def _wait_for_other_process(self, slug: str, language: str) -> BankSnapshot:
        deadline = asyncio.get_running_loop().time() + self._build_wait
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)
            # Building first, then active: a build that ends between the two looks finished.
            building = await self._store.is_building(slug, language)
            found = await self._store.active(slug, language)
            if found is not None:
                return found
            if not building:
                break
        raise Unavailable("bank_preparing")

    # -- regenerating -------------------------------------------------------------------

    async def regenerate(self, slug: str, language: str) -> Outcome:
        """Generate a new version with the LLM; it becomes active only when complete and valid."""
        vacancy = self._catalogue.get(slug)
        if vacancy is None:
            raise NotFound("vacancy_unknown")
        version_id = await self._store.claim_build(
            slug, language, self._llm.model, utcnow() - self._stale_build
        )
        if version_id is None:
            return Outcome(slug, language, ok=False, reason="building_elsewhere")
        try:
            generated = await self._generate(vacancy.title(language), vacancy.description(language), language)
            await self._store.finish_build(version_id, generated)
        except LLMError as exc:
            log.warning("bank generation for %s/%s failed: %s", slug, language, exc.code)
            await self._store.fail_build(version_id, exc.code)
            return Outcome(slug, language, ok=False, reason=exc.code)
        except Exception as exc:
            log.exception("bank generation for %s/%s failed", slug, language)
            await self._store.fail_build(version_id, type(exc).__name__)
            raise
        log.info("bank %s/%s regenerated as version %s", slug, language, version_id)
        return Outcome(slug, language, ok=True, version_id=version_id)

    async def _generate(self, title: str, description: str, language: str) -> tuple[BankQuestion, ...]:
        """QUESTIONS_PER_BANK distinct questions, a part at a time, each part on topics not yet covered."""
        questions: list[BankQuestion] = []
        per_part = PART_QUESTIONS
        for _ in range(MAX_PARTS):
            wanted = min(per_part, QUESTIONS_PER_BANK - len(questions))
            if wanted <= 0:
                break
            covered = [q.topic for q in questions]
            try:
                part = await self._llm.complete_json(
                    bank_generation_messages(title, description, language, wanted, covered),
                    QuestionPart,
                    max_tokens=PART_TOKENS,
                    total_timeout=PART_SECONDS,
                    check=functools.partial(_distinct_questions, list(questions)),
                )
            except LLMInvalidOutput:
                if wanted == 1:
                    raise
                # Twice unusable: most often a verbose model cut at the output cap (long answers,
                # Russian takes more tokens). One question a reply from here on fits it.
                log.info("bank part of %d unusable; asking one question at a time", wanted)
                per_part = 1
                continue
            questions += _new_questions(questions, part)[:wanted]
        if len(questions) < QUESTIONS_PER_BANK:
            raise LLMInvalidOutput("The language model wrote too few questions.")
        return tuple(questions)

    async def in_use(self) -> list[tuple[str, str]]:
        """Every (vacancy, language) that has an active bank: what the schedule regenerates."""
        return await self._store.in_use()

    async def regenerate_all(self, slug: str | None = None, language: str | None = None) -> list[Outcome]:
        """Regenerate every bank in use (or the ones named), one after another."""
        targets = await self.in_use()
        if slug is not None or language is not None:
            languages = [language] if language else list(i18n.languages())
            slugs = [slug] if slug else sorted({s for s, _ in targets})
            targets = [(s, lang) for s in slugs for lang in languages]
        return [await self.regenerate(s, lang) for s, lang in targets]

    async def stats(self) -> BankStats:
        """Operator figures: catalogue size, curated roles per language, stored versions."""
        return {
            "vacancies": len(self._catalogue.all()),
            "curated": self._curated.counts(),
            "versions": await self._store.count(),
        }

    async def scheduled_refresh(self) -> str:
        """The scheduled job: regenerate every bank in use and summarise."""
        outcomes = await self.regenerate_all()
        done = sum(outcome.ok for outcome in outcomes)
        return f"{done} of {len(outcomes)} banks regenerated"
