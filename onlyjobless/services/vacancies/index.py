"""The matcher's index: every name of every entry as tokens, looked up with typo tolerance."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from onlyjobless.services.vacancies.words import allowed_edits, normalize, vocabulary


@dataclass(frozen=True)
class Name:
    """One way of naming an entry, as the tokens the matcher compares."""

    entry: int
    tokens: tuple[str, ...]
    generic: bool  # one weak word: must explain the whole query


class Index:
    """Names with an inverted index, so a query only scores names sharing a word with it."""

    _CACHE_SIZE = 4096

    def __init__(self) -> None:
        self.names: list[Name] = []
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
        generic = len(set(words)) == 1 and words[0] in vocabulary().weak
        self.names.append(Name(entry, tokens, generic))
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
        most = allowed_edits(size + 3)
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
                if 0 < distance <= allowed_edits(longest):
                    found.setdefault(word, 1.0 - distance / longest)
        return found

    def candidates(self, hits: Iterable[dict[str, float]]) -> set[int]:
        """Names that contain at least one hit word."""
        return {i for found in hits for word in found for i in self.by_token[word]}


def coverage(tokens: tuple[str, ...], hits: list[dict[str, float]]) -> tuple[float, list[float]]:
    """How well the query covers a name, and how well each query token is explained."""
    name_side = sum(max(found.get(t, 0.0) for found in hits) for t in tokens) / len(tokens)
    query_side = [max(found.get(t, 0.0) for t in tokens) for found in hits]
    return name_side, query_side


def tokenised(names: Iterable[str]) -> list[list[str]]:
    """Names as tokens, plus a Latin spelling of those in a transliterated alphabet (Russian)."""
    tokens = [normalize(n) for n in names]
    words = vocabulary()
    if words.translit_letters is None:
        return tokens
    letters = words.translit_letters
    latin = [[t.translate(words.translit) for t in n] for n in tokens if letters.search(" ".join(n))]
    return tokens + latin
