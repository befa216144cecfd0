"""Languages as data: every language folder is complete and consistent; the loader refuses one that is not."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from onlyjobless import i18n
from onlyjobless.i18n import catalog
from onlyjobless.i18n.catalog import LANG_DIR, LanguageDataError, UnsupportedLanguage, placeholders
from onlyjobless.i18n.models import FILES, TEMPLATES, MatcherWords, PromptTexts
from onlyjobless.llm import SUPPORTED_LANGUAGES, hint_messages
from onlyjobless.llm.prompts import PROMPTS
from onlyjobless.semantic import EmbedderUnavailable
from onlyjobless.services.guard import Guard, Verdict
from onlyjobless.services.vacancies.words import normalize, significant

SHIPPED = sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir())


def _raw(code: str, name: str, folder: Path = LANG_DIR) -> Any:
    return json.loads((folder / code / name).read_text(encoding="utf-8"))


def _templates(value: Any) -> dict[str, str]:
    return {key: text for key, text in value.items() if isinstance(text, str)}


# -- the shipped data -----------------------------------------------------------------------


def test_the_languages_are_the_folders() -> None:
    assert SHIPPED == ["en", "ru"]
    assert catalog.codes() == ("en", "ru")
    assert i18n.languages() == {"en": "English", "ru": "Русский"}


@pytest.mark.parametrize("code", SHIPPED)
@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_every_language_has_every_file_with_every_key(code: str, name: str) -> None:
    assert (LANG_DIR / code / name).is_file()
    assert set(_raw(code, name)) == set(_raw(catalog.DEFAULT_LANGUAGE, name))


@pytest.mark.parametrize("code", SHIPPED)
@pytest.mark.parametrize("model", sorted(TEMPLATES, key=lambda m: FILES[m]), ids=lambda m: FILES[m])
def test_placeholders_match_across_languages(code: str, model: type) -> None:
    name = FILES[model]
    english = _templates(_raw(catalog.DEFAULT_LANGUAGE, name))
    for key, text in _templates(_raw(code, name)).items():
        assert placeholders(text) == placeholders(english[key]), f"{code}/{name}: {key}"


def test_placeholders_are_read_as_str_format_does() -> None:
    assert placeholders("Question {number} of {count}: {count}") == {"number", "count"}
    assert placeholders("no fields, {{escaped}}") == frozenset()
    with pytest.raises(LanguageDataError, match="malformed"):
        placeholders("a lone } brace")


@pytest.mark.parametrize(
    ("count", "wrong"),
    [(1, "1 question"), (1, "1 вопросов"), (2, "2 questions that"), (2, "2 вопросов"), (3, "3 вопросов")],
)
def test_a_retry_of_few_mistakes_reads_right_in_every_language(count: int, wrong: str) -> None:
    """A count next to its noun needs plural forms the catalogue does not have: the text puts it apart."""
    for code in SHIPPED:
        assert wrong not in i18n.translate("interview.retry_mistakes", code, count=count)


def test_every_file_loads_and_an_unknown_language_is_refused() -> None:
    for model in FILES:
        assert set(catalog.every(model)) == set(SHIPPED)
    assert catalog.text(PromptTexts, "ru").language_name == "русский"
    with pytest.raises(UnsupportedLanguage, match="'xx'"):
        catalog.text(PromptTexts, "xx")


def test_matcher_words_of_a_transliterated_language_are_also_known_in_latin() -> None:
    russian = catalog.text(MatcherWords, "ru")
    assert "джун" in russian.seniority and russian.transliteration["ж"] == "zh"
    # "джун" is listed once, in Cyrillic; its Latin spelling "dzhun" is derived and dropped as well.
    assert normalize("Джун Python") == ["джун", "python"]
    assert significant(["dzhun", "python"]) == ("python",)


# -- the loader refuses broken data -------------------------------------------------------------


@pytest.fixture
def copied(tmp_path: Path) -> Iterator[Path]:
    """A copy of the shipped languages the test may break; the loader is pointed back afterwards."""
    folder = tmp_path / "lang"
    shutil.copytree(LANG_DIR, folder)
    yield folder
    assert catalog.codes() == tuple(SHIPPED)


class _NoModel:
    """An embedder whose model cannot load here."""

    dim = 384

    def embed(self, texts: object, *, kind: str = "query") -> object:
        raise EmbedderUnavailable("no model in this test")


def _write(folder: Path, code: str, name: str, data: Any) -> None:
    (folder / code / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_missing_file_is_refused(copied: Path) -> None:
    (copied / "ru" / "guard.json").unlink()
    with catalog.folder(copied), pytest.raises(LanguageDataError, match=r"ru/guard\.json is missing"):
        catalog.codes()


def test_a_missing_interface_string_is_refused(copied: Path) -> None:
    strings = _raw("ru", "ui.json", copied)
    del strings["settings.saved"]
    _write(copied, "ru", "ui.json", strings)
    with catalog.folder(copied), pytest.raises(LanguageDataError, match=r"missing \['settings.saved'\]"):
        catalog.codes()


def test_other_placeholders_are_refused(copied: Path) -> None:
    prompts = _raw("ru", "prompts.json", copied)
    prompts["bank_user"] = prompts["bank_user"].replace("{count}", "{number}")
    _write(copied, "ru", "prompts.json", prompts)
    with catalog.folder(copied), pytest.raises(LanguageDataError, match="'bank_user' has other placeholders"):
        catalog.codes()


def test_a_language_needs_its_own_name(copied: Path) -> None:
    _write(copied, "ru", "ui.json", {**_raw("ru", "ui.json", copied), "language.name": " "})
    with catalog.folder(copied), pytest.raises(LanguageDataError, match=r"'language\.name'"):
        catalog.codes()


def test_only_registered_models_are_language_files() -> None:
    class Other(BaseModel):
        value: str

    with pytest.raises(LookupError, match="Other is not a language file"):
        catalog.text(Other, "en")


def test_a_file_of_the_wrong_shape_is_refused(copied: Path) -> None:
    words = _raw("en", "matcher.json", copied)
    words["fillers"] = "developer engineer"
    _write(copied, "en", "matcher.json", words)
    with catalog.folder(copied), pytest.raises(LanguageDataError, match="MatcherWords"):
        catalog.codes()


def test_a_broken_pattern_is_refused(copied: Path) -> None:
    words = _raw("ru", "matcher.json", copied)
    words["symbols"].append(["(unclosed", " "])
    _write(copied, "ru", "matcher.json", words)
    with catalog.folder(copied), pytest.raises(LanguageDataError, match="not a regular expression"):
        catalog.codes()


def test_the_fallback_language_must_exist(copied: Path) -> None:
    shutil.rmtree(copied / "en")
    with catalog.folder(copied), pytest.raises(LanguageDataError, match="no 'en' folder"):
        catalog.codes()


def test_a_file_no_model_reads_is_left_alone(copied: Path) -> None:
    """Another package's data (the semantic scorer's scorer.json) may sit beside ours."""
    (copied / "en" / "scorer.json").write_text('{"about": "not ours"}', encoding="utf-8")
    with catalog.folder(copied):
        assert catalog.codes() == ("en", "ru")


# -- adding a language is adding files --------------------------------------------------------


def test_a_copied_folder_is_a_new_language_everywhere(copied: Path) -> None:
    shutil.copytree(copied / "en", copied / "xx")
    _write(copied, "xx", "ui.json", {**_raw("en", "ui.json", copied), "language.name": "Xxish"})
    prompts = {**_raw("en", "prompts.json", copied), "language_name": "Xxish"}
    _write(copied, "xx", "prompts.json", prompts)
    guard = _raw("en", "guard.json", copied)
    guard["abuse"].append("xxcurse")
    _write(copied, "xx", "guard.json", guard)
    matcher = _raw("en", "matcher.json", copied)
    _write(copied, "xx", "matcher.json", {**matcher, "folding": {"ø": "o"}})

    offline_guard = Guard(embedder=_NoModel())  # structural checks only: the language's own words
    assert offline_guard.check("you xxcurse") is None
    with catalog.folder(copied):
        assert i18n.languages() == {"en": "English", "ru": "Русский", "xx": "Xxish"}
        assert i18n.resolve("xx") == "xx"
        assert i18n.translate("language.name", "xx") == "Xxish"
        system = hint_messages("What is a dict?", ["hash table"], [], "xx")[0].content
        assert "Xxish" in system
        assert "xx" in SUPPORTED_LANGUAGES and len(SUPPORTED_LANGUAGES) == 3
        assert PROMPTS["xx"].language_name == "Xxish" and len(PROMPTS) == 3 and "zz" not in PROMPTS
        assert offline_guard.check("you xxcurse, you") == Verdict("abuse", "you xxcurse, you")
        assert normalize("Døcker") == ["docker"]
    # Pointed back, the derived data is the shipped languages' again.
    assert offline_guard.check("you xxcurse, you") is None
    assert normalize("Døcker") == ["døcker"]
    assert "xx" not in SUPPORTED_LANGUAGES and "xx" not in PROMPTS
    with pytest.raises(ValueError, match="unsupported"):
        hint_messages("q", [], [], "xx")
