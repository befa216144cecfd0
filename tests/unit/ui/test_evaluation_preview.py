"""The evaluation's JSON, read while it arrives: scores as they are complete, the summary as it grows."""

from __future__ import annotations

import json

import pytest

from onlyjobless import i18n
from onlyjobless.ui.evaluation_preview import preview

LABELS = i18n.strings("en")
FULL = json.dumps(
    {
        "questions": [
            {"index": 1, "score": 10, "good": "clear", "missing": "", "strong_answer": "s"},
            {"index": 2, "score": 4, "good": "", "missing": "an example", "strong_answer": "s"},
        ],
        "summary": 'Say "why", then\nshow how — \u0441 примером.',
        "overall_score": 7,
    },
    ensure_ascii=True,  # escapes everywhere, as a model may write them
)


def _lines(raw: str) -> list[str]:
    return preview(raw, LABELS).split("\n")


def test_the_whole_evaluation_reads_as_scores_and_the_summary() -> None:
    assert _lines(FULL) == [
        LABELS["evaluation.in_progress"],
        "- Question 1: **10/10**",
        "- Question 2: **4/10**",
        "",
        'Say "why", then',
        "show how — с примером.",
    ]


def test_every_prefix_shows_only_what_is_certain() -> None:
    """Never raw JSON, never a score that may still grow, and what is shown only ever grows."""
    before = ""
    for cut in range(len(FULL) + 1):
        shown = preview(FULL[:cut], LABELS)
        assert "{" not in shown and '"index"' not in shown, cut
        assert "**1/10**" not in shown, cut  # the "1" of a "10" still being written
        assert shown.startswith(before), cut
        before = shown


def test_a_truncated_escape_is_left_out_until_it_is_whole() -> None:
    raw = '{"questions": [], "summary": "\\u0441\\u043f\\u043'
    assert _lines(raw)[-1] == "сп"


def test_a_number_at_the_end_of_an_open_string_is_text() -> None:
    assert _lines('{"questions": [], "summary": "about 12')[-1] == "about 12"


@pytest.mark.parametrize("raw", ["", "   ", "Sure! Here it is:", "[1, 2", '{"questions": "none"}', "null"])
def test_anything_else_shows_only_the_heading(raw: str) -> None:
    assert _lines(raw) == [LABELS["evaluation.in_progress"]]


def test_entries_without_a_whole_index_and_score_are_skipped() -> None:
    raw = '{"questions": [{"index": 1}, {"score": 5}, "x", {"index": 3, "score": 8}, {"index": 4, "score": 9'
    assert _lines(raw)[1:] == ["- Question 3: **8/10**"]
