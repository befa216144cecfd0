"""Interface strings per language; a language is one JSON file in this folder."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from onlyjobless.domain.errors import ServiceError

DEFAULT_LANGUAGE = "en"
_FOLDER = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _catalogues() -> dict[str, dict[str, str]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(_FOLDER.glob("*.json"))
    }


def languages() -> dict[str, str]:
    """Supported language codes and each one's own name."""
    return {code: strings["language.name"] for code, strings in _catalogues().items()}


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
