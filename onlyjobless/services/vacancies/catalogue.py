"""The vacancy catalogue: its model, loading the shipped file, lookup, and matching through the matcher.

The catalogue is shipped data (``onlyjobless/data/vacancies.json``), validated when loaded so a
broken file fails loudly at start. Non-IT titles ("sales manager", "повар") are refused with
the three closest IT roles as suggestions.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from onlyjobless.semantic import Embedder, EmbedderUnavailable, shared_embedder
from onlyjobless.semantic.warm import Warm
from onlyjobless.services.vacancies.matcher import MATCH_THRESHOLD, MAX_POSITION_LENGTH, Matcher
from onlyjobless.services.vacancies.words import normalize

DEFAULT_LANGUAGE = "en"
CATALOGUE_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "vacancies.json"
FAMILIES = (
    "backend",
    "frontend",
    "fullstack",
    "mobile",
    "devops",
    "data",
    "ml",
    "qa",
    "security",
    "database",
    "analysis",
    "architecture",
    "management",
    "gamedev",
    "embedded",
    "erp",
    "other",
)
# Shown when there is nothing to compare with (empty or oversized input).
POPULAR_SLUGS = ("backend-python", "frontend", "qa-manual")
SUGGESTION_COUNT = 3
_NEAR_MISS = 45.0  # a refused title's lexical score from which that role is offered first
_NEAR_BONUS = 0.1
_MEANINGFUL = 0.04  # how far the nearest role must stand above the average one to mean something


@dataclass(frozen=True)
class Vacancy:
    """One IT role of the catalogue, with its names in every language."""

    slug: str
    family: str
    titles: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    descriptions: dict[str, str]

    def __hash__(self) -> int:
        """By slug: the dict fields are not hashable, and the slug is the identity."""
        return hash(self.slug)

    def title(self, language: str) -> str:
        """The title in ``language``, English when that language has none."""
        return self.titles.get(language) or self.titles[DEFAULT_LANGUAGE]

    def description(self, language: str) -> str:
        """The description in ``language``, English when that language has none."""
        return self.descriptions.get(language) or self.descriptions[DEFAULT_LANGUAGE]

    def names(self) -> list[str]:
        """Every title and alias, in every language."""
        return [*self.titles.values(), *(a for group in self.aliases.values() for a in group)]


@dataclass(frozen=True)
class Suggestion:
    """A role offered to the user; ``score`` is a 0-100 closeness."""

    slug: str
    title: str
    score: float


MatchReason = Literal["empty", "too_long", "not_it"]


@dataclass(frozen=True)
class MatchResult:
    """A matched vacancy, or a refusal ``reason`` with the closest roles to offer instead."""

    vacancy: Vacancy | None
    suggestions: tuple[Suggestion, ...] = ()
    reason: MatchReason | None = None


# ---------------------------------------------------------------------------- the file


def _non_blank(values: dict[str, str], what: str) -> dict[str, str]:
    """English is the fallback language, so it must exist; no text may be blank."""
    if DEFAULT_LANGUAGE not in values:
        raise ValueError(f"{what} needs an {DEFAULT_LANGUAGE!r} entry")
    if any(not v.strip() for v in values.values()):
        raise ValueError(f"{what} must not be blank")
    return values


class _Record(BaseModel):
    """The file shape of one vacancy."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)
    family: str
    title: dict[str, str]
    aliases: dict[str, list[str]]
    description: dict[str, str]

    @field_validator("family")
    @classmethod
    def _family(cls, value: str) -> str:
        if value not in FAMILIES:
            raise ValueError(f"unknown family {value!r}")
        return value

    @field_validator("title")
    @classmethod
    def _titles(cls, value: dict[str, str]) -> dict[str, str]:
        return _non_blank(value, "title")

    @field_validator("description")
    @classmethod
    def _descriptions(cls, value: dict[str, str]) -> dict[str, str]:
        return _non_blank(value, "description")

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if any(not normalize(a) for names in value.values() for a in names):
            raise ValueError("aliases must contain words")
        return value


