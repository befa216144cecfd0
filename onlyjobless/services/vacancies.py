"""The vacancy catalogue and the matcher that maps a typed job title to an IT role.

The catalogue is shipped data (``onlyjobless/data/vacancies.json``). Matching works on
normalised word tokens so that case, punctuation, word order, seniority words, typos and
both languages are tolerated, while non-IT titles ("sales manager", "повар") are refused
with the three closest IT roles as suggestions.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

MAX_POSITION_LENGTH = 200
DEFAULT_LANGUAGE = "en"
CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "vacancies.json"
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

MATCH_THRESHOLD = 78.0
SUGGESTION_COUNT = 3
_ALIAS_WEIGHT = 0.7  # how much of the matched alias the query covers
_QUERY_WEIGHT = 0.3  # how much of the query the alias explains
_PENALTY = 0.6  # a vetoed or too-generic hit stays rankable but below the threshold
_SPELLING_CUTOFF = 60.0  # below this, spelling likeness of whole titles is noise

# ---------------------------------------------------------------------------- words

# fmt: off
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})
# fmt: on
_CYRILLIC = re.compile(r"[а-я]")


def _with_translit(words: str) -> frozenset[str]:
    """Word sets list Russian once; the Latin spelling users also type is derived."""
    out = set(words.split())
    out.update(w.translate(_TRANSLIT) for w in list(out) if _CYRILLIC.search(w))
    return frozenset(out)


# Seniority and level: always dropped, a junior and a senior take the same interview.
_SENIORITY = _with_translit("""
    junior jr jun middle mid senior sr principal staff intern interns internship trainee entry
    level grade джун джуниор джуна мидл миддл мид сеньор синьор сеньер синьер сениор синиор
    старший младший ведущий стажер стажерка стажировка начинающий опытный уровня
""")
# Leadership words: dropped in one reading ("Lead Python Developer") and kept in the
# other ("Team Lead"); the better reading wins.
_LEADERSHIP = _with_translit("lead leader head chief лид главный")
# Role nouns that say nothing about which role: ignored when matching.
_FILLERS = _with_translit("""
    developer developers dev devs engineer engineers programmer programmers specialist expert
    coder разработчик разработчица разработчики разраб инженер программист программистка
    специалист эксперт прогер программер кодер
""")
_FILLER_LIST = tuple(sorted(_FILLERS))
_STOPWORDS = _with_translit("""
    a an the of in at on for to and with it job jobs vacancy position role remote
    в во на по под для и с со ит айти вакансия должность позиция работа удаленно удаленка
""")
# Tokens too common to identify a role alone: a single-word alias made of one of them
# matches only when it explains the whole query ("analyst" yes, "financial analyst" no).
_WEAK = (
    _with_translit("""
    manager менеджер analyst аналитик architect архитектор administrator admin администратор
    админ designer дизайнер consultant консультант support поддержка поддержки writer data
    дата данных данные web веб software system systems системный network сетевой platform
    infrastructure build release product продукт project business бизнес technical
    технический tech game games cloud облачный security безопасности безопасность mobile
    мобильный ops automation test testing performance cv director директор руководитель
    information application service digital computer prompt
""")
    | _LEADERSHIP
)
# Non-IT qualifiers: a partial hit next to one of them is refused ("1С бухгалтер").
_VETO = _with_translit("""
    sales продаж продажам продажи бухгалтер бухгалтерия accountant accounting повар cook
    кассир cashier курьер courier официант waiter
""")

_REPLACEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!\w)(?:[cс]|си)\s?#"), " csharp "),
    (re.compile(r"(?<!\w)(?:[cс]|си)\s?\+\+"), " cpp "),
    (re.compile(r"(?<!\w)f#"), " fsharp "),
    (re.compile(r"(?<!\w)1с"), "1c"),
    (re.compile(r"\.net\b"), " dotnet "),
    (re.compile(r"\.js\b"), "js"),
)
_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> list[str]:
    """Lower-cased word tokens with the symbols of C#, C++, .NET, Node.js and 1С kept."""
    text = text.lower().replace("ё", "е")
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return _NON_WORD.sub(" ", text).split()


