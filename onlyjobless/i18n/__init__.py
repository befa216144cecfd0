"""Languages: the one list of supported languages and each one's interface strings.

Every language's texts (interface, prompts, word lists) are data in onlyjobless/data/lang/<code>/,
loaded and validated by `catalog`; a language is one folder there.
"""

from __future__ import annotations

from typing import Any

from onlyjobless.domain.errors import ServiceError
from onlyjobless.i18n.catalog import DEFAULT_LANGUAGE, codes, derived, every
from onlyjobless.i18n.models import UiStrings

__all__ = [
    "DEFAULT_LANGUAGE",
    "error_message",
    "languages",
    "pick_language",
    "resolve",
    "score_text",
    "strings",
    "translate",
]


@derived
def _catalogues() -> dict[str, dict[str, str]]:
    return {code: ui.root for code, ui in every(UiStrings).items()}


def languages() -> dict[str, str]:
    """The supported languages (the folders of data/lang), code to the language's own name."""
    return {code: _catalogues()[code]["language.name"] for code in codes()}


def resolve(language: object) -> str:
    """A supported language code, falling back to the default."""
    return language if isinstance(language, str) and language in _catalogues() else DEFAULT_LANGUAGE


def strings(language: object) -> dict[str, str]:
    """Every string of a language, missing keys filled from the default language."""
    code = resolve(language)
    merged = dict(_catalogues()[DEFAULT_LANGUAGE])
    merged.update(_catalogues()[code])
    return merged


def translate(key: str, language: object = DEFAULT_LANGUAGE, **params: Any) -> str:
    """One string with its {placeholders} filled; an unknown key comes back as itself."""
    template = strings(language).get(key, key)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def score_text(score: float | None, strings_or_language: dict[str, str] | object) -> str:
    """A score out of ten as the language writes it ("7.5/10", "7,5/10"); None: "not answered".

    Takes a language, or the strings of one already looked up (`strings(language)`).
    """
    t = strings_or_language if isinstance(strings_or_language, dict) else strings(strings_or_language)
    if score is None:
        return t.get("evaluation.not_answered", "")
    return f"{score:g}".replace(".", t.get("number.decimal", ".")) + "/10"


def error_message(error: ServiceError | str, language: object) -> str:
    """The text of a refusal (or of a bare error code) in a language: what the screens and the API show."""
    if isinstance(error, ServiceError):
        return translate(f"error.{error.code}", language, **error.params)
    return translate(f"error.{error}", language)


def pick_language(accept_language: str | None) -> str:
    """The best supported language from an Accept-Language header."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in _catalogues():
            return code
    return DEFAULT_LANGUAGE