class _File(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(extra="forbid")

    vacancies: list[_Record] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_slugs(self) -> _File:
        slugs = [v.slug for v in self.vacancies]
        duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
        if duplicates:
            raise ValueError(f"duplicate slugs: {', '.join(duplicates)}")
        return self


# ---------------------------------------------------------------------------- catalogue


class Catalogue:
    """All vacancies, their lookup by slug, the matcher and the autocompletion search."""

    def __init__(self, vacancies: Sequence[Vacancy], embedder: Embedder | None = None) -> None:
        self._vacancies = list(vacancies)
        self._embedder = embedder
        self._role_vectors = Warm(self._embed_roles, "role meanings")
        self._by_slug = {v.slug: v for v in self._vacancies}
        popular = {slug: rank for rank, slug in enumerate(POPULAR_SLUGS)}
        ranks = [popular.get(v.slug, len(popular) + i) for i, v in enumerate(self._vacancies)]
        self._matcher = Matcher([v.names() for v in self._vacancies], ranks)

    @classmethod
    def load(cls, path: Path | None = None) -> Catalogue:
        """Read and validate a catalogue file (the shipped one by default)."""
        raw = json.loads((path or CATALOGUE_PATH).read_text(encoding="utf-8"))
        data = _File.model_validate(raw)
        return cls(
            [
                Vacancy(
                    slug=r.slug,
                    family=r.family,
                    titles=dict(r.title),
                    aliases={lang: tuple(names) for lang, names in r.aliases.items()},
                    descriptions=dict(r.description),
                )
                for r in data.vacancies
            ]
        )

    def __len__(self) -> int:
        return len(self._vacancies)

    def get(self, slug: str) -> Vacancy | None:
        """The vacancy with this slug, if any."""
        return self._by_slug.get(slug)

    def all(self) -> list[Vacancy]:
        """Every vacancy, in catalogue order (most asked-for first)."""
        return list(self._vacancies)

    def match(self, text: str, language: str = DEFAULT_LANGUAGE, *, wait: bool = True) -> MatchResult:
        """Map a typed job title to one vacancy, or refuse with the closest roles.

        A refusal's suggestions are the roles nearest by meaning; with `wait=False` (a user is
        waiting) and the roles' meanings not embedded yet, the nearest by spelling instead.
        """
        stripped = text.strip()
        if not stripped:
            return MatchResult(None, self._suggest(self._popular(), language), "empty")
        if len(stripped) > MAX_POSITION_LENGTH:
            return MatchResult(None, self._suggest(self._popular(), language), "too_long")
        scores = self._matcher.scores(stripped)
        best = self._matcher.best(scores)
        if best is not None:
            return MatchResult(self._vacancies[best])
        nearest = self._by_meaning(stripped, scores, wait) or self._matcher.closest(stripped, scores)
        return MatchResult(None, self._suggest(nearest, language), "not_it")

    def _embedder_in_use(self) -> Embedder:
        return self._embedder or shared_embedder()

    def _embed_roles(self) -> np.ndarray:
        return self._embedder_in_use().embed([_role_text(v) for v in self._vacancies])

    def warm_up(self) -> None:
        """Embed the roles' meanings now (at start, in the background); quiet without the model."""
        with contextlib.suppress(EmbedderUnavailable):
            self._role_vectors.get(wait=True)

    def _by_meaning(self, text: str, scores: dict[int, float], wait: bool) -> list[tuple[int, float]] | None:
        """The roles nearest to a refused title by meaning (a content manager is offered product and
        project roles, not roles that share letters); near lexical misses first. None without the model."""
        try:
            roles = self._role_vectors.get(wait=wait)
            if roles is None:
                return None
            similarity = roles @ self._embedder_in_use().embed([text])[0]
        except EmbedderUnavailable:
            return None
        if float(similarity.max() - similarity.mean()) < _MEANINGFUL:
            return None  # nothing in the catalogue is nearer than the rest ("повар"): spelling and rank
        # A near lexical miss ("construction project manager") is offered first. Shown as a 0-100
        # closeness that, like every refused title's, stays below the match threshold.
        closeness = similarity + np.array(
            [_NEAR_BONUS * (scores.get(i, 0.0) >= _NEAR_MISS) for i in range(len(similarity))]
        )
        ranked = sorted(range(len(self._vacancies)), key=lambda i: -closeness[i])
        scale = (MATCH_THRESHOLD - 1.0) / (1.0 + _NEAR_BONUS)
        return [(i, scale * float(closeness[i])) for i in ranked[:SUGGESTION_COUNT]]

    def search(self, query: str, language: str = DEFAULT_LANGUAGE, limit: int = 8) -> list[Suggestion]:
        """Roles for a partly typed title: every word must match a name's word or its start."""
        return list(self._suggest(self._matcher.search(query, limit), language))

    def _popular(self) -> list[tuple[int, float]]:
        return [(i, 0.0) for i in self._matcher.popular()]

    def _suggest(self, found: list[tuple[int, float]], language: str) -> tuple[Suggestion, ...]:
        """Display-ready suggestions with their titles in the user's language."""
        suggestions = []
        for i, score in found:
            vacancy = self._vacancies[i]
            suggestions.append(Suggestion(vacancy.slug, vacancy.title(language), round(min(score, 100.0), 1)))
        return tuple(suggestions)


def _role_text(vacancy: Vacancy) -> str:
    """What a role means, in every language: its titles and the English description."""
    return ". ".join([*dict.fromkeys(vacancy.titles.values()), vacancy.description(DEFAULT_LANGUAGE)])


@cache
def get_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return Catalogue.load()
