"""Text helpers: sentences, words, keyword runs and crude stems, the same rules for every language."""

from __future__ import annotations

import pytest

from onlyjobless.semantic.text import (
    RELATION,
    content_words,
    contrast_split,
    in_bare_items,
    in_long_runs,
    list_items,
    mark_code_words,
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


def test_list_items_split_at_commas_lines_and_joining_words() -> None:
    joiners = frozenset({"and", "и"})
    assert list_items("GIL and threads, the processes\n- asyncio и locks", joiners) == [
        ["gil"],
        ["threads"],
        ["the", "processes"],
        ["asyncio"],
        ["locks"],
    ]


def test_bare_items_relate_nothing_while_sentences_do() -> None:
    function = frozenset({"the", "a", "for", "in", "is", "and", "с", "для"})
    joiners = frozenset({"and"})
    assert in_bare_items("the GIL, the threads and the processes, a mutex", function, joiners, 3) == (4, 1.0)
    assert in_bare_items("для коротких транзакций, с индексами", function, joiners, 3) == (2, 1.0)
    bare, share = in_bare_items("The kubelet restarts a container for a failed probe.", function, joiners, 3)
    assert (bare, share) == (0, 0.0)
    assert in_bare_items("one two three four five", function, joiners, 3) == (0, 0.0)
    assert in_bare_items("", function, joiners, 3) == (0, 0.0)


def test_a_dash_or_colon_relates_the_words_of_a_list_item() -> None:
    function = frozenset({"для", "the"})
    terse = "Процессы — для CPU, потоки — для I/O, asyncio — для сокетов, Write: the database"
    assert list_items("Процессы — для CPU", frozenset())[0] == ["процессы", RELATION, "для", "cpu"]
    assert in_bare_items(terse, function, frozenset(), 3) == (0, 0.0)


def test_upper_case_code_words_are_marked_so_no_function_word_matches_them() -> None:
    marked = mark_code_words("LEFT JOIN ON a.id IS NULL, I think it is IT")
    assert words(marked)[:5] == ["left0", "join0", "on0", "a.id", "is0"]
    assert "i" in words(marked) and "it" in words(marked) and "it0" in words(marked)


def test_contrast_split_finds_the_turn_after_a_comma() -> None:
    turns = frozenset({"but", "но"})
    assert contrast_split("I forget the name, but it restarts the pod.", turns) == (
        "I forget the name",
        "but",
        "it restarts the pod.",
    )
    assert contrast_split("Не помню точно — но индекс ускоряет поиск", turns)[2] == "индекс ускоряет поиск"
    assert contrast_split("Nothing but the truth, and more", turns) == (
        "Nothing but the truth, and more",
        "",
        "",
    )
