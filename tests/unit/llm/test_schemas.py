"""The schema sent with a structured request is the whole contract: a reply at its limits is used."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from onlyjobless.llm import QuestionGrade, QuestionPart, SummaryText


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
