"""Text that enters or leaves the app: the rules about NUL and lone surrogates.

PostgreSQL text cannot hold U+0000 and no person types it, so it is decided once:
text from people that contains NUL is refused (InvalidInput "text_nul", a 422 at the API);
text from the model has NUL removed before it is stored or streamed.

A lone surrogate (U+D800..U+DFFF, as JSON can write `"\\ud800"`) is no character and cannot be
encoded as UTF-8 (to hash, seal or store it): text from people holding one is refused too
(InvalidInput "text_surrogate").
"""

from __future__ import annotations

import re

from onlyjobless.domain.errors import InvalidInput

NUL = "\x00"
SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_nul(*values: object) -> None:
    """InvalidInput("text_nul") when any of the given strings holds a NUL,
    InvalidInput("text_surrogate") when one holds a lone surrogate; other values pass."""
    texts = [value for value in values if isinstance(value, str)]
    if any(NUL in value for value in texts):
        raise InvalidInput("text_nul")
    if any(SURROGATE.search(value) for value in texts):
        raise InvalidInput("text_surrogate")


def without_nul(text: str) -> str:
    """The text with every NUL removed (model output)."""
    return text.replace(NUL, "") if NUL in text else text
