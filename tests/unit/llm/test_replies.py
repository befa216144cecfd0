"""A structured reply is its JSON object, also when a model wraps it (fence, prose, thinking)."""

from __future__ import annotations

import json

import pytest

from onlyjobless.llm.replies import json_of

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
