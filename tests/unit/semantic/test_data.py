"""The scorer's data: every language has complete word lists and notes; calibration is stored as data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from onlyjobless.semantic import calibration
from onlyjobless.semantic.lexicon import NOTE_KEYS, available, every_language, lexicon


def test_english_and_russian_have_scorer_data() -> None:
    assert {"en", "ru"} <= set(available())


@pytest.mark.parametrize("code", available())
def test_each_language_has_every_list_and_note(code: str) -> None:
    data = lexicon(code)
    assert data.language == code
    assert len(data.function_words) > 50
    assert data.meta_words
    assert len(data.evasive_examples) >= 5
    assert data.joiners
    assert set(data.notes) == set(NOTE_KEYS)
    assert all(text.strip() for text in data.notes.values())


def test_notes_are_in_their_language() -> None:
    assert lexicon("ru").notes["echo"] != lexicon("en").notes["echo"]
    assert any("а" <= ch <= "я" for ch in lexicon("ru").notes["echo"])


def test_every_language_together_knows_each_language_s_function_words_and_joiners() -> None:
    every = every_language()
    assert {"the", "и", "какой"} <= every.function_words
    assert {"and", "или"} <= every.joiners


def test_an_unknown_language_falls_back_to_english() -> None:
    assert lexicon("xx").language == "en"


def test_calibration_round_trips_through_its_file(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    changed = replace(calibration.Calibration(), point_low=0.123, guard_cap=1.5)
    changed.save(path)
    assert calibration.load(path) == changed


def test_calibration_defaults_fill_what_the_file_lacks(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text('{"point_high": 0.9, "retired_setting": 3}', encoding="utf-8")
    loaded = calibration.load(path)
    assert loaded.point_high == 0.9
    assert loaded.point_low == calibration.Calibration().point_low
    assert calibration.load(tmp_path / "missing.json") == calibration.Calibration()


def test_the_stored_calibration_is_the_fitted_file() -> None:
    assert calibration.stored() == calibration.load(calibration.CALIBRATION_FILE)
