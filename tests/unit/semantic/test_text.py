"""Text helpers: sentences, words, keyword runs and crude stems, the same rules for every language."""

from __future__ import annotations

import pytest

from onlyjobless.semantic.text import (
    content_words,
    in_long_runs,
    normalise,
    same_stem,
    sentences,
    share_from,
    share_of,
    windows,
    words,
)


def test_sentences_split_on_ends_lines_and_semicolons_but_not_abbreviations() -> None:
    text = (
        "# Title\nThe GIL is a **mutex**. It keeps things simple; e.g. refcounts.\n"
        "- I/O is fine\n1. Use `asyncio`!"
    )
    assert sentences(text) == [
        "Title",
        "The GIL is a mutex.",
        "It keeps things simple;",
        "e.g. refcounts.",
        "I/O is fine",
        "Use asyncio!",
    ]


def test_russian_abbreviations_do_not_end_a_sentence() -> None:
    assert sentences("Нужны индексы, т.е. B-деревья. Это всё.") == [
        "Нужны индексы, т.е. B-деревья.",
        "Это всё.",
    ]


def test_text_without_words_has_no_sentences() -> None:
    assert sentences(" ... \n — !") == []


def test_sentences_are_capped() -> None:
    assert len(sentences("Word. " * 100)) == 40


def test_windows_add_neighbouring_pairs() -> None:
    assert windows(["A.", "B.", "C."]) == ["A.", "B.", "C.", "A. B.", "B. C."]
    assert windows([]) == []


def test_words_keep_technical_tokens_and_split_snake_case() -> None:
    assert words("C# and I/O-bound e-mail don’t my_set, Ещё") == [
        "c#",
        "and",
        "i/o-bound",
        "e-mail",
        "don't",
        "my",
        "set",
        "ещё",
    ]


def test_normalise_folds_compatibility_characters_and_spaces() -> None:
    assert normalise("ﬁle   name\n\n  **bold**") == "file name\n\nbold"


def test_share_of_counts_vocabulary_words() -> None:
    assert share_of("the cat and the dog", frozenset({"the", "and"})) == pytest.approx(0.6)
    assert share_of("", frozenset({"the"})) == 0.0


def test_keyword_runs_cover_a_keyword_list_but_not_sentences_or_terse_notes() -> None:
    function = frozenset({"the", "a", "of", "for", "in", "is"})
    assert in_long_runs("liveness readiness kubelet restart container endpoints", function, 5) == 1.0
    assert in_long_runs("The kubelet restarts a container for a failed probe.", function, 5) == 0.0
    assert (
        in_long_runs("Liveness — restart. Readiness — no traffic. Startup — slow boot.", function, 5) == 0.0
    )
    assert in_long_runs("", function, 5) == 0.0


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("lock", "locks", True),
        ("базу", "базы", True),
        ("influence", "influences", True),
        ("set", "set", True),
        ("set", "sit", False),
        ("index", "indigo", False),
    ],
)
def test_same_stem(first: str, second: str, same: bool) -> None:
    assert same_stem(first, second) is same


def test_share_from_measures_words_already_in_a_source() -> None:
    asked = content_words("What does the kubelet restart?", frozenset({"what", "does", "the"}))
    assert share_from({"kubelet", "restarts"}, asked) == 1.0
    assert share_from({"kubelet", "database"}, asked) == 0.5
    assert share_from(set(), asked) == 0.0
