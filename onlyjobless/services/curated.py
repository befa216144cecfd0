"""The curated built-in question bank shipped as data: what the service uses before any LLM call."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from onlyjobless.domain.questions import BankQuestion

CURATED_DIR = Path(__file__).resolve().parent.parent / "data" / "bank"


class CuratedBank:
    """Questions per vacancy slug and language, validated when loaded."""

    def __init__(self, folder: Path = CURATED_DIR) -> None:
        self._banks: dict[str, dict[str, tuple[BankQuestion, ...]]] = {}
        for path in sorted(folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("slug") != path.stem:
                raise ValueError(f"{path.name}: slug does not match the file name")
            self._banks[path.stem] = {
                language: tuple(BankQuestion.model_validate(item) for item in items)
                for language, items in data.items()
                if language != "slug"
            }

    def get(self, slug: str, language: str) -> tuple[BankQuestion, ...] | None:
        """The curated questions, or None when this role has none in that language."""
        return self._banks.get(slug, {}).get(language) or None

    def slugs(self, language: str) -> list[str]:
        """The roles with a curated bank in a language."""
        return sorted(slug for slug, banks in self._banks.items() if banks.get(language))

    def counts(self) -> dict[str, int]:
        """How many roles have a curated bank, per language."""
        languages = sorted({lang for banks in self._banks.values() for lang in banks})
        return {lang: len(self.slugs(lang)) for lang in languages}


@lru_cache(maxsize=1)
def get_curated_bank() -> CuratedBank:
    """The shipped curated bank, loaded once."""
    return CuratedBank()
