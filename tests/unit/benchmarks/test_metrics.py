"""The arithmetic behind the set benchmarks: ranks with ties, Spearman, guard and matcher outcomes."""

from __future__ import annotations

import pytest

from benchmarks import guard, matcher, offline_scorer
from benchmarks.sets import at_least, at_most, grouped, rate


def test_tied_values_share_the_mean_of_their_ranks() -> None:
    assert offline_scorer.ranks([10, 2, 2, 7]) == [4.0, 1.5, 1.5, 3.0]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([9, 9, 6, 3, 1], 1.0),  # the intended order exactly
        ([1, 1, 3, 6, 9], -1.0),  # reversed
        ([5, 5, 5, 5, 5], 0.0),  # a flat scorer says nothing
    ],
)
def test_spearman_against_the_intended_order(scores: list[float], expected: float) -> None:
    assert offline_scorer.spearman(scores, [4, 4, 3, 2, 1]) == pytest.approx(expected)


def test_spearman_with_ties_on_both_sides_is_the_pearson_of_average_ranks() -> None:
    # ranks: x -> [1.5, 1.5, 3, 4], y -> [1, 2.5, 2.5, 4]; Pearson of those is 3.75 / 4.5
    assert offline_scorer.spearman([1, 1, 2, 3], [1, 2, 2, 3]) == pytest.approx(5 / 6)


def test_a_guard_mistake_is_a_refused_genuine_answer_or_a_passed_attempt() -> None:
    items = [
        {"label": "genuine", "refused": True},
        {"label": "genuine", "refused": False},
        {"label": "attempt", "refused": False},
        {"label": "attempt", "refused": True},
    ]
    assert guard.mistakes(items) == [items[0], items[2]]
    (fp,) = guard.error_rate(items, "genuine", "overall")
    assert (fp.value, fp.count, fp.met) == (50.0, "1/2", False)


@pytest.mark.parametrize(
    ("expected", "acceptable", "got", "outcome"),
    [
        ("backend-java", [], "backend-java", "ok"),
        ("backend-kotlin", ["mobile-android"], "mobile-android", "ok"),
        ("qa-automation", [], "backend-java", "wrong_role"),
        ("qa-automation", [], None, "false_refusal"),
        (None, [], None, "ok"),
        (None, [], "backend-go", "false_accept"),
    ],
)
def test_matcher_outcomes(expected: str | None, acceptable: list[str], got: str | None, outcome: str) -> None:
    assert matcher.outcome({"expected": expected, "acceptable": acceptable, "got": got}) == outcome


def test_figures_compare_with_their_targets() -> None:
    assert at_most("fp", 2.0, 2.0).met and not at_most("fp", 2.1, 2.0).met
    assert at_least("acc", 98.0, 98.0).met and not at_least("acc", 97.9, 98.0).met
    assert rate(1, 4) == 25.0 and rate(0, 0) == 0.0
    assert list(grouped([{"l": "ru"}, {"l": "en"}, {"l": "ru"}], lambda i: i["l"])) == ["en", "ru"]
