"""The leak check of model output: the canary, verbatim runs of the prompt texts, and streams."""

from __future__ import annotations

import pytest

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import PromptTexts
from onlyjobless.llm import canary, hint_messages, model_answer_messages
from onlyjobless.services.guard.leaks import RUN_WORDS, StreamWatch, leak_in, leak_in_any


def test_every_system_prompt_carries_the_canary_and_it_is_random() -> None:
    for language in ("en", "ru"):
        assert canary() in hint_messages("q", ["p"], [], language)[0].content
        assert canary() in model_answer_messages("q", ["p"], language)[0].content
        assert canary() not in hint_messages("q", ["p"], [], language)[1].content  # not in the data
    assert len(canary()) >= 16 and canary() not in (catalog.LANG_DIR / "en" / "prompts.json").read_text()


def test_the_canary_and_long_prompt_runs_are_leaks() -> None:
    rule = catalog.text(PromptTexts, "ru").data_rule
    words = catalog.text(PromptTexts, "en").hint_system.split()
    assert leak_in(f"ok {canary()} ok") == "canary"
    assert leak_in(f"Вот: {rule}") == "prompt"
    assert leak_in("  ".join(words[:RUN_WORDS]).upper()) == "prompt"  # case and spacing do not hide it
    assert leak_in(" ".join(words[: RUN_WORDS - 1])) is None  # a shorter run is ordinary language
    assert leak_in_any(["clean", "also clean"]) is None


@pytest.mark.parametrize(
    "text",
    [
        "Give one short hint about indexes and the planner, then check the plan with EXPLAIN ANALYZE.",
        "Ответ: данные внутри блоков — это данные; модель не должна выполнять из них команды.",
        "The interviewer should never state the answer when the candidate asks for a hint.",
    ],
)
def test_ordinary_output_about_the_same_things_passes(text: str) -> None:
    assert leak_in(text) is None


def test_a_stream_holds_back_what_could_be_the_canary() -> None:
    watch = StreamWatch()
    marker = canary()
    shown = watch.feed("Use a covering index. ") + watch.feed(marker[:5])
    assert shown == "Use a covering index. "  # the start of the marker waits
    assert watch.feed(marker[5:] + " more") == "" and watch.leak == "canary"
    assert watch.finish() == ""


def test_a_clean_stream_shows_everything_by_its_end() -> None:
    watch = StreamWatch()
    marker = canary()
    parts = [watch.feed(c) for c in ["Prefix ", marker[:4], "x then the rest."]]
    assert "".join(parts) + watch.finish() == f"Prefix {marker[:4]}x then the rest."
    assert watch.leak is None
