"""The matcher: normalised word tokens, an inverted index with typo tolerance, and scoring.

Case, punctuation, word order, seniority words, typos and every language are tolerated; a
typed title is scored against every name (title or alias) of the numbered entries it is
built from, and the matcher knows nothing else about them. Its word lists are each language's
data (data/lang/<code>/matcher.json), used together: a title may be typed in any language.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import MatcherWords
from onlyjobless.services.guard.normalise import readable

MAX_POSITION_LENGTH = 200
MATCH_THRESHOLD = 78.0
SUGGESTION_COUNT = 3
_ALIAS_WEIGHT = 0.7  # how much of the matched alias the query covers
_QUERY_WEIGHT = 0.3  # how much of the query the alias explains
_PENALTY = 0.6  # a vetoed or too-generic hit stays rankable but below the threshold
_SOUND_HIT = 0.8  # a word compared by sound counts only when its key is this close
_TECHNOLOGY_ONLY = 10.0  # taken from a hit on technologies alone while a role word goes unexplained
_SPELLING_CUTOFF = 60.0  # below this, spelling likeness of whole titles is noise

# ---------------------------------------------------------------------------- words


@dataclass(frozen=True)
class _Words:
    """Every language's word lists as one vocabulary (a typed title may be in any language).

    Words written in a language with a transliteration are also listed in their Latin spelling,
    which users type too.
    """

    seniority: frozenset[str]
    leadership: frozenset[str]
    fillers: frozenset[str]
    filler_list: tuple[str, ...]
    stop_words: frozenset[str]
    weak: frozenset[str]
    veto: frozenset[str]
    technologies: frozenset[str]
    everyday: frozenset[str]
    management: frozenset[str]
    phonetic: tuple[tuple[re.Pattern[str], str], ...]
    translit: dict[int, str]
    translit_letters: re.Pattern[str] | None
    folding: tuple[tuple[str, str], ...]
    symbols: tuple[tuple[re.Pattern[str], str], ...]


@catalog.derived
def _words() -> _Words:
    data = catalog.every(MatcherWords).values()
    translit = {ord(k): v for words in data for k, v in words.transliteration.items()}
    letters = "".join(sorted(chr(code) for code in translit))
    pattern = re.compile(f"[{re.escape(letters)}]") if letters else None

    def listed(field: str) -> frozenset[str]:
        out: set[str] = set()
        for words in data:
            table = str.maketrans(words.transliteration)
            for word in getattr(words, field):
                out.add(word)
                if words.transliteration and any(ch in words.transliteration for ch in word):
                    out.add(word.translate(table))
        return frozenset(out)

    fillers = listed("fillers")
    return _Words(
        seniority=listed("seniority"),
        leadership=listed("leadership"),
        fillers=fillers,
        filler_list=tuple(sorted(fillers)),
        stop_words=listed("stop_words"),
        weak=listed("weak") | listed("leadership"),
        veto=listed("veto"),
        technologies=listed("technologies"),
        everyday=listed("everyday"),
        management=listed("management"),
        phonetic=tuple((re.compile(p), r) for words in data for p, r in words.phonetic),
        translit=translit,
        translit_letters=pattern,
        folding=tuple((k, v) for words in data for k, v in words.folding.items()),
        symbols=tuple((re.compile(p), r) for words in data for p, r in words.symbols),
    )


_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> list[str]:
    """Lower-cased word tokens with the symbols of C#, C++, .NET, Node.js and 1С kept."""
    words = _words()
    text = readable(text).lower()
    for letter, folded in words.folding:
        text = text.replace(letter, folded)
    for pattern, replacement in words.symbols:
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
    words = _words()
    if token in words.fillers:
        return True
    if len(token) < 5:
        return False
    hit = process.extractOne(token, words.filler_list, scorer=OSA.distance, score_cutoff=2)
    return hit is not None and hit[1] <= (1 if max(len(token), len(hit[0])) <= 9 else 2)


catalog.on_reload(_is_filler.cache_clear)  # it remembers answers computed from the fillers


