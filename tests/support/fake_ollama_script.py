"""Scripted replies for the fake LLM servers (Ollama's protocol and the OpenAI API's): what to say,
how fast, and how to fail. The replies know no protocol; each server frames them in its own."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_schema_values import arbitrary_value

OLLAMA_CHAT = "/api/chat"

DEFAULT_TEXT = "This is a scripted reply from the fake Ollama server."
BUSY_ERROR = "server busy, please try again.  maximum pending requests exceeded"
INVALID_JSON_SYNTAX = 'Sure! Here is the JSON you asked for: {"questions": [{"topic": '
INVALID_JSON_SCHEMA = '{"unexpected": "this object does not match the requested schema"}'
_WORD_TOKEN = re.compile(r"\s*\S+|\s+$")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received, kept so tests can assert on calls and prompts."""

    method: str
    path: str
    body: dict[str, Any]
    received_at: float
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    client_port: int = 0  # the TCP port the request came from (which process sent it)

    @property
    def model(self) -> str | None:
        """Model named by the request, if any."""
        value = self.body.get("model")
        return value if isinstance(value, str) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Chat messages sent with the request (empty for non-chat calls)."""
        value = self.body.get("messages")
        return list(value) if isinstance(value, list) else []

    @property
    def prompt_text(self) -> str:
        """All message contents joined, handy for `in` assertions."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)

    @property
    def last_user_message(self) -> str:
        """Content of the last user message, or an empty string."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return str(message.get("content", ""))
        return ""

    @property
    def format(self) -> Any:
        """The JSON schema asked for, "json" for any JSON object, or None for text.

        Ollama's `format` field, or the OpenAI API's `response_format`.
        """
        response_format = self.body.get("response_format")
        if isinstance(response_format, dict):
            if response_format.get("type") == "json_schema":
                spec = response_format.get("json_schema")
                return (spec.get("schema") if isinstance(spec, dict) else None) or "json"
            return "json" if response_format.get("type") == "json_object" else None
        return self.body.get("format") or None

    @property
    def options(self) -> dict[str, Any]:
        """The `options` field as a dict (Ollama)."""
        value = self.body.get("options")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def token_limit(self) -> int | None:
        """The cap on generated tokens: Ollama's `num_predict`, the OpenAI API's `max_tokens`."""
        for value in (
            self.options.get("num_predict"),
            self.body.get("max_completion_tokens"),
            self.body.get("max_tokens"),
        ):
            if isinstance(value, int) and value > 0:
                return value
        return None

    @property
    def stream(self) -> bool:
        """Whether the client asked for streaming: Ollama streams unless told not to, OpenAI if asked."""
        return bool(self.body.get("stream", self.path == OLLAMA_CHAT))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form, served by GET /_fake/requests."""
        return {
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "received_at": self.received_at,
            "headers": dict(self.headers),
        }


