"""An HTTP server speaking the OpenAI chat-completions API from scripts, so the real `openai`
client is tested the way vLLM, llama.cpp's server or a hosted API would answer it.

POST /v1/chat/completions streams server-sent events (`data: {chunk}` ... `data: [DONE]`) when
asked to, or answers whole; GET /v1/models lists the served models. With an API key set, every
/v1 call needs `Authorization: Bearer <key>` (401 otherwise); an unknown model is a 404.

Use it in-process (`with FakeOpenAI() as fake: ...`, `fake.url` is the client's base URL),
or as a process (`python -m tests.support.fake_openai --port 8500 --api-key KEY`), controlled
over HTTP with the same /_fake API as the fake Ollama server. The replies, faults and control
API are shared with it (fake_http.py, fake_ollama_script.py); this module is the framing.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from tests.support.fake_http import FakeHandler, FakeLLMServer, run_cli
from tests.support.fake_ollama_script import RecordedRequest, Reply

API = "/v1"
CHAT = f"{API}/chat/completions"
MODELS = f"{API}/models"
DEFAULT_MODELS: tuple[str, ...] = ("Qwen/Qwen2.5-7B-Instruct", "mistral")
_ERROR_KINDS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    503: ("server_error", "overloaded"),
}
_ids = itertools.count(1)


def error_body(status: int, message: str) -> dict[str, Any]:
    """The API's error object."""
    kind, code = _ERROR_KINDS.get(status, ("server_error", None))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _Handler(FakeHandler):
    """Routes the /v1 API and the /_fake control API."""

    server_version = "FakeOpenAI/1"
    _completion_id = ""
    _created = 0

    # --- routing -------------------------------------------------------------------------

    def do_GET(self) -> None:
        """The model list, one model, a health check (as vLLM has), and the control API."""
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self._send_bytes(200, b"", "text/plain; charset=utf-8")
        elif path == MODELS or path.startswith(MODELS + "/"):
            self._record({})
            if self._refused():
                return
            if path == MODELS:
                self._send_json(
                    200, {"object": "list", "data": [self._model_entry(m) for m in self._models()]}
                )
            elif not self._model_missing(path.removeprefix(MODELS + "/")):
                self._send_json(200, self._model_entry(path.removeprefix(MODELS + "/")))
        elif not self._control_get(path):
            self._send_json(404, error_body(404, f"Unknown path {path}"))

    def do_POST(self) -> None:
        """Chat completions and the control API."""
        path = self.path.split("?", 1)[0]
        try:
            body = self._read_json()
        except ValueError as exc:
            self._send_json(400, error_body(400, f"invalid request body: {exc}"))
            return
        if path != CHAT:
            if not self._control_post(path, body):
                self._send_json(404, error_body(404, f"Unknown path {path}"))
            return
        if not isinstance(body, dict):
            self._send_json(400, error_body(400, "request body must be a JSON object"))
            return
        request = self._record(body)
        if self._refused():
            return
        name = body.get("model")
        if not isinstance(name, str) or not name:
            self._send_json(400, error_body(400, "model is required"))
            return
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            self._send_json(400, error_body(400, "messages must be a non-empty list"))
            return
        if self._model_missing(name):
            return
        self._play_chat(request)

    # --- the API -------------------------------------------------------------------------

    def _refused(self) -> bool:
        """Send 401 unless the request carries the configured key; True when it was sent."""
        with self.state.lock:
            key = self.state.api_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return False
        self._send_json(401, error_body(401, "Incorrect API key provided."))
        return True

    def _models(self) -> list[str]:
        with self.state.lock:
            return list(self.state.models)

    @staticmethod
    def _model_entry(name: str) -> dict[str, Any]:
        return {"id": name, "object": "model", "created": 1_735_689_600, "owned_by": "fake"}

    def _model_missing(self, name: str) -> bool:
        """Send the API's 404 when the model is not served; True when it was sent."""
        if self.state.knows(name):
            return False
        self._send_json(404, error_body(404, f"The model `{name}` does not exist."))
        return True

    # --- framing -------------------------------------------------------------------------

    def _send_error(self, reply: Reply) -> None:
        self._send_json(reply.status, error_body(reply.status, reply.error_message()))

    def _send_whole(self, request: RecordedRequest, text: str, finish_reason: str, count: int) -> None:
        self._send_json(
            200,
            {
                "id": f"chatcmpl-{next(_ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": self._usage(request, count),
            },
        )

    def _stream_begin(self, request: RecordedRequest) -> None:
        self._completion_id = f"chatcmpl-{next(_ids)}"
        self._created = int(time.time())
        self._start_chunked("text/event-stream")
        self._event(self._chunk(request, {"role": "assistant", "content": ""}))

    def _stream_piece(self, request: RecordedRequest, piece: str) -> None:
        self._event(self._chunk(request, {"content": piece}))

    def _stream_error(self, reply: Reply) -> None:
        message = reply.error or "an error was encountered while running the model"
        self._event(error_body(500, message))
        self._write_chunk(b"data: [DONE]\n\n")

    def _stream_end(
        self, reply: Reply, request: RecordedRequest, finish_reason: str, count: int, elapsed: float
    ) -> None:
        closing = self._chunk(request, {}, finish_reason)
        if not reply.final_message:
            del closing["choices"][0]["delta"]
        self._event(closing)
        options = request.body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage"):
            usage = {**self._chunk(request, {}), "choices": [], "usage": self._usage(request, count)}
            self._event(usage)
        self._write_chunk(b"data: [DONE]\n\n")

    def _garbage_frame(self) -> bytes:
        return b'data: {"id": "broken\n\n'

    def _odd_frame(self) -> bytes:
        return b'data: {"id": "odd", "object": "chat.completion.chunk", "choices": [null]}\n\n'

    def _chunk(
        self, request: RecordedRequest, delta: Mapping[str, Any], finish: str | None = None
    ) -> dict[str, Any]:
        return {
            "id": self._completion_id,
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": request.model,
            "choices": [{"index": 0, "delta": dict(delta), "logprobs": None, "finish_reason": finish}],
        }

    @staticmethod
    def _usage(request: RecordedRequest, count: int) -> dict[str, int]:
        prompt = max(1, len(request.prompt_text.split()))
        return {"prompt_tokens": prompt, "completion_tokens": count, "total_tokens": prompt + count}

    def _event(self, obj: Mapping[str, Any]) -> None:
        """One server-sent event as one HTTP chunk."""
        self._write_chunk(b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n")


class FakeOpenAI(FakeLLMServer):
    """The fake OpenAI-compatible server, run on a background thread; a context manager for tests."""

    handler = _Handler
    thread_name = "fake-openai"
    chat_path = CHAT
    api_prefix = API
    default_models = DEFAULT_MODELS

    def set_api_key(self, key: str | None) -> None:
        """The bearer key clients must send (None: any or none); reset() restores the initial one."""
        with self._state.lock:
            self._state.api_key = key


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fake as a process until SIGINT or SIGTERM."""
    run_cli(FakeOpenAI, argv, description="fake OpenAI API", default_port=8500)


if __name__ == "__main__":
    main()
