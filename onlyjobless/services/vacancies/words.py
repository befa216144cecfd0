"""The matcher's vocabulary: every language's word lists, normalised tokens and sound keys.

Case, punctuation, seniority words, typos and every language are tolerated. The word lists are
each language's data (data/lang/<code>/matcher.json), used together: a title may be typed in any
language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import MatcherWords
from onlyjobless.services.guard.normalise import readable


@dataclass(frozen=True)
class Vocabulary:
    """Every language's word lists as one vocabulary (a typed title may be in any language).

    Words written in a language with a transliteration are also listed in their Latin spelling,
    which users type too.
    """

    seniority: frozenset[str]
    leadership: frozenset[str]
    fillers: frozenset[str]
    filler_list: tuple[str, ...]
    filler_sounds: frozenset[str]  # "девелопер" sounds like "developer"
    broad_fillers: frozenset[str]
    agent_suffixes: tuple[tuple[str, str], ...]  # longest first
    stop_words: frozenset[str]
    weak: frozenset[str]
    veto: frozenset[str]
    technologies: frozenset[str]
    technology_sounds: frozenset[str]
    everyday: frozenset[str]
    management: frozenset[str]
    phonetic: tuple[tuple[re.Pattern[str], str], ...]
    translit: dict[int, str]
    translit_letters: re.Pattern[str] | None
    folding: tuple[tuple[str, str], ...]
    symbols: tuple[tuple[re.Pattern[str], str], ...]


@catalog.derived
def vocabulary() -> Vocabulary:
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
    technologies = listed("technologies")
    phonetic = tuple((re.compile(p), r) for words in data for p, r in words.phonetic)
    suffixes = {suffix: noun for words in data for suffix, noun in words.agent_suffixes.items()}
    return Vocabulary(
        seniority=listed("seniority"),
        leadership=listed("leadership"),
        fillers=fillers,
        filler_list=tuple(sorted(fillers)),
        filler_sounds=frozenset(_key(word, translit, phonetic) for word in fillers),
        broad_fillers=listed("broad_fillers"),
        agent_suffixes=tuple(sorted(suffixes.items(), key=lambda pair: -len(pair[0]))),
        stop_words=listed("stop_words"),
        weak=listed("weak") | listed("leadership"),
        veto=listed("veto"),
        technologies=technologies,
        technology_sounds=frozenset(_key(word, translit, phonetic) for word in technologies),
        everyday=listed("everyday"),
        management=listed("management"),
        phonetic=phonetic,
        translit=translit,
        translit_letters=pattern,
        folding=tuple((k, v) for words in data for k, v in words.folding.items()),
        symbols=tuple((re.compile(p), r) for words in data for p, r in words.symbols),
    )


_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> list[str]:
    """Lower-cased word tokens with the symbols of C#, C++, .NET, Node.js and 1С kept."""
    words = vocabulary()
    text = readable(text).lower()
    for letter, folded in words.folding:
        text = text.replace(letter, folded)
    for pattern, replacement in words.symbols:
        text = pattern.sub(replacement, text)
    return [word for token in _NON_WORD.sub(" ", text).split() for word in _person(token, words)]


def _person(token: str, words: Vocabulary) -> tuple[str, ...]:
    """A technology made a person ("питонист", "сишарпер", "пхпшник") as the technology and a role
    noun; any other token as itself."""
    if token in words.technologies or token in words.fillers:
        return (token,)
    for suffix, noun in words.agent_suffixes:
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 2:
            for form in (stem, *(stem + vowel for vowel in _STEM_VOWELS)):
                if form in words.technologies or sound(form) in words.technology_sounds:
                    return form, noun
    return (token,)


_STEM_VOWELS = "аоиуы"  # a stem less its vowel: "джав-ист" is "джава", "руб-ист" is "руби"


def allowed_edits(length: int) -> int:
    """Typos tolerated in a word of this length: none in short acronyms, more in long words."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


@lru_cache(maxsize=4096)
def is_filler(token: str) -> bool:
    """A role noun, typos included ("develper")."""
    words = vocabulary()
    if token in words.fillers or sound(token) in words.filler_sounds:
        return True
    if len(token) < 5:
        return False
    hit = process.extractOne(token, words.filler_list, scorer=OSA.distance, score_cutoff=2)
    return hit is not None and hit[1] <= (1 if max(len(token), len(hit[0])) <= 9 else 2)


catalog.on_reload(is_filler.cache_clear)  # it remembers answers computed from the fillers


def significant(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens without seniority and stop words: what autocompletion compares."""
    words = vocabulary()
    return tuple(t for t in tokens if t not in words.seniority and t not in words.stop_words)


def content(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens that can tell roles apart: what the matcher compares."""
    return tuple(t for t in significant(tokens) if not is_filler(t))


def readings(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """The content tokens of a query, with and without leadership words."""
    kept = content(tokens)
    dropped = tuple(t for t in kept if t not in vocabulary().leadership)
    return [kept] if dropped == kept else [dropped, kept]


@lru_cache(maxsize=4096)
def sound(token: str) -> str:
    """A spelling-blind key: Latin letters, then the sound rules ("пайтон" and "python" both "piton")."""
    words = vocabulary()
    return _key(token, words.translit, words.phonetic)


def _key(token: str, translit: dict[int, str], phonetic: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    key = token.translate(translit)
    for pattern, replacement in phonetic:
        key = pattern.sub(replacement, key)
    return key


def names_it_role(token: str) -> bool:
    """A role noun that only IT uses ("developer"), not one every industry has ("specialist")."""
    return is_filler(token) and token not in vocabulary().broad_fillers


catalog.on_reload(sound.cache_clear)