@dataclass(frozen=True)
class Reply:
    """One scripted answer; every field has a harmless default, faults are opt-in."""

    text: str | None = None
    json: Any = None
    chunk_size: int | None = None
    tokens_per_second: float | None = None
    chunk_delay: float = 0.0
    slow_first_token: float = 0.0
    disconnect_after: int | None = None
    error_after: int | None = None
    garbage_after: int | None = None  # a stream frame that is not JSON, at that chunk
    odd_after: int | None = None  # a stream frame that is JSON but not an object the protocol has
    status: int = 200
    error: str | None = None
    invalid_json: bool | str = False
    hang: bool = False
    done_reason: str = "stop"
    final_message: bool = True
    """The closing line carries an empty message: Ollama's `done` line a `message` (early servers
    sent none there), the OpenAI API's `finish_reason` chunk a `delta` (some servers send none)."""
    when_contains: str | None = None
    when_format: bool | None = None
    times: int | None = 1
    arbitrary: int | None = None
    """A seed: structured requests get random values valid under the schema they sent (see
    fake_schema_values), different for every prompt; text requests get the default text."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> Reply:
        """Build from a control-API payload; a bare string is the reply text."""
        if isinstance(data, str):
            return cls(text=data)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown reply fields: {sorted(unknown)}")
        return cls(**dict(data))

    def matches(self, request: RecordedRequest) -> bool:
        """Whether this scripted reply applies to the request (filters are optional)."""
        if self.when_format is not None and bool(request.format) != self.when_format:
            return False
        return self.when_contains is None or self.when_contains in request.prompt_text

    @property
    def delay_per_chunk(self) -> float:
        """Seconds between chunks: an explicit delay, else derived from tokens per second."""
        if self.chunk_delay:
            return self.chunk_delay
        if self.tokens_per_second:
            return 1.0 / self.tokens_per_second
        return 0.0

    def error_message(self) -> str:
        """The error text for a non-200 status or an error mid-stream."""
        if self.error:
            return self.error
        if self.status == 503:
            return BUSY_ERROR
        return f"fake error with status {self.status}"

    def error_body(self) -> dict[str, str]:
        """Ollama's error JSON for a non-200 status."""
        return {"error": self.error_message()}

    def content_for(self, request: RecordedRequest) -> str:
        """The full text this reply produces for the given request."""
        if self.invalid_json:
            return INVALID_JSON_SCHEMA if self.invalid_json == "schema" else INVALID_JSON_SYNTAX
        if self.text is not None:
            return self.text
        if self.json is not None:
            return json.dumps(self.json, ensure_ascii=False)
        fmt = request.format
        if isinstance(fmt, dict) and self.arbitrary is not None:
            rng = random.Random(f"{self.arbitrary}:{request.prompt_text}")
            return json.dumps(arbitrary_value(fmt, rng), ensure_ascii=False)
        if isinstance(fmt, dict):
            return json.dumps(example_from_schema(fmt), ensure_ascii=False)
        if fmt:
            return "{}"
        return DEFAULT_TEXT

    def chunks(self, text: str) -> list[str]:
        """Split text into stream chunks: N characters each, or word tokens by default."""
        if self.chunk_size:
            size = self.chunk_size
            return [text[i : i + size] for i in range(0, len(text), size)]
        return _WORD_TOKEN.findall(text)


Responder = Callable[[RecordedRequest], "Reply | str | Mapping[str, Any] | None"]


def as_reply(value: Reply | str | Mapping[str, Any]) -> Reply:
    """Accept a Reply, a bare text or a JSON-ish dict wherever a reply is expected."""
    return value if isinstance(value, Reply) else Reply.from_json(value)


@dataclass
class Script:
    """The queue of scripted replies plus an optional responder and a default."""

    default: Reply = field(default_factory=Reply)
    queue: list[Reply] = field(default_factory=list)
    responder: Responder | None = None

    def take_queued(self, request: RecordedRequest) -> Reply | None:
        """Pop the first queued reply that matches the request (or count down its `times`)."""
        for position, reply in enumerate(self.queue):
            if not reply.matches(request):
                continue
            if reply.times is not None:
                if reply.times <= 1:
                    del self.queue[position]
                else:
                    self.queue[position] = dataclasses.replace(reply, times=reply.times - 1)
            return reply
        return None


def choose_reply(
    queued: Reply | None, responder: Responder | None, default: Reply, request: RecordedRequest
) -> Reply:
    """The queued reply if any, else the responder's answer, else the default."""
    if queued is not None:
        return queued
    if responder is not None:
        answer = responder(request)
        if answer is not None:
            return as_reply(answer)
    return default


def example_from_schema(schema: Mapping[str, Any]) -> Any:
    """A minimal instance of a JSON schema, so format requests get valid JSON by default."""
    return _example(schema, schema.get("$defs", {}), "value")


def _example(node: Mapping[str, Any], defs: Mapping[str, Any], name: str) -> Any:
    """Recursive worker of example_from_schema; `name` seeds readable strings."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _example(defs[ref.rsplit("/", 1)[-1]], defs, name)
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return node["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in node.get(key, []) if o.get("type") != "null"]
        if options:
            return _example(options[0], defs, name)
    kind = node.get("type", "object")
    if kind == "object":
        props = node.get("properties", {})
        return {key: _example(sub, defs, key) for key, sub in props.items()}
    if kind == "array":
        count = max(int(node.get("minItems", 1)), 1)
        item = node.get("items", {})
        return [_example(item, defs, f"{name} {i + 1}") for i in range(count)]
    if kind in ("integer", "number"):
        low = node.get("minimum", node.get("exclusiveMinimum", 0))
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    return _example_string(name, int(node.get("minLength", 0)), node.get("maxLength"))


def _example_string(name: str, min_length: int, max_length: int | None) -> str:
    """A readable string within the length bounds."""
    text = f"Example {name.replace('_', ' ')}."
    while len(text) < min_length:
        text += f" More about the {name.replace('_', ' ')}."
    return text[:max_length] if max_length else text
