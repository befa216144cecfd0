"""Reading a model's reply: what is meant for the reader, without what is wrapped around it.

A server that ignores the requested format, or a model that thinks aloud, may put a structured
reply's object in a Markdown fence, after a sentence or after a `<think>` block. The object is
the reply: it is taken from there, and what is around it is dropped. Only text with no object in
it is invalid. A string or a list longer than its schema allows is cut to the limit: a server in
strict mode is never sent the length limits, so its replies may run over them (cut, they are
usable; refused, they would not be). A streamed text reply that opens with a `<think>` block (a
reasoning model served without a reasoning parser) is streamed from the block's end: the
candidate never sees it. One whose template opened the block in the prompt sends its thinking
and then only the closing tag: that cannot be told while it streams, so the whole reply is
cleaned once it is in (`without_reasoning`) and the reader shown the clean text instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import Any

from onlyjobless.llm.base import LLMError

# The tags a reasoning model puts around its thinking: (opening, closing).
THINKING_TAGS = (("<think>", "</think>"), ("<thinking>", "</thinking>"))
THINKING = re.compile(r"<think(?:ing)?>.*?</think(?:ing)?>", re.DOTALL | re.IGNORECASE)
OPENING = re.compile(r"<think(?:ing)?>", re.IGNORECASE)
CLOSING = re.compile(r"</think(?:ing)?>", re.IGNORECASE)
FENCED = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)
# Where to look for the object's start: enough for prose around one, bounded for a long reply.
OPENINGS_TRIED = 20
# What stands before an object that is an element of a JSON list or the value of a key.
ELEMENT_BEFORE = re.compile(r'(?:[,\[]|"\s*:)\s*\Z')
_DECODER = json.JSONDecoder()


def json_of(text: str) -> Any:
    """The reply's JSON value; a wrapped object when the text is not JSON itself, else ValueError."""
    try:
        return json.loads(text)
    except ValueError as exc:
        first_error = exc
    unwrapped = THINKING.sub("", text)
    for candidate in (*(m.group(1) for m in FENCED.finditer(unwrapped)), unwrapped):
        found = _object_in(candidate)
        if found is not None:
            return found
    raise first_error


def clipped(value: Any, schema: Mapping[str, Any], defs: Mapping[str, Any] | None = None) -> Any:
    """The parsed reply with each string cut to its schema's `maxLength` (at a word) and each list
    to its `maxItems`; everything else as it was, for validation to judge."""
    defs = schema.get("$defs", {}) if defs is None else defs
    reference = schema.get("$ref")
    if isinstance(reference, str):
        schema = defs.get(reference.rsplit("/", 1)[-1], {})
    limit = schema.get("maxLength") if isinstance(value, str) else schema.get("maxItems")
    if isinstance(value, str):
        return _cut(value, limit, schema.get("minLength", 0)) if isinstance(limit, int) else value
    if isinstance(value, list):
        kept = value[:limit] if isinstance(limit, int) else value
        return [clipped(item, schema.get("items", {}), defs) for item in kept]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: clipped(item, properties.get(key, {}), defs) for key, item in value.items()}
    return value


def _cut(text: str, limit: int, shortest: int = 0) -> str:
    """`text` in at most `limit` characters: cut at the last space in its final fifth, then "…".
    Surrounding whitespace goes first, unless that leaves it under its `shortest` (the schema's
    minimum counts the whitespace too)."""
    stripped = text.strip()
    text = stripped if len(stripped) >= shortest else text
    if len(text) <= limit:
        return text
    if limit < 2:
        return text[:limit]
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= 0.8 * len(head):
        head = head[:space]
    return head.rstrip() + "…"


def _object_in(text: str) -> dict[str, Any] | None:
    """The JSON object starting at one of the first `OPENINGS_TRIED` braces of `text` that stands
    alone: words may surround it, but an element of a cut reply (after `[`, `,` or a key, or
    followed by a closing bracket) is a part of something else, not the reply."""
    start = text.find("{")
    for _ in range(OPENINGS_TRIED):
        if start < 0:
            return None
        try:
            value, end = _DECODER.raw_decode(text, start)
        except ValueError:
            pass
        else:
            inside = ELEMENT_BEFORE.search(text, 0, start) is not None or any(c in text[end:] for c in "}]")
            if isinstance(value, dict) and not inside:
                return value
        start = text.find("{", start + 1)
    return None


def _tags_of(text: str) -> tuple[str, str] | None:
    """The thinking tags `text` opens with, if it does."""
    return next((tags for tags in THINKING_TAGS if text.startswith(tags[0])), None)


def _may_open(text: str) -> bool:
    """Whether `text` is the first letters of an opening tag (more may make it one)."""
    return any(tag.startswith(text) and len(text) < len(tag) for tag, _ in THINKING_TAGS)


def without_opening_thinking(text: str) -> str:
    """`text` less a `<think>` (or `<thinking>`) block at its start; nothing when that block is not closed."""
    opening = text.lstrip()
    tags = _tags_of(opening)
    if tags is None:
        return text
    end = opening.find(tags[1])
    return "" if end < 0 else opening[end + len(tags[1]) :].lstrip()


def without_reasoning(text: str) -> str:
    """A whole text reply less the reasoning before it: a block at its start, or everything up to a
    closing tag with no opening one before it (a server whose chat template opens the block in the
    prompt, as DeepSeek-R1's does, streams the thinking and then only `</think>`)."""
    text = without_opening_thinking(text)
    closing = CLOSING.search(text)
    if closing is not None and OPENING.search(text, 0, closing.start()) is None:
        return text[closing.end() :].lstrip()
    return text


async def without_thinking(chunks: AsyncGenerator[str, None]) -> AsyncGenerator[str, None]:
    """The chunks, less a `<think>…</think>` block at the very start (held until it is closed) and
    the whitespace after it. A failure's partial text loses that block too."""
    held: str | None = ""  # None once the start is settled: from then on, chunks pass as they come
    block_over = False  # the block is dropped: what follows is shown from its first letter
    try:
        async with aclosing(chunks):
            async for chunk in chunks:
                if held is None:
                    yield chunk
                    continue
                held += chunk
                opening = held.lstrip()
                if block_over:
                    if opening:
                        held = None
                        yield opening
                    continue
                if _may_open(opening):
                    continue  # may still become the opening tag
                tags = _tags_of(opening)
                if tags is not None and tags[1] not in opening:
                    continue
                text = without_opening_thinking(held)
                if tags is not None and not text:
                    held, block_over = "", True
                    continue
                held = None
                if text:
                    yield text
    except LLMError as exc:
        exc.partial = without_opening_thinking(exc.partial)
        raise
    if held and not block_over and _tags_of(held.lstrip()) is None:
        yield held  # a reply that was only the first letters of the tag, say "<"
