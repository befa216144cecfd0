"""Per-language data for the scorer, read from onlyjobless/data/lang/<code>/scorer.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LANG_DIR = Path(__file__).resolve().parent.parent / "data" / "lang"
FALLBACK_LANGUAGE = "en"
NOTE_KEYS = ("empty", "evasive", "echo", "salad", "off_topic")


@dataclass(frozen=True)
class Lexicon:
    """Function words (to tell a sentence from a keyword list), evasive examples and the notes' texts."""

    language: str
    function_words: frozenset[str]
    meta_words: frozenset[str]
    """Words about the conversation itself ("question", "well"): an echo of the question may add them."""
    evasive_examples: tuple[str, ...]
    notes: dict[str, str]
    joiners: frozenset[str] = frozenset()
    """Words that join the items of a list ("and", "or"): a keyword list may use them instead of commas."""
    contrast_words: frozenset[str] = frozenset()
    """Words after which a sentence turns ("but"): what follows a hedge is the answer."""


def available() -> list[str]:
    """Language codes that have scorer data."""
    return sorted(path.parent.name for path in LANG_DIR.glob("*/scorer.json"))


@lru_cache(maxsize=16)
def lexicon(language: str) -> Lexicon:
    """The scorer data of a language; an unknown language gets the fallback language's data."""
    code = language if language in available() else FALLBACK_LANGUAGE
    raw = json.loads((LANG_DIR / code / "scorer.json").read_text(encoding="utf-8"))
    notes = {key: str(raw["notes"][key]) for key in NOTE_KEYS}
    return Lexicon(
        language=code,
        function_words=frozenset(word.lower() for word in raw["function_words"]),
        meta_words=frozenset(word.lower() for word in raw["meta_words"]),
        evasive_examples=tuple(raw["evasive_examples"]),
        notes=notes,
        joiners=frozenset(word.lower() for word in raw["list_joiners"]),
        contrast_words=frozenset(word.lower() for word in raw["contrast_words"]),
    )


@lru_cache(maxsize=1)
def every_language() -> Lexicon:
    """The function words and joiners of all languages together, for telling a keyword list from a
    sentence in an answer that switches language (the other fields are the fallback language's)."""
    each = [lexicon(code) for code in available()]
    base = lexicon(FALLBACK_LANGUAGE)
    return Lexicon(
        language="*",
        function_words=frozenset().union(*(item.function_words for item in each)),
        meta_words=base.meta_words,
        evasive_examples=base.evasive_examples,
        notes=base.notes,
        joiners=frozenset().union(*(item.joiners for item in each)),
    )
