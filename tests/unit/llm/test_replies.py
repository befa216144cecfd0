"""A structured reply is its JSON object, also when a model wraps it (fence, prose, thinking)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import aclosing

import pytest

from onlyjobless.llm.base import LLMTimeout
from onlyjobless.llm.replies import clipped, json_of, without_reasoning, without_thinking
from onlyjobless.llm.schemas import QuestionGrade, QuestionPart

OBJECT = {"reasons": "Names hashing {and} buckets.", "score": 7, "items": [{"index": 1}]}
TEXT = json.dumps(OBJECT, ensure_ascii=False)


@pytest.mark.parametrize(
    "reply",
    [
        TEXT,
        f"  {TEXT}\n",
        f"```json\n{TEXT}\n```",
        f"```\n{TEXT}```",
        f"Here is the evaluation:\n{TEXT}\nI hope this helps.",
        f"Вот оценка: {TEXT}",
        f"<think>The candidate wrote {{x}}; score it 7.</think>\n{TEXT}",
        f"<think>first {{</think>```json\n{TEXT}\n```\nDone.",
    ],
    ids=["bare", "spaces", "fenced-json", "fenced", "prose", "russian-prose", "thinking", "thinking-fenced"],
)
def test_the_object_is_found_however_it_is_wrapped(reply: str) -> None:
    assert json_of(reply) == OBJECT


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "I cannot grade this answer.",
        TEXT[:-5],  # cut: its inner objects are parts of it, not the reply
        '{"items": [{"index": 1}, {"index": 2}], "score": ',
        "<think>" + TEXT + "</think> no answer after thinking",
        "{" * 500,
    ],
    ids=["empty", "prose", "cut", "cut-after-items", "only-in-thinking", "braces"],
)
def test_text_without_a_whole_object_is_invalid(reply: str) -> None:
    with pytest.raises(ValueError):
        json_of(reply)


def test_json_that_is_not_an_object_is_returned_for_the_schema_to_refuse() -> None:
    assert json_of("[1, 2]") == [1, 2]
    assert json_of("7") == 7


async def _through(chunks: list[str]) -> list[str]:
    async def source() -> AsyncGenerator[str, None]:
        for chunk in chunks:
            yield chunk

    return [chunk async for chunk in without_thinking(source())]


@pytest.mark.parametrize(
    ("chunks", "shown"),
    [
        (["A hint ", "in two parts."], ["A hint ", "in two parts."]),
        (["<think>plan</think>", "The hint."], ["The hint."]),
        (["<th", "ink>pl", "an</", "think>\n\nThe ", "hint."], ["The ", "hint."]),
        (["  <think>a</think>  The hint."], ["The hint."]),
        (["<thin", "g> is an HTML-like tag"], ["<thing> is an HTML-like tag"]),
        (["<"], ["<"]),
        (["<b>bold</b> then <think>x</think>"], ["<b>bold</b> then <think>x</think>"]),
        (["<think>never closed, cut by the cap"], []),
        (["The hint. <think>later</think>"], ["The hint. <think>later</think>"]),
        (["<thin", "king>plan</thin", "king>The hint."], ["The hint."]),
    ],
    ids=[
        "plain",
        "block",
        "split-tags",
        "spaces",
        "other-tag",
        "lone-bracket",
        "html",
        "unclosed",
        "not-first",
        "thinking-tag",
    ],
)
async def test_only_a_thinking_block_at_the_start_is_held_back(chunks: list[str], shown: list[str]) -> None:
    assert await _through(chunks) == shown


async def test_stopping_early_closes_the_source() -> None:
    closed = False

    async def source() -> AsyncGenerator[str, None]:
        nonlocal closed
        try:
            yield "first"
            yield "second"
        finally:
            closed = True

    stream = without_thinking(source())
    async with aclosing(stream):
        assert await anext(stream) == "first"
    assert closed


def test_strings_and_lists_over_their_limits_are_cut_to_them() -> None:
    schema = QuestionPart.model_json_schema()
    long_answer = ("A process owns its memory; threads share it. " * 200).strip()
    question = {
        "topic": "  Concurrency  ",
        "text": "What is the difference between a process and a thread?",
        "key_points": [f"point {n}" for n in range(9)],
        "hint": "Think about memory.",
        "model_answer": long_answer,
    }
    reply = clipped({"questions": [question] * 6}, schema)
    assert len(reply["questions"]) == 4  # maxItems
    first = reply["questions"][0]
    assert first["topic"] == "Concurrency" and first["text"] == question["text"]
    assert len(first["key_points"]) == 6
    assert len(first["model_answer"]) <= 4000 and first["model_answer"].endswith("…")
    assert first["model_answer"][:-1].rstrip() == first["model_answer"][:-1]  # cut at a word
    assert long_answer.startswith(first["model_answer"][:-1])
    QuestionPart.model_validate(reply)  # usable as it is


def test_what_has_no_limit_or_another_type_is_left_to_validation() -> None:
    schema = QuestionGrade.model_json_schema()
    reply = {"good": 7, "missing": "x" * 10, "score": "11", "extra": ["a" * 5000]}
    assert clipped(reply, schema) == reply
    assert clipped("free text", {}) == "free text" and clipped([1, 2], {"maxItems": 1}) == [1]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abcdefgh", 1, "a"),
        ("abcdefgh", 5, "abcd…"),
        ("one two three four", 15, "one two three…"),  # a space near the end: cut there
        ("one two three four", 12, "one two thr…"),  # none near it: a word is cut
    ],
)
def test_a_cut_ends_in_an_ellipsis_within_the_limit(text: str, limit: int, expected: str) -> None:
    assert clipped(text, {"maxLength": limit}) == expected


@pytest.mark.parametrize(
    ("partial", "kept"),
    [("<think>plan, cut", ""), ("<think>plan</think> Think of", "Think of"), ("Think of", "Think of")],
)
async def test_a_failures_partial_text_loses_the_thinking_too(partial: str, kept: str) -> None:
    async def source() -> AsyncGenerator[str, None]:
        yield partial
        raise LLMTimeout(partial=partial)

    with pytest.raises(LLMTimeout) as caught:
        await _through_source(source())
    assert caught.value.partial == kept


async def _through_source(source: AsyncGenerator[str, None]) -> list[str]:
    return [chunk async for chunk in without_thinking(source)]


@pytest.mark.parametrize(
    ("reply", "kept"),
    [
        ("The user asks about pods.\n</think>\n\nThink of pods.", "Think of pods."),
        ("<think>plan</think> Think of pods.", "Think of pods."),
        ("<thinking>plan</thinking>Think of pods.", "Think of pods."),
        ("Think of pods.", "Think of pods."),
        ("Use <think>tags</think> in prompts.", "Use <think>tags</think> in prompts."),
        ("Only thinking, then </think>", ""),
    ],
    ids=["bare-closing", "block", "thinking-tag", "plain", "quoted-block", "nothing-after"],
)
def test_a_whole_reply_loses_the_reasoning_before_it(reply: str, kept: str) -> None:
    assert without_reasoning(reply) == kept
