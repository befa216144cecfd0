"""The vacancy catalogue: the shipped file, its model, loading and lookup."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from onlyjobless.services.vacancies import (
    CATALOGUE_PATH,
    FAMILIES,
    Catalogue,
    Vacancy,
    get_catalogue,
    normalize,
)
from onlyjobless.services.vacancies.words import content

CURATED_SLUGS = (
    "backend-python",
    "backend-java",
    "backend-go",
    "backend-nodejs",
    "backend-csharp",
    "backend-php",
    "frontend",
    "mobile-android",
    "mobile-ios",
    "devops",
    "data-engineer",
    "data-scientist",
    "ml-engineer",
    "qa-manual",
    "qa-automation",
    "security-engineer",
    "dba",
    "system-analyst",
    "business-analyst",
    "project-manager",
)
LANGUAGES = ("en", "ru")


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))["vacancies"]
    return entries


def _names(entry: dict[str, Any]) -> list[str]:
    return [*entry["title"].values(), *(a for group in entry["aliases"].values() for a in group)]


def _write(tmp_path: Path, vacancies: list[dict[str, Any]] | Any) -> Path:
    path = tmp_path / "vacancies.json"
    path.write_text(json.dumps({"vacancies": vacancies}, ensure_ascii=False), encoding="utf-8")
    return path


def _entry(slug: str = "backend-python", **changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "slug": slug,
        "family": "backend",
        "title": {"en": "Python Backend Developer", "ru": "Backend-разработчик на Python"},
        "aliases": {"en": ["python developer", "django"], "ru": ["питонист", "питон"]},
        "description": {"en": "Builds services in Python.", "ru": "Пишет сервисы на Python."},
    }
    entry.update(changes)
    return entry


# ---------------------------------------------------------------------------- schema


class TestCatalogueData:
    def test_has_at_least_46_vacancies(self, raw: list[dict[str, Any]]) -> None:
        assert len(raw) >= 46

    def test_curated_slugs_exist(self, raw: list[dict[str, Any]]) -> None:
        slugs = {e["slug"] for e in raw}
        assert set(CURATED_SLUGS) <= slugs

    def test_slugs_are_unique_and_well_formed(self, raw: list[dict[str, Any]]) -> None:
        slugs = [e["slug"] for e in raw]
        assert len(slugs) == len(set(slugs))
        for slug in slugs:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug

    def test_entries_have_exactly_the_documented_keys(self, raw: list[dict[str, Any]]) -> None:
        for entry in raw:
            assert set(entry) == {"slug", "family", "title", "aliases", "description"}, entry["slug"]

    def test_families_are_known(self, raw: list[dict[str, Any]]) -> None:
        for entry in raw:
            assert entry["family"] in FAMILIES, entry["slug"]

    def test_every_family_of_the_design_is_covered(self, raw: list[dict[str, Any]]) -> None:
        assert {e["family"] for e in raw} == set(FAMILIES)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_titles_and_descriptions_are_filled(self, raw: list[dict[str, Any]], language: str) -> None:
        for entry in raw:
            assert entry["title"][language].strip(), entry["slug"]
            description = entry["description"][language].strip()
            assert len(description) >= 30, entry["slug"]

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_at_least_two_aliases_per_language(self, raw: list[dict[str, Any]], language: str) -> None:
        for entry in raw:
            aliases = entry["aliases"][language]
            assert len(aliases) >= 2, entry["slug"]
            assert all(isinstance(a, str) and a.strip() for a in aliases), entry["slug"]
            assert len(aliases) == len(set(aliases)), entry["slug"]

    def test_descriptions_are_seniority_neutral(self, raw: list[dict[str, Any]]) -> None:
        words = re.compile(r"\b(junior|middle|senior|джун|мидл|сеньор|младш|старш)", re.IGNORECASE)
        for entry in raw:
            for text in entry["description"].values():
                assert not words.search(text), entry["slug"]

    def test_every_name_has_a_distinctive_word(self, raw: list[dict[str, Any]]) -> None:
        for entry in raw:
            for name in _names(entry):
                assert content(normalize(name)), (entry["slug"], name)

    def test_no_name_is_shared_by_two_vacancies(self, raw: list[dict[str, Any]]) -> None:
        owners: dict[frozenset[str], str] = {}
        for entry in raw:
            for name in _names(entry):
                key = frozenset(content(normalize(name)))
                assert owners.setdefault(key, entry["slug"]) == entry["slug"], (name, owners[key])

    def test_every_name_matches_its_own_vacancy(
        self, catalogue: Catalogue, raw: list[dict[str, Any]]
    ) -> None:
        for entry in raw:
            for name in _names(entry):
                result = catalogue.match(name)
                assert result.vacancy is not None, name
                assert result.vacancy.slug == entry["slug"], (name, result.vacancy.slug)

    def test_loader_agrees_with_the_file(self, catalogue: Catalogue, raw: list[dict[str, Any]]) -> None:
        assert [v.slug for v in catalogue.all()] == [e["slug"] for e in raw]
        assert len(catalogue) == len(raw)


# ---------------------------------------------------------------------------- model and loading


def test_get_and_all(catalogue: Catalogue) -> None:
    python = catalogue.get("backend-python")
    assert python is not None
    assert python.family == "backend"
    assert "питонист" in python.aliases["ru"]
    assert catalogue.get("no-such-role") is None
    everything = catalogue.all()
    everything.clear()
    assert len(catalogue.all()) == len(catalogue)


def test_vacancy_texts_fall_back_to_english() -> None:
    vacancy = Vacancy(
        slug="x",
        family="other",
        titles={"en": "Title", "ru": "Заголовок"},
        aliases={"en": ("a",)},
        descriptions={"en": "Text"},
    )
    assert vacancy.title("ru") == "Заголовок"
    assert vacancy.title("de") == "Title"
    assert vacancy.description("ru") == "Text"
    assert vacancy.description("en") == "Text"
    assert {vacancy, vacancy} == {vacancy}


def test_get_catalogue_is_cached() -> None:
    assert get_catalogue() is get_catalogue()


def test_load_from_a_path(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [_entry(), _entry("frontend", title={"en": "Frontend Developer"}, aliases={"en": ["react", "vue"]})],
    )
    small = Catalogue.load(path)
    assert [v.slug for v in small.all()] == ["backend-python", "frontend"]
    assert small.match("питонист").vacancy == small.get("backend-python")
    refusal = small.match("повар")
    assert [s.slug for s in refusal.suggestions] == ["backend-python", "frontend"]
    assert small.get("frontend") is not None
    assert small.match("react", "ru").vacancy is not None


def test_popular_roles_fall_back_to_catalogue_order(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            _entry("alpha", aliases={"en": ["alpha"]}),
            _entry("beta", aliases={"en": ["beta"]}),
            _entry("gamma", aliases={"en": ["gamma"]}),
            _entry("delta", aliases={"en": ["delta"]}),
        ],
    )
    slugs = [s.slug for s in Catalogue.load(path).match("").suggestions]
    assert slugs == ["alpha", "beta", "gamma"]


@pytest.mark.parametrize(
    ("vacancies", "message"),
    [
        ([_entry(), _entry()], "duplicate slugs: backend-python"),
        ([_entry("Bad_Slug")], "slug"),
        ([_entry(family="cooking")], "unknown family"),
        ([_entry(title={"ru": "Только русский"})], "title needs an 'en' entry"),
        ([_entry(description={"en": "   "})], "description must not be blank"),
        ([_entry(aliases={"en": ["!!!"]})], "aliases must contain words"),
        ([_entry(extra="field")], "extra"),
        ([], "vacancies"),
    ],
)
def test_load_rejects_a_broken_catalogue(
    tmp_path: Path, vacancies: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Catalogue.load(_write(tmp_path, vacancies))


def test_load_rejects_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="Expecting"):
        Catalogue.load(path)


def test_hit_cache_is_bounded(tmp_path: Path) -> None:
    fresh = Catalogue.load(_write(tmp_path, [_entry()]))
    index = fresh._matcher._match
    index._CACHE_SIZE = 2  # type: ignore[misc]
    for word in ("python", "pyhton", "django", "djnago"):
        fresh.match(word)
    assert len(index._cache) <= 2
    assert fresh.match("pyhton").vacancy is not None
