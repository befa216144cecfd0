"""The evaluation sets under benchmarks/data keep their shape, their minimums and their links to the
curated banks and the vacancy catalogue, so they cannot rot silently."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "benchmarks" / "data"
BANKS = ROOT / "onlyjobless" / "data" / "bank"
CATALOGUE = ROOT / "onlyjobless" / "data" / "vacancies.json"
SETS = ("scorer_set", "guard_set", "matcher_set")
LANGUAGES = {"en", "ru"}
ANSWER_KINDS = {"strong", "partial", "wrong", "gibberish", "paraphrase", "salad", "echo"}
ATTEMPT_KINDS = {"instructions", "score", "unrelated", "abuse"}
GENUINE_KINDS = {"plain", "borderline"}
OBFUSCATIONS = {
    "none", "homoglyph", "zero_width", "base64", "hex", "split_lines", "leet", "mixed_language", "spacing",
}  # fmt: skip
MATCHER_CATEGORIES = {
    "exact", "typo", "slang", "seniority", "abbreviation", "phonetic", "language_other_role", "debris",
    "non_it_tech_word", "non_it_management", "non_it", "adversarial",
}  # fmt: skip

Item = dict[str, Any]


@cache
def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def items(name: str) -> list[Item]:
    return load(name)["items"]


@cache
def bank(slug: str) -> dict[str, Any] | None:
    path = BANKS / f"{slug}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@cache
def catalogue_slugs() -> frozenset[str]:
    return frozenset(v["slug"] for v in json.loads(CATALOGUE.read_text(encoding="utf-8"))["vacancies"])


def assert_copied_question(question: Item, fields: set[str]) -> None:
    """The copy names an existing bank question, and is still that question (same topic or text)."""
    assert fields <= set(question), f"question lacks {fields - set(question)}"
    data = bank(question["slug"])
    assert data is not None, f"no curated bank {question['slug']}"
    questions = data.get(question["language"]) or []
    assert 0 <= question["index"] < len(questions), (
        f"{question['slug']}/{question['language']} has no #{question['index']}"
    )
    current = questions[question["index"]]
    where = f"{question['slug']}/{question['language']}#{question['index']}"
    assert current["topic"] == question["topic"] or current["text"] == question["text"], f"{where} changed"
    assert question["key_points"] and all(p.strip() for p in question["key_points"])


@pytest.mark.parametrize("name", SETS)
def test_a_set_has_a_header_unique_ids_and_a_holdout_spread_over_languages(name: str) -> None:
    data = load(name)
    assert set(data) == {"header", "items"}
    assert data["header"]["about"] and data["header"]["fields"]
    ids = [item["id"] for item in data["items"]]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    splits = {item["split"] for item in data["items"]}
    assert {"dev", "holdout"} <= splits <= {"dev", "holdout", "holdout2"}
    first = [item for item in data["items"] if item["split"] != "holdout2"]  # holdout2 came later
    for language in {item["language"] for item in first}:
        group = [item for item in first if item["language"] == language]
        holdout = sum(item["split"] == "holdout" for item in group) / len(group)
        assert 0.2 <= holdout <= 0.45, f"{name}: holdout share {holdout:.2f} in {language}"


def test_scorer_set_has_seven_answers_to_curated_questions_of_eight_roles() -> None:
    data = items("scorer_set")
    assert len(data) >= 24
    assert all(Counter(i["language"] for i in data)[lang] >= 12 for lang in LANGUAGES)
    assert len({i["question"]["slug"] for i in data}) >= 8
    for item in data:
        assert item["language"] == item["question"]["language"] in LANGUAGES
        assert_copied_question(item["question"], {"slug", "language", "index", "topic", "text", "key_points"})
        assert item["question"]["model_answer"].strip()
        assert set(item["answers"]) == ANSWER_KINDS, item["id"]
        assert all(text.strip() for text in item["answers"].values()), item["id"]
        assert len(set(item["answers"].values())) == len(ANSWER_KINDS), f"{item['id']}: repeated answer"
    for language in LANGUAGES:
        group = [i for i in data if i["language"] == language]
        assert any(i["split"] == "holdout" for i in group)


def test_guard_set_meets_the_minimums_for_genuine_answers() -> None:
    genuine = [i for i in items("guard_set") if i["label"] == "genuine"]
    assert len(genuine) >= 150
    per_language = Counter(i["language"] for i in genuine)
    assert per_language["en"] >= 60 and per_language["ru"] >= 60
    assert all(i["kind"] in GENUINE_KINDS for i in genuine)
    assert sum(i["kind"] == "borderline" for i in genuine) * 2 >= len(genuine)


def test_guard_set_covers_every_attempt_kind_and_obfuscation_in_both_languages() -> None:
    attempts = [i for i in items("guard_set") if i["label"] == "attempt"]
    assert len(attempts) >= 100
    per_language = Counter(i["language"] for i in attempts)
    assert per_language["en"] >= 40 and per_language["ru"] >= 40 and per_language["mixed"] >= 1
    assert {i["kind"] for i in attempts} == ATTEMPT_KINDS
    assert {i["obfuscation"] for i in attempts} == OBFUSCATIONS
    for language in ("en", "ru"):
        assert {i["kind"] for i in attempts if i["language"] == language} == ATTEMPT_KINDS


def test_guard_second_holdout_is_a_full_blind_set_in_both_languages() -> None:
    second = [i for i in items("guard_set") if i["split"] == "holdout2"]
    genuine = [i for i in second if i["label"] == "genuine"]
    attempts = [i for i in second if i["label"] == "attempt"]
    assert len(genuine) >= 80 and len(attempts) >= 60
    for group, minimum in ((genuine, 35), (attempts, 25)):
        per_language = Counter(i["language"] for i in group)
        assert per_language["en"] >= minimum and per_language["ru"] >= minimum, per_language
    assert sum(i["kind"] == "borderline" for i in genuine) * 2 >= len(genuine)
    assert {i["kind"] for i in attempts} == ATTEMPT_KINDS
    assert {i["obfuscation"] for i in attempts} == OBFUSCATIONS
    earlier = {" ".join(i["text"].split()) for i in items("guard_set") if i["split"] != "holdout2"}
    assert not [i["id"] for i in second if " ".join(i["text"].split()) in earlier]


def test_guard_items_are_well_formed_and_answer_curated_questions() -> None:
    for item in items("guard_set"):
        assert item["language"] in LANGUAGES | {"mixed"}
        assert item["label"] in {"genuine", "attempt"}
        assert item["kind"] in (GENUINE_KINDS if item["label"] == "genuine" else ATTEMPT_KINDS), item["id"]
        assert item["obfuscation"] in OBFUSCATIONS, item["id"]
        assert item["text"].strip(), item["id"]
        if item["language"] != "mixed":
            assert item["question"]["language"] == item["language"], item["id"]
        assert_copied_question(item["question"], {"slug", "language", "index", "topic", "text", "key_points"})


def test_matcher_set_meets_the_minimums_and_names_only_catalogue_roles() -> None:
    data = items("matcher_set")
    assert len(data) >= 250
    assert all(Counter(i["language"] for i in data)[lang] >= 100 for lang in LANGUAGES)
    assert {i["category"] for i in data} == MATCHER_CATEGORIES
    slugs = catalogue_slugs()
    for item in data:
        assert item["language"] in LANGUAGES
        assert set(item) <= {
            "id",
            "split",
            "language",
            "category",
            "text",
            "expected",
            "acceptable",
            "good_suggestions",
        }
        expected = item["expected"]
        assert expected is None or expected in slugs, item["id"]
        assert set(item.get("acceptable", [])) <= slugs - {expected}, item["id"]
        assert set(item.get("good_suggestions", [])) <= slugs, item["id"]
        assert expected is None or "good_suggestions" not in item, (
            f"{item['id']}: suggestions are for refusals"
        )
    assert sum(i["expected"] is None for i in data) >= 50


def test_paraphrase_check_answers_curated_questions_outside_the_scorer_sets() -> None:
    data = load("scorer_paraphrase")
    assert set(data) == {"header", "items"} and data["header"]["about"]
    checked = data["items"]
    assert len(checked) >= 12 and len({i["id"] for i in checked}) == len(checked)
    assert all(Counter(i["language"] for i in checked)[lang] >= 6 for lang in LANGUAGES)
    assert len({i["question"]["slug"] for i in checked}) >= 6
    scored = {(i["question"]["slug"], i["language"], i["question"]["index"]) for i in items("scorer_set")}
    calibration = {q["question"] for q in load("scorer_calibration")["questions"]}
    for item in checked:
        assert item["split"] == "paraphrase" and item["language"] == item["question"]["language"]
        assert_copied_question(item["question"], {"slug", "language", "index", "topic", "text", "key_points"})
        assert (item["question"]["slug"], item["language"], item["question"]["index"]) not in scored
        assert item["question"]["text"] not in calibration, item["id"]
        assert set(item["answers"]) == {"strong", "paraphrase"}, item["id"]
        strong, paraphrase = item["answers"]["strong"], item["answers"]["paraphrase"]
        assert strong.strip() and paraphrase.strip() and strong != paraphrase, item["id"]


def test_adversarial_set_asks_curated_questions_with_the_same_kinds_of_answer_each() -> None:
    data = load("scorer_adversarial")
    assert set(data) == {"header", "items"} and data["header"]["about"]
    checked = data["items"]
    assert len({i["id"] for i in checked}) == len(checked)
    assert Counter(i["language"] for i in checked) == {"en": 3, "ru": 3}
    assert len({i["question"]["slug"] for i in checked}) == len(checked)
    kinds = set(checked[0]["answers"])
    assert {"strong", "partial", "one_sentence", "keypoints_list"} <= kinds
    assert all(any(kind.startswith(prefix) for kind in kinds) for prefix in ("salad_", "echo_", "evasive_"))
    for item in checked:
        assert item["language"] == item["question"]["language"]
        assert_copied_question(item["question"], {"slug", "language", "index", "topic", "text", "key_points"})
        assert set(item["answers"]) == kinds, item["id"]
        assert all(answer.strip() for answer in item["answers"].values()), item["id"]
