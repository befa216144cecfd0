"""The schema sent with a structured request is the whole contract: a reply at its limits is used."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from onlyjobless.llm import QuestionGrade, QuestionPart, SummaryText
from onlyjobless.llm.replies import clipped


def _smallest(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The least the schema allows: strings of their minimum length, lists of their fewest items."""
    reference = node.get("$ref")
    if isinstance(reference, str):
        node = defs[reference.rsplit("/", 1)[-1]]
    kind = node.get("type")
    if kind == "object":
        return {name: _smallest(sub, defs) for name, sub in node["properties"].items()}
    if kind == "array":
        return [_smallest(node["items"], defs) for _ in range(node.get("minItems", 0))]
    if kind == "string":
        return "x" * node.get("minLength", 0)
    if kind == "integer":
        return node.get("minimum", 0)
    raise AssertionError(f"unexpected schema node {node}")


@pytest.mark.parametrize("model", [QuestionGrade, SummaryText, QuestionPart])
def test_a_reply_at_the_schemas_lower_limits_is_accepted(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    model.model_validate(_smallest(schema, schema.get("$defs", {})))


def _padded(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The least the schema allows, each string one letter padded with spaces to its minimum (as a
    model held to a minimum length may write a short point: "DI ")."""
    reference = node.get("$ref")
    if isinstance(reference, str):
        node = defs[reference.rsplit("/", 1)[-1]]
    kind = node.get("type")
    if kind == "object":
        return {name: _padded(sub, defs) for name, sub in node["properties"].items()}
    if kind == "array":
        return [_padded(node["items"], defs) for _ in range(node.get("minItems", 0))]
    if kind == "string":
        return "x".ljust(node.get("minLength", 0))
    return _smallest(node, defs)


@pytest.mark.parametrize("model", [QuestionGrade, SummaryText, QuestionPart])
def test_a_reply_padded_with_spaces_to_the_schemas_minimums_is_accepted_and_kept(
    model: type[BaseModel],
) -> None:
    schema = model.model_json_schema()
    reply = _padded(schema, schema.get("$defs", {}))
    value = model.model_validate(clipped(reply, schema))  # as a structured reply is read
    assert model.model_validate(value.model_dump()) == value  # stored and read back the same
    if model is QuestionPart:
        question = value.model_dump()["questions"][0]
        assert question["key_points"][0] == "x  " and question["topic"] == "x "


def test_surrounding_whitespace_still_goes_where_the_minimum_allows() -> None:
    schema = QuestionPart.model_json_schema()
    reply = _smallest(schema, schema.get("$defs", {}))
    reply["questions"][0]["topic"] = "  Concurrency \n"
    reply["questions"][0]["key_points"][0] = " GIL "
    question = QuestionPart.model_validate(clipped(reply, schema)).questions[0]
    assert (question.topic, question.key_points[0]) == ("Concurrency", "GIL")


def test_a_key_point_over_its_limit_is_cut_to_it_not_refused() -> None:
    """Every grading prompt and answer check carries the points: the schema bounds them, and a
    reply that runs over (a strict server is not sent the limit) is cut at a word."""
    schema = QuestionPart.model_json_schema()
    reply = _smallest(schema, schema.get("$defs", {}))
    reply["questions"][0]["key_points"][0] = "names the trade-off " * 40
    point = QuestionPart.model_validate(clipped(reply, schema)).questions[0].key_points[0]
    assert len(point) <= 300 and point.endswith("…") and point.startswith("names the trade-off")