def _significant(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens without seniority and stop words: what autocompletion compares."""
    words = _words()
    return tuple(t for t in tokens if t not in words.seniority and t not in words.stop_words)


def _content(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens that can tell roles apart: what the matcher compares."""
    return tuple(t for t in _significant(tokens) if not _is_filler(t))


def _readings(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """The content tokens of a query, with and without leadership words."""
    kept = _content(tokens)
    dropped = tuple(t for t in kept if t not in _words().leadership)
    return [kept] if dropped == kept else [dropped, kept]


@lru_cache(maxsize=4096)
def _sound(token: str) -> str:
    """A spelling-blind key: Latin letters, then the sound rules ("пайтон" and "python" both "piton")."""
    words = _words()
    key = token.translate(words.translit)
    for pattern, replacement in words.phonetic:
        key = pattern.sub(replacement, key)
    return key


catalog.on_reload(_sound.cache_clear)


# ---------------------------------------------------------------------------- index


@dataclass(frozen=True)
class _Name:
    """One way of naming an entry, as the tokens the matcher compares."""

    entry: int
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

    def add(self, entry: int, tokens: tuple[str, ...], spelled: tuple[str, ...] | None = None) -> None:
        """Register one name of entry number ``entry`` (``spelled``: its words, when ``tokens`` are keys)."""
        if not tokens or (entry, tokens) in self._seen:
            return
        self._seen.add((entry, tokens))
        words = spelled or tokens
        generic = len(set(words)) == 1 and words[0] in _words().weak
        self.names.append(_Name(entry, tokens, generic))
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


def _tokenised(names: Iterable[str]) -> list[list[str]]:
    """Names as tokens, plus a Latin spelling of those in a transliterated alphabet (Russian)."""
    tokens = [normalize(n) for n in names]
    words = _words()
    if words.translit_letters is None:
        return tokens
    letters = words.translit_letters
    latin = [[t.translate(words.translit) for t in n] for n in tokens if letters.search(" ".join(n))]
    return tokens + latin


# ---------------------------------------------------------------------------- matcher


class Matcher:
    """Scores typed titles against the names of entries 0..n-1; `ranks` break ties (lower first)."""

    def __init__(self, names: Sequence[Iterable[str]], ranks: Sequence[int]) -> None:
        self._size = len(names)
        self._ranks = list(ranks)
        self._match = _Index()
        self._search = _Index()
        self._compact: dict[str, int] = {}
        self._sound = _Index()
        self._sound_compact: dict[str, int] = {}
        plain: dict[str, int] = {}
        for position, entry in enumerate(names):
            for tokens in _tokenised(entry):
                content = _content(tokens)
                significant = _significant(tokens)
                self._match.add(position, content)
                sounded = tuple(_sound(t) for t in content)
                self._sound.add(position, sounded, content)
                if sounded:
                    self._sound_compact.setdefault("".join(sounded), position)
                self._search.add(position, significant)
                if content:
                    self._compact.setdefault("".join(content), position)
                plain.setdefault(" ".join(significant), position)
        self._spellings = list(plain)
        self._spelling_owner = list(plain.values())

    def scores(self, text: str) -> dict[int, float]:
        """The best score of every entry that shares a word with the query; names are also compared by
        sound (a technology spelled in another alphabet) when their spelling finds no role."""
        tokens = normalize(text)
        role_noun = any(_is_filler(t) for t in _significant(tokens))
        readings = _readings(tokens)
        scores = self._scored(self._match, self._compact, [(r, r) for r in readings], role_noun)
        scores = _roles_over_technologies(scores, self._technology_only(readings))
        if not scores or max(scores.values()) < MATCH_THRESHOLD:
            sounded = [(tuple(_sound(t) for t in reading), reading) for reading in readings]
            by_sound = self._scored(self._sound, self._sound_compact, sounded, role_noun, _SOUND_HIT)
            for entry, score in by_sound.items():  # only a match: a partial likeness of sound is noise
                if score >= MATCH_THRESHOLD:
                    scores[entry] = max(scores.get(entry, 0.0), score)
        return scores

    def _technology_only(self, readings: list[tuple[str, ...]]) -> set[int]:
        """Entries whose names explain only the query's technologies ("Python" in "Python ML engineer")."""
        found: set[int] = set()
        for query in readings:
            technologies = [t for t in query if _kind_of(t, "technologies")]
            if not technologies or len(technologies) == len(query):
                continue
            hits = [self._match.hits(t) for t in technologies]
            explained = {self._match.names[i].entry for i in self._match.candidates(hits)}
            roles = [self._match.hits(t) for t in query if not _kind_of(t, "technologies")]
            found |= explained - {self._match.names[i].entry for i in self._match.candidates(roles)}
        return found

    def _scored(
        self,
        index: _Index,
        compact: dict[str, int],
        readings: list[tuple[tuple[str, ...], tuple[str, ...]]],
        role_noun: bool,
        min_hit: float = 0.0,
    ) -> dict[int, float]:
        """Scores in one index; each reading is the keys looked up and the words they stand for."""
        scores: dict[int, float] = {}
        for query, typed in readings:
            if not query:
                continue
            whole = compact.get("".join(query))
            if whole is not None:
                scores[whole] = 100.0
            hits = [{w: s for w, s in index.hits(token).items() if s >= min_hit} for token in query]
            words = tuple(_vocabulary_word(t, found) for t, found in zip(typed, hits, strict=True))
            known = [bool(found) or _kind_of(w, "technologies") for w, found in zip(words, hits, strict=True)]
            # A query word is explained by any name of the entry ("Python/Django developer").
            covered: dict[int, list[tuple[_Name, float]]] = {}
            explained: dict[int, list[float]] = {}
            for i in index.candidates(hits):
                name = index.names[i]
                name_side, query_side = _coverage(name.tokens, hits)
                covered.setdefault(name.entry, []).append((name, name_side))
                best = explained.setdefault(name.entry, [0.0] * len(query))
                explained[name.entry] = [max(a, b) for a, b in zip(best, query_side, strict=True)]
            for entry, names in covered.items():
                evidence = _Evidence(words, explained[entry], known, role_noun)
                for name, name_side in names:
                    score = _score(name, name_side, evidence)
                    if score > scores.get(entry, 0.0):
                        scores[entry] = score
        return scores

    @staticmethod
    def best(scores: dict[int, float]) -> int | None:
        """The entry a query names: the top score (lowest number on a tie), if over the threshold."""
        if not scores:
            return None
        best = min(scores, key=lambda i: (-scores[i], i))
        return best if scores[best] >= MATCH_THRESHOLD else None

    def closest(self, text: str, scores: dict[int, float]) -> list[tuple[int, float]]:
        """The entries nearest to a refused query: shared words, then spelling, then rank."""
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

        ranked = sorted(range(self._size), key=lambda i: (-closeness(i), self._ranks[i]))
        return [(i, closeness(i)) for i in ranked[:SUGGESTION_COUNT]]

    def popular(self) -> list[int]:
        """The best-ranked entries, for when the input gives nothing to compare with."""
        return sorted(range(self._size), key=self._ranks.__getitem__)[:SUGGESTION_COUNT]

    def search(self, query: str, limit: int) -> list[tuple[int, float]]:
        """Entries for a partly typed title: every word must match a name's word or its start."""
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
            best[name.entry] = max(best.get(name.entry, 0.0), score)
        ranked = sorted(best, key=lambda i: (-best[i], i))[:limit]
        return [(i, best[i]) for i in ranked]


def _vocabulary_word(typed: str, hits: dict[str, float]) -> str:
    """The word as typed, or the catalogue word it is a close spelling of ("питоне" → "питон")."""
    if not hits or typed in hits or max(hits.values()) == 1.0:  # found as typed (or as its sound)
        return typed
    return max(hits, key=hits.__getitem__) if max(hits.values()) >= 0.8 else typed


def _kind_of(word: str, kind: str) -> bool:
    """Whether a word, its Latin spelling or the word less an ending of one or two letters ("питоне",
    "проекта") is in a word list."""
    listed: frozenset[str] = getattr(_words(), kind)
    forms = {word, word.translate(_words().translit)}
    forms |= {form[:-cut] for form in list(forms) for cut in (1, 2) if len(form) - cut >= 4}
    return not forms.isdisjoint(listed)


def _roles_over_technologies(scores: dict[int, float], technology_only: set[int]) -> dict[int, float]:
    """When a role is named ("Data engineer (Scala)"), a hit on its qualifying technology alone loses."""
    if not any(score >= MATCH_THRESHOLD for entry, score in scores.items() if entry not in technology_only):
        return scores
    return {e: s - _TECHNOLOGY_ONLY if e in technology_only else s for e, s in scores.items()}


@dataclass(frozen=True)
class _Evidence:
    """What a query says beside one entry's names: which words they explain, which words are known."""

    query: tuple[str, ...]
    explained: list[float]  # per query word, how well the entry's names explain it (0: not at all)
    known: list[bool]  # per query word: in some name of the catalogue, or a technology
    role_noun: bool  # the query says "developer", "engineer", "разработчик"…

    def split(self) -> tuple[list[str], list[str], list[str]]:
        """The words explained, the known words left over, and the unknown words left over."""
        said = [t for t, s in zip(self.query, self.explained, strict=True) if s > 0.0]
        rest = [(t, k) for t, s, k in zip(self.query, self.explained, self.known, strict=True) if s == 0.0]
        return said, [t for t, k in rest if k], [t for t, k in rest if not k]


def _score(name: _Name, name_side: float, evidence: _Evidence) -> float:
    """0-100: mostly how much of the name the query covers, then how much is left over; then the rules:
    a veto word or a generic name with role words left over; technologies alone while a role word is
    left over (the role wins: "Data engineer (Scala)"); and a hit on weak or everyday words alone
    among words the catalogue does not know ("Java coffee roaster", "construction project manager")."""
    words = _words()
    query = evidence.query
    score = 100.0 * (_ALIAS_WEIGHT * name_side + _QUERY_WEIGHT * sum(evidence.explained) / len(query))
    said, known, unknown = evidence.split()
    left = known + unknown
    qualifiers_only = all(_kind_of(t, "technologies") for t in left)
    if any(t in words.veto for t in left) or (left and name.generic and not qualifiers_only):
        score *= _PENALTY
    everyday_only = all(_kind_of(t, "everyday") for t in said)
    managing = all(_kind_of(t, "weak") for t in said) and any(_kind_of(t, "management") for t in said)
    if unknown and not evidence.role_noun and said and (everyday_only or managing):
        score *= _PENALTY
    return score
