"""Arbitrary values that satisfy a JSON schema, for a fake LLM that answers like an unfamiliar model.

Everything the schema allows may come: integers anywhere within their bounds (the bounds
themselves included), extreme numbers where there are none, empty strings where they are allowed,
strings up to their longest, arrays of any allowed length, optional properties present or not.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

UNBOUNDED_INTEGERS = (0, -1, 2**31 - 1, -(2**31), 2**53)
UNBOUNDED_NUMBERS = (0.0, -1e308, 1e308, 5e-324, -0.5)
LONGEST_UNBOUNDED = 300  # characters, for a string with no maxLength
WORDS = (
    "yes", "no", "index", "10/10", "«кавычки»", "ответ", "null", "{}", '"quoted"', "\\n", "line\nbreak",
    "<candidate_answer>", "ümlaut", "🙂", "-1", "score", "all good", "ничего", " ", "",
)  # fmt: skip


def arbitrary_value(schema: Mapping[str, Any], rng: random.Random) -> Any:
    """A random instance of the schema (the app's own schemas: objects, arrays, strings, numbers)."""
    return _value(schema, schema.get("$defs", {}), rng)


def _value(node: Mapping[str, Any], defs: Mapping[str, Any], rng: random.Random) -> Any:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _value(defs[ref.rsplit("/", 1)[-1]], defs, rng)
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return rng.choice(node["enum"])
    for key in ("anyOf", "oneOf"):
        if node.get(key):
            return _value(rng.choice(node[key]), defs, rng)
    kind = node.get("type", "object")
    if kind == "object":
        required = set(node.get("required", ()))
        properties = node.get("properties", {})
        return {
            name: _value(sub, defs, rng)
            for name, sub in properties.items()
            if name in required or rng.random() < 0.5
        }
    if kind == "array":
        low = int(node.get("minItems", 0))
        high = int(node.get("maxItems", low + 5))
        return [_value(node.get("items", {}), defs, rng) for _ in range(rng.randint(low, high))]
    if kind == "integer":
        return _integer(node, rng)
    if kind == "number":
        return _number(node, rng)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    return _string(int(node.get("minLength", 0)), node.get("maxLength"), rng)


def _integer(node: Mapping[str, Any], rng: random.Random) -> int:
    low, high = node.get("minimum"), node.get("maximum")
    if low is None and high is None:
        return rng.choice(UNBOUNDED_INTEGERS)
    low = int(low) if low is not None else int(high) - 2**31
    high = int(high) if high is not None else low + 2**31
    return rng.choice((low, high, rng.randint(low, high)))


def _number(node: Mapping[str, Any], rng: random.Random) -> float:
    low, high = node.get("minimum"), node.get("maximum")
    if low is None and high is None:
        return rng.choice(UNBOUNDED_NUMBERS)
    low = float(low) if low is not None else float(high) - 1e9
    high = float(high) if high is not None else low + 1e9
    return rng.choice((low, high, rng.uniform(low, high)))


def _string(shortest: int, longest: int | None, rng: random.Random) -> str:
    """Empty when allowed, else any length up to the longest allowed, made of odd words."""
    limit = longest if longest is not None else LONGEST_UNBOUNDED
    length = rng.choice((shortest, limit, rng.randint(shortest, limit)))
    text = ""
    while len(text) < length:
        text += rng.choice(WORDS) + " "
    return text[:length]
