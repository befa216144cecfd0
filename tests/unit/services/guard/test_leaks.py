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


def _fed(text: str, size: int) -> tuple[str, str | None]:
    """The text fed in chunks of `size` characters: what was shown by its end, and the leak found."""
    watch = StreamWatch()
    shown = "".join(watch.feed(text[i : i + size]) for i in range(0, len(text), size)) + watch.finish()
    return shown, watch.leak


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_a_prompt_run_split_across_chunks_is_caught_before_it_is_shown(size: int) -> None:
    words = catalog.text(PromptTexts, "en").hint_system.split()
    text = f"Well. {' '.join(words[:RUN_WORDS])} and so on."
    shown, leak = _fed(text, size)
    assert leak == "prompt"
    # Caught by the run's last word at the latest: never shown whole.
    assert text.startswith(shown) and " ".join(words[:RUN_WORDS]) not in shown


@pytest.mark.parametrize("size", [1, 4, 9, 10_000])
def test_chunked_streams_find_what_the_whole_text_check_finds(size: int) -> None:
    words = catalog.text(PromptTexts, "ru").hint_system.split()
    texts = [
        "Use a covering index, then EXPLAIN ANALYZE the query; watch the row estimates.",
        "Подумай о слоях образа: кэш, порядок инструкций, размер.",
        "x " * 1500 + " ".join(words[:RUN_WORDS]),  # far from the start of the stream
        f"Prefix {canary()} suffix",
        "".join(words[:RUN_WORDS]) + " " + " ".join(words[: RUN_WORDS - 1]),
    ]
    for text in texts:
        shown, leak = _fed(text, size)
        assert leak == leak_in(text)
        if leak is None:
            assert shown == text
        else:
            assert text.startswith(shown) and canary() not in shown


def test_a_word_ending_the_text_is_checked_as_it_stands() -> None:
    words = catalog.text(PromptTexts, "en").hint_system.split()
    watch = StreamWatch()
    assert watch.feed(" ".join(words[:RUN_WORDS])) == ""  # no space after the last word: it may go on
    assert watch.leak == "prompt"
