"""Text that enters or leaves the app: the one rule about the NUL character.

PostgreSQL text cannot hold U+0000 and no person types it, so it is decided once:
text from people that contains NUL is refused (InvalidInput "text_nul", a 422 at the API);
text from the model has NUL removed before it is stored or streamed.
"""

from __future__ import annotations

from onlyjobless.domain.errors import InvalidInput

NUL = "\x00"


def refuse_nul(*values: object) -> None:
    """InvalidInput("text_nul") when any of the given strings holds a NUL; other values pass."""
    if any(isinstance(value, str) and NUL in value for value in values):
        raise InvalidInput("text_nul")


def without_nul(text: str) -> str:
    """The text with every NUL removed (model output)."""
    return text.replace(NUL, "") if NUL in text else text