def _allowed_edits(length: int) -> int:
    """Typos tolerated in a word of this length: none in short acronyms, more in long words."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


@lru_cache(maxsize=4096)
def _is_filler(token: str) -> bool:
    """A role noun, typos included ("develper")."""
    if token in _FILLERS:
        return True
    if len(token) < 5:
        return False
    hit = process.extractOne(token, _FILLER_LIST, scorer=OSA.distance, score_cutoff=2)
    return hit is not None and hit[1] <= (1 if max(len(token), len(hit[0])) <= 9 else 2)


def _significant(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens without seniority and stop words: what autocompletion compares."""
    return tuple(t for t in tokens if t not in _SENIORITY and t not in _STOPWORDS)


def _content(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens that can tell roles apart: what the matcher compares."""
    return tuple(t for t in _significant(tokens) if not _is_filler(t))


def _readings(text: str) -> list[tuple[str, ...]]:
    """The content tokens of a query, with and without leadership words."""
    tokens = normalize(text)
    kept = _content(tokens)
    dropped = tuple(t for t in kept if t not in _LEADERSHIP)
    return [kept] if dropped == kept else [dropped, kept]


# ---------------------------------------------------------------------------- data model


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


def _non_blank(values: dict[str, str], what: str) -> dict[str, str]:
    """English is the fallback language, so it must exist; no text may be blank."""
    if DEFAULT_LANGUAGE not in values:
        raise ValueError(f"{what} needs an {DEFAULT_LANGUAGE!r} entry")
    if any(not v.strip() for v in values.values()):
        raise ValueError(f"{what} must not be blank")
    return values


class _Record(BaseModel):
    """The file shape of one vacancy; validated so a broken catalogue fails loudly at start."""

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


# ---------------------------------------------------------------------------- index


@dataclass(frozen=True)
class _Name:
    """One way of naming a vacancy, as the tokens the matcher compares."""

    vacancy: int
    tokens: tuple[str, ...]
    generic: bool  # one weak word: must explain the whole query


class _Index:
    """Names with an inverted index, so a query only scores names sharing a word with it."""

    _CACHE_SIZE = 4096

    def __init__(self) -> None:
        self.names: list[_Name] = []
        self.by_token: dict[str, list[int]] = {}
        self._seen: set[tuple[int, tuple[str, ...]]] = set()
        self._by_length: list[str] = []  # the vocabulary sorted by length, for typo lookups
        self._lengths: list[int] = []
        self._cache: dict[tuple[str, bool], dict[str, float]] = {}

    def add(self, vacancy: int, tokens: tuple[str, ...]) -> None:
        """Register one name of vacancy number ``vacancy``."""
        if not tokens or (vacancy, tokens) in self._seen:
            return
        self._seen.add((vacancy, tokens))
        generic = len(set(tokens)) == 1 and tokens[0] in _WEAK
        self.names.append(_Name(vacancy, tokens, generic))
        for token in set(tokens):
            self.by_token.setdefault(token, []).append(len(self.names) - 1)
        self._by_length = []
        self._cache.clear()

    def hits(self, query_token: str, prefix: bool = False) -> dict[str, float]:
        """Vocabulary words close to ``query_token`` with a 0-1 similarity (cached: words repeat)."""
        key = (query_token, prefix)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= self._CACHE_SIZE:
                self._cache.clear()
            found = self._cache[key] = self._lookup(query_token, prefix)
        return found

    def _lookup(self, query_token: str, prefix: bool) -> dict[str, float]:
        """Exact, prefix and typo hits; typo search only scans words of a reachable length."""
        if not self._by_length:
            self._by_length = sorted(self.by_token, key=len)
            self._lengths = [len(word) for word in self._by_length]
        found: dict[str, float] = {}
        if query_token in self.by_token:
            found[query_token] = 1.0
        if prefix:
            start = bisect_left(self._lengths, len(query_token) + 1)
            for word in self._by_length[start:]:
                if word.startswith(query_token):
                    found[word] = 0.9
        size = len(query_token)
        most = _allowed_edits(size + 3)
        if most:
            # A word longer or shorter by more than the allowed edits can never be close.
            lo = bisect_left(self._lengths, size - most)
            hi = bisect_right(self._lengths, size + most)
            for word, distance, _ in process.extract(
                query_token,
                self._by_length[lo:hi],
                scorer=OSA.distance,
                score_cutoff=most,
                limit=None,
            ):
                longest = max(len(word), size)
                if 0 < distance <= _allowed_edits(longest):
                    found.setdefault(word, 1.0 - distance / longest)
        return found

    def candidates(self, hits: Iterable[dict[str, float]]) -> set[int]:
        """Names that contain at least one hit word."""
        return {i for found in hits for word in found for i in self.by_token[word]}


def _coverage(tokens: tuple[str, ...], hits: list[dict[str, float]]) -> tuple[float, list[float]]:
    """How well the query covers a name, and how well each query token is explained."""
    name_side = sum(max(found.get(t, 0.0) for found in hits) for t in tokens) / len(tokens)
    query_side = [max(found.get(t, 0.0) for t in tokens) for found in hits]
    return name_side, query_side


# ---------------------------------------------------------------------------- catalogue


class Catalogue:
    """All vacancies, their lookup by slug, the matcher and the autocompletion search."""

    def __init__(self, vacancies: Sequence[Vacancy]) -> None:
        self._vacancies = list(vacancies)
        self._by_slug = {v.slug: v for v in self._vacancies}
        self._match = _Index()
        self._search = _Index()
        self._compact: dict[str, int] = {}
        plain: dict[str, int] = {}
        for position, vacancy in enumerate(self._vacancies):
            for tokens in self._names_of(vacancy):
                content = _content(tokens)
                significant = _significant(tokens)
                self._match.add(position, content)
                self._search.add(position, significant)
                if content:
                    self._compact.setdefault("".join(content), position)
                plain.setdefault(" ".join(significant), position)
        self._spellings = list(plain)
        self._spelling_owner = list(plain.values())
        popular = {slug: rank for rank, slug in enumerate(POPULAR_SLUGS)}
        self._popularity = [popular.get(v.slug, len(popular) + i) for i, v in enumerate(self._vacancies)]

    @staticmethod
    def _names_of(vacancy: Vacancy) -> list[list[str]]:
        """Titles and aliases as tokens, plus a Latin spelling of the Russian ones."""
        names = [normalize(n) for n in vacancy.titles.values()]
        names += [normalize(a) for group in vacancy.aliases.values() for a in group]
        latin = [[t.translate(_TRANSLIT) for t in n] for n in names if _CYRILLIC.search(" ".join(n))]
        return names + latin

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

    # ------------------------------------------------------------------ matching

    def match(self, text: str, language: str = DEFAULT_LANGUAGE) -> MatchResult:
        """Map a typed job title to one vacancy, or refuse with the closest roles."""
        stripped = text.strip()
        if not stripped:
            return MatchResult(None, self._popular(language), "empty")
        if len(stripped) > MAX_POSITION_LENGTH:
            return MatchResult(None, self._popular(language), "too_long")
        scores = self._scores(stripped)
        if scores:
            best = min(scores, key=lambda i: (-scores[i], i))
            if scores[best] >= MATCH_THRESHOLD:
                return MatchResult(self._vacancies[best])
        return MatchResult(None, self._closest(stripped, scores, language), "not_it")

    def _scores(self, text: str) -> dict[int, float]:
        """The best score of every vacancy that shares a word with the query."""
        scores: dict[int, float] = {}
        for query in _readings(text):
            if not query:
                continue
            compact = self._compact.get("".join(query))
            if compact is not None:
                scores[compact] = 100.0
            hits = [self._match.hits(token) for token in query]
            # A query word is explained by any name of the vacancy ("Python/Django developer").
            covered: dict[int, list[tuple[_Name, float]]] = {}
            explained: dict[int, list[float]] = {}
            for i in self._match.candidates(hits):
                name = self._match.names[i]
                name_side, query_side = _coverage(name.tokens, hits)
                covered.setdefault(name.vacancy, []).append((name, name_side))
                best = explained.setdefault(name.vacancy, [0.0] * len(query))
                explained[name.vacancy] = [max(a, b) for a, b in zip(best, query_side, strict=True)]
            for vacancy, names in covered.items():
                for name, name_side in names:
                    score = self._score(query, name, name_side, explained[vacancy])
                    if score > scores.get(vacancy, 0.0):
                        scores[vacancy] = score
        return scores

    @staticmethod
    def _score(query: tuple[str, ...], name: _Name, name_side: float, query_side: list[float]) -> float:
        """0-100: mostly how much of the name the query covers, then how much is left over."""
        score = 100.0 * (_ALIAS_WEIGHT * name_side + _QUERY_WEIGHT * sum(query_side) / len(query))
        unexplained = [t for t, s in zip(query, query_side, strict=True) if s == 0.0]
        if unexplained and (name.generic or any(t in _VETO for t in unexplained)):
            score *= _PENALTY
        return score

    def _closest(self, text: str, scores: dict[int, float], language: str) -> tuple[Suggestion, ...]:
        """The three roles nearest to a refused query: shared words, then spelling, then popularity."""
        spelling: dict[int, float] = {}
        found = process.extract(
            " ".join(normalize(text)),
            self._spellings,
            scorer=fuzz.ratio,
            score_cutoff=_SPELLING_CUTOFF,
            limit=None,
        )
        for _, value, i in found:
            owner = self._spelling_owner[i]
            spelling[owner] = max(spelling.get(owner, 0.0), float(value))

        def closeness(i: int) -> float:
            return scores.get(i, 0.0) + 0.25 * spelling.get(i, 0.0)

        ranked = sorted(range(len(self._vacancies)), key=lambda i: (-closeness(i), self._popularity[i]))
        return tuple(self._suggest(i, closeness(i), language) for i in ranked[:SUGGESTION_COUNT])

    def _popular(self, language: str) -> tuple[Suggestion, ...]:
        """Well-known roles for when the input gives nothing to compare with."""
        ranked = sorted(range(len(self._vacancies)), key=self._popularity.__getitem__)
        return tuple(self._suggest(i, 0.0, language) for i in ranked[:SUGGESTION_COUNT])

    def _suggest(self, position: int, score: float, language: str) -> Suggestion:
        """A display-ready suggestion with its title in the user's language."""
        vacancy = self._vacancies[position]
        return Suggestion(vacancy.slug, vacancy.title(language), round(min(score, 100.0), 1))

    # ------------------------------------------------------------------ autocompletion

    def search(self, query: str, language: str = DEFAULT_LANGUAGE, limit: int = 8) -> list[Suggestion]:
        """Roles for a partly typed title: every word must match a name's word or its start."""
        text = query.strip()[:MAX_POSITION_LENGTH]
        tokens = _significant(normalize(text))
        if not tokens or limit <= 0:
            return []
        hits = [self._search.hits(token, prefix=True) for token in tokens]
        best: dict[int, float] = {}
        for i in self._search.candidates(hits):
            name = self._search.names[i]
            name_side, query_side = _coverage(name.tokens, hits)
            if min(query_side) == 0.0:
                continue
            score = 100.0 * (0.75 * sum(query_side) / len(query_side) + 0.25 * name_side)
            best[name.vacancy] = max(best.get(name.vacancy, 0.0), score)
        ranked = sorted(best, key=lambda i: (-best[i], i))[:limit]
        return [self._suggest(i, best[i], language) for i in ranked]


@cache
def get_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return Catalogue.load()
