"""The running line of an evaluation: a line per graded question as it comes, estimates marked."""

from __future__ import annotations

from onlyjobless import i18n
from onlyjobless.domain.chats import Feedback
from onlyjobless.services.interviews import ReportRow
from onlyjobless.ui.evaluation_preview import preview


def _row(number: int, score: int | None, *, estimate: bool = False) -> ReportRow:
    feedback = Feedback(good="g", missing="m", strong_answer="s", estimate=estimate)
    return ReportRow(number, number - 1, f"Topic {number}", "Q?", score, score != 10, feedback)


def test_nothing_graded_yet_says_the_evaluation_is_running() -> None:
    assert preview([], i18n.strings("en")) == "Evaluating your answers…"


def test_each_graded_question_is_a_line_and_estimates_say_so() -> None:
    lines = preview([_row(1, 10), _row(2, 4, estimate=True)], i18n.strings("en")).split("\n")
    assert lines[1:] == ["- Question 1. Topic 1: **10/10**", "- Question 2. Topic 2: **4/10** (estimate)"]
    russian = preview([_row(1, 3, estimate=True)], i18n.strings("ru"))
    assert russian.endswith("- Вопрос 1. Topic 1: **3/10** (оценка офлайн)")
