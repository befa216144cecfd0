"""An HTTP server speaking Ollama's API from scripts, so the real `ollama` client is tested.

Use it in-process (`with FakeOllama() as fake: ...`), as a process
(`python -m tests.support.fake_ollama --port 11500`), and control it over HTTP from
another process: POST /_fake/script, /_fake/default, /_fake/models, /_fake/reset and
GET /_fake/requests. The server, the scripting and the control API live in fake_http.py;
this module is Ollama's routes and framing (NDJSON lines, one per HTTP chunk).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tests.support.fake_http import FakeHandler, FakeLLMServer, run_cli
from tests.support.fake_ollama_script import OLLAMA_CHAT, RecordedRequest, Reply

DEFAULT_MODELS: tuple[str, ...] = ("mistral:latest", "llama3.2:latest")
FAKE_VERSION = "0.12.0"


def normalise_model(name: str) -> str:
    """Ollama treats a name without a tag as `name:latest`."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _now() -> str:
    """Timestamp in the shape Ollama sends."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class _Handler(FakeHandler):
    """Routes Ollama API calls and the /_fake control API."""

    server_version = "FakeOllama/1"

    # --- routing -------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        """Ollama answers HEAD / for health checks."""
        self._send_bytes(200, b"", "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        """Read-only endpoints."""
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send_bytes(200, b"Ollama is running", "text/plain; charset=utf-8")
        elif path == "/api/version":
            self._send_json(200, {"version": FAKE_VERSION})
        elif path == "/api/tags":
            self._record({})
            self._send_json(200, {"models": [self._model_entry(m) for m in self._models()]})
        elif path == "/api/ps":
            self._send_json(200, {"models": []})
        elif not self._control_get(path):
            self._not_found()

    def do_POST(self) -> None:
        """Chat, show, and the control API."""
        path = self.path.split("?", 1)[0]
        try:
            body = self._read_json()
        except ValueError as exc:
            self._send_json(400, {"error": f"invalid request body: {exc}"})
            return
        routes = {OLLAMA_CHAT: self._chat, "/api/show": self._show}
        route = routes.get(path)
        if route is None:
            if not self._control_post(path, body):
                self._not_found()
            return
        if not isinstance(body, dict):
            self._send_json(400, {"error": "request body must be a JSON object"})
            return
        self._record(body)
        route(body)

    # --- Ollama API ----------------------------------------------------------------------

    def _models(self) -> list[str]:
        """Snapshot of the known models."""
        with self.state.lock:
            return list(self.state.models)

    @staticmethod
    def _model_entry(name: str) -> dict[str, Any]:
        """One /api/tags entry in Ollama's shape."""
        return {
            "name": name,
            "model": name,
            "modified_at": "2025-01-01T00:00:00Z",
            "size": 4_113_301_824,
            "digest": "0" * 64,
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "fake",
                "families": ["fake"],
                "parameter_size": "7B",
                "quantization_level": "Q4_0",
            },
        }

    def _model_missing(self, name: str) -> bool:
        """Send Ollama's 404 when the model is unknown; True when it was sent."""
        if self.state.knows(name):
            return False
        self._send_json(404, {"error": f"model '{name}' not found"})
        return True

    def _show(self, body: dict[str, Any]) -> None:
        """POST /api/show: a minimal model description."""
        name = str(body.get("model") or body.get("name") or "")
        if self._model_missing(name):
            return
        self._send_json(
            200,
            {
                "modelfile": f"FROM {name}",
                "parameters": "",
                "template": "{{ .Prompt }}",
                "details": self._model_entry(name)["details"],
                "model_info": {"general.architecture": "fake"},
                "capabilities": ["completion"],
                "modified_at": "2025-01-01T00:00:00Z",
            },
        )

    def _chat(self, body: dict[str, Any]) -> None:
        """POST /api/chat: play the scripted reply, streaming or not."""
        name = body.get("model")
        if not isinstance(name, str) or not name:
            self._send_json(400, {"error": "model is required"})
            return
        if self._model_missing(name):
            return
        self._play_chat(self._recorded)

    # --- framing -------------------------------------------------------------------------

    def _send_error(self, reply: Reply) -> None:
        self._send_json(reply.status, reply.error_body())

    def _send_whole(self, request: RecordedRequest, text: str, finish_reason: str, count: int) -> None:
        self._send_json(200, self._final(request, text, finish_reason, count))

    def _stream_begin(self, request: RecordedRequest) -> None:
        self._start_chunked("application/x-ndjson")

    def _stream_piece(self, request: RecordedRequest, piece: str) -> None:
        self._write_line(
            {
                "model": request.model,
                "created_at": _now(),
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
        )

    def _stream_error(self, reply: Reply) -> None:
        self._write_line({"error": reply.error or "an error was encountered while running the model"})

    def _stream_end(
        self, reply: Reply, request: RecordedRequest, finish_reason: str, count: int, elapsed: float
    ) -> None:
        final = self._final(request, "", finish_reason, count, elapsed)
        if not reply.final_message:
            del final["message"]
        self._write_line(final)

    def _garbage_frame(self) -> bytes:
        return b'{"model": "broken\n'

    def _odd_frame(self) -> bytes:
        return b'["not", "an", "object"]\n'

    @staticmethod
    def _final(
        request: RecordedRequest, content: str, done_reason: str, count: int, elapsed: float = 0.0
    ) -> dict[str, Any]:
        """The closing object with done: true and Ollama's counters."""
        duration = int(elapsed * 1e9)
        return {
            "model": request.model,
            "created_at": _now(),
            "message": {"role": "assistant", "content": content},
            "done": True,
            "done_reason": done_reason,
            "total_duration": duration,
            "load_duration": 0,
            "prompt_eval_count": max(1, len(request.prompt_text.split())),
            "prompt_eval_duration": 0,
            "eval_count": count,
            "eval_duration": duration,
        }

    def _write_line(self, obj: Mapping[str, Any]) -> None:
        """One NDJSON line as one HTTP chunk."""
        self._write_chunk(json.dumps(obj, ensure_ascii=False).encode() + b"\n")

    def _not_found(self) -> None:
        """Go's default 404, as Ollama sends it."""
        self._send_bytes(404, b"404 page not found", "text/plain; charset=utf-8")


class FakeOllama(FakeLLMServer):
    """The fake Ollama server, run on a background thread; a context manager for tests."""

    handler = _Handler
    thread_name = "fake-ollama"
    chat_path = OLLAMA_CHAT
    default_models = DEFAULT_MODELS

    @staticmethod
    def normalise(name: str) -> str:
        return normalise_model(name)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fake as a process until SIGINT or SIGTERM."""
    run_cli(FakeOllama, argv, description="fake Ollama", default_port=11500)


if __name__ == "__main__":
    main()
