"""Every curated bank file: the right role, both languages, and questions that make a usable rubric."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from onlyjobless import i18n
from onlyjobless.domain.questions import BankQuestion
from onlyjobless.services.curated import CURATED_DIR
from onlyjobless.services.vacancies import CATALOGUE_PATH

BANK_FILES = sorted(CURATED_DIR.glob("*.json"))
REQUIRED_LANGUAGES = ("en", "ru")
FIELDS = ("topic", "text", "key_points", "hint", "model_answer")
MIN_QUESTIONS, MAX_QUESTIONS = 10, 15


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _banks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The question lists of a file, per language."""
    return {key: value for key, value in _load(path).items() if key != "slug"}


def _norm(text: str) -> str:
    """Case-folded with runs of whitespace made one space, for comparing texts."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def _catalogue_slugs() -> set[str]:
    return {entry["slug"] for entry in json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))["vacancies"]}


per_file = pytest.mark.parametrize("path", BANK_FILES, ids=lambda path: path.name)


def test_the_shipped_banks_are_found() -> None:
    assert len(BANK_FILES) >= 20


@per_file
def test_slug_matches_file_name_and_is_in_the_catalogue(path: Path) -> None:
    slug = _load(path).get("slug")
    assert slug == path.stem
    assert slug in _catalogue_slugs()


@per_file
def test_languages_are_supported_and_both_present(path: Path) -> None:
    languages = set(_banks(path))
    assert languages <= set(i18n.languages()), languages - set(i18n.languages())
    assert set(REQUIRED_LANGUAGES) <= languages


@per_file
def test_question_count_per_language(path: Path) -> None:
    for language, questions in _banks(path).items():
        assert isinstance(questions, list), language
        assert MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS, (language, len(questions))


@per_file
def test_every_field_is_present_and_filled(path: Path) -> None:
    for language, questions in _banks(path).items():
        for number, question in enumerate(questions, start=1):
            where = f"{language} question {number}"
            assert set(question) == set(FIELDS), (where, sorted(set(question) ^ set(FIELDS)))
            for field in ("topic", "text", "hint", "model_answer"):
                assert isinstance(question[field], str), (where, field)
                assert question[field].strip(), (where, field)
            assert all(isinstance(p, str) and p.strip() for p in question["key_points"]), where
            BankQuestion.model_validate(question)


@per_file
def test_three_to_six_key_points(path: Path) -> None:
    for language, questions in _banks(path).items():
        for number, question in enumerate(questions, start=1):
            assert 3 <= len(question["key_points"]) <= 6, (language, number, len(question["key_points"]))


@per_file
@pytest.mark.parametrize("field", ["text", "topic"])
def test_no_duplicates_within_a_language(path: Path, field: str) -> None:
    for language, questions in _banks(path).items():
        seen: dict[str, int] = {}
        for number, question in enumerate(questions, start=1):
            key = _norm(question[field])
            assert key not in seen, (language, field, seen.get(key), number)
            seen[key] = number


@per_file
def test_hint_does_not_quote_a_key_point(path: Path) -> None:
    for language, questions in _banks(path).items():
        for number, question in enumerate(questions, start=1):
            hint = _norm(question["hint"])
            for point in question["key_points"]:
                assert _norm(point) not in hint, (language, number, point)
