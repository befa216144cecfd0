"""The matcher: scores typed titles against the names in its index (see words.py and index.py).

Case, punctuation, word order, seniority words, typos and every language are tolerated; a
typed title is scored against every name (title or alias) of the numbered entries it is
built from, and the matcher knows nothing else about them. Its word lists are each language's
data (data/lang/<code>/matcher.json), used together: a title may be typed in any language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from onlyjobless.services.vacancies import index as idx
from onlyjobless.services.vacancies import words as vocab
from onlyjobless.services.vacancies.words import normalize

MAX_POSITION_LENGTH = 200
MATCH_THRESHOLD = 78.0
SUGGESTION_COUNT = 3
_ALIAS_WEIGHT = 0.7  # how much of the matched alias the query covers
_QUERY_WEIGHT = 0.3  # how much of the query the alias explains
_PENALTY = 0.6  # a vetoed or too-generic hit stays rankable but below the threshold
_SOUND_HIT = 0.8  # a word compared by sound counts only when its key is this close
_TECHNOLOGY_ONLY = 10.0  # taken from a hit on technologies alone while a role word goes unexplained
_SPELLING_CUTOFF = 60.0  # below this, spelling likeness of whole titles is noise


class Matcher:
    """Scores typed titles against the names of entries 0..n-1; `ranks` break ties (lower first)."""

    def __init__(self, names: Sequence[Iterable[str]], ranks: Sequence[int]) -> None:
        self._size = len(names)
        self._ranks = list(ranks)
        self._match = idx.Index()
        self._search = idx.Index()
        self._compact: dict[str, int] = {}
        self._sound = idx.Index()
        self._sound_compact: dict[str, int] = {}
        plain: dict[str, int] = {}
        for position, entry in enumerate(names):
            for tokens in idx.tokenised(entry):
                content = vocab.content(tokens)
                significant = vocab.significant(tokens)
                self._match.add(position, content)
                sounded = tuple(vocab.sound(t) for t in content)
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
        role_noun = any(vocab.names_it_role(t) for t in vocab.significant(tokens))
        readings = vocab.readings(tokens)
        scores = self._scored(self._match, self._compact, [(r, r) for r in readings], role_noun)
        scores = _roles_over_technologies(scores, self._technology_only(readings))
        if not scores or max(scores.values()) < MATCH_THRESHOLD:
            sounded = [(tuple(vocab.sound(t) for t in reading), reading) for reading in readings]
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
        index: idx.Index,
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
            covered: dict[int, list[tuple[idx.Name, float]]] = {}
            explained: dict[int, list[float]] = {}
            for i in index.candidates(hits):
                name = index.names[i]
                name_side, query_side = idx.coverage(name.tokens, hits)
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
        tokens = vocab.significant(normalize(text))
        if not tokens or limit <= 0:
            return []
        hits = [self._search.hits(token, prefix=True) for token in tokens]
        best: dict[int, float] = {}
        for i in self._search.candidates(hits):
            name = self._search.names[i]
            name_side, query_side = idx.coverage(name.tokens, hits)
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
    listed: frozenset[str] = getattr(vocab.vocabulary(), kind)
    forms = {word, word.translate(vocab.vocabulary().translit)}
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


def _score(name: idx.Name, name_side: float, evidence: _Evidence) -> float:
    """0-100: mostly how much of the name the query covers, then how much is left over; then the rules:
    a veto word or a generic name with role words left over; technologies alone while a role word is
    left over (the role wins: "Data engineer (Scala)"); and a hit on weak or everyday words alone
    among words the catalogue does not know ("Java coffee roaster", "construction project manager")."""
    words = vocab.vocabulary()
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
