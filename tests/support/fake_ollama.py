"""An HTTP server speaking Ollama's API from scripts, so the real `ollama` client is tested.

Use it in-process (`with FakeOllama() as fake: ...`), as a process
(`python -m tests.support.fake_ollama --port 11500`), and control it over HTTP from
another process: POST /_fake/script, /_fake/default, /_fake/models, /_fake/reset and
GET /_fake/requests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Self

from tests.support.fake_ollama_script import (
    RecordedRequest,
    Reply,
    Responder,
    Script,
    as_reply,
    choose_reply,
)

DEFAULT_MODELS: tuple[str, ...] = ("mistral:latest", "llama3.2:latest")
FAKE_VERSION = "0.12.0"


def normalise_model(name: str) -> str:
    """Ollama treats a name without a tag as `name:latest`."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _now() -> str:
    """Timestamp in the shape Ollama sends."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class _Abort(Exception):
    """The reply was released (reset/stop) or the client went away: drop the connection."""


class _State:
    """Everything the handlers share, guarded by one lock."""

    def __init__(self, models: Iterable[str], default: Reply) -> None:
        self.lock = threading.Lock()
        self.initial_models = tuple(normalise_model(m) for m in models)
        self.initial_default = default
        self.models = list(self.initial_models)
        self.script = Script(default=default)
        self.requests: list[RecordedRequest] = []
        self.release = threading.Event()
        self.stopped = False

    def record(self, method: str, path: str, body: dict[str, Any]) -> RecordedRequest:
        """Remember a request for later assertions."""
        request = RecordedRequest(method, path, body, time.time())
        with self.lock:
            self.requests.append(request)
        return request

    def knows(self, model: str) -> bool:
        """Whether the model is 'pulled'."""
        with self.lock:
            return normalise_model(model) in self.models

    def take(self, request: RecordedRequest) -> Reply:
        """The reply for a chat request; the responder runs outside the lock so it may block."""
        with self.lock:
            queued = self.script.take_queued(request)
            responder, default = self.script.responder, self.script.default
        return choose_reply(queued, responder, default, request)

    def reset(self) -> None:
        """Forget scripts and requests, and release any reply that is waiting or hanging."""
        with self.lock:
            self.release.set()
            self.release = threading.Event()
            if self.stopped:
                self.release.set()
            self.models = list(self.initial_models)
            self.script = Script(default=self.initial_default)
            self.requests = []

    def stop(self) -> None:
        """Release every waiting reply for good."""
        with self.lock:
            self.stopped = True
            self.release.set()


class _Server(ThreadingHTTPServer):
    """Threading server that tracks its connections and threads so stop() leaves none."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # the stdlib's 5 drops connections when many streams start at once

    def __init__(self, address: tuple[str, int], state: _State, verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.verbose = verbose
        self._track_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve each connection on its own tracked thread."""
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="fake-ollama-conn",
            daemon=True,
        )
        with self._track_lock:
            self._connections.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        """Run the handler, then forget the connection."""
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._track_lock:
                self._connections.discard(request)
                self._handler_threads.discard(threading.current_thread())

    def drop_connections(self, join_timeout: float) -> int:
        """Shut every open socket and join handler threads; returns how many are still alive."""
        with self._track_lock:
            connections = list(self._connections)
            threads = list(self._handler_threads)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + join_timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return sum(t.is_alive() for t in threads)


class _Handler(BaseHTTPRequestHandler):
    """Routes Ollama API calls and the /_fake control API."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeOllama/1"
    server: _Server
    _recorded: RecordedRequest

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet unless the CLI asked for --verbose."""
        if self.server.verbose:
            super().log_message(format, *args)

    @property
    def state(self) -> _State:
        """Shared server state."""
        return self.server.state

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
            self.state.record("GET", path, {})
            self._send_json(200, {"models": [self._model_entry(m) for m in self._models()]})
        elif path == "/api/ps":
            self._send_json(200, {"models": []})
        elif path == "/_fake/requests":
            with self.state.lock:
                recorded = [r.to_json() for r in self.state.requests]
            self._send_json(200, {"requests": recorded})
        else:
            self._not_found()

    def do_POST(self) -> None:
        """Chat, show, and the control API."""
        path = self.path.split("?", 1)[0]
        try:
            body = self._read_json()
        except ValueError as exc:
            self._send_json(400, {"error": f"invalid request body: {exc}"})
            return
        routes = {
            "/api/chat": self._chat,
            "/api/show": self._show,
            "/_fake/script": self._control_script,
            "/_fake/default": self._control_default,
            "/_fake/models": self._control_models,
            "/_fake/reset": self._control_reset,
        }
        route = routes.get(path)
        if route is None:
            self._not_found()
            return
        if path.startswith("/api/"):
            if not isinstance(body, dict):
                self._send_json(400, {"error": "request body must be a JSON object"})
                return
            self._recorded = self.state.record("POST", path, body)
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
        request = self._recorded
        with self.state.lock:
            release = self.state.release
        reply = self.state.take(request)
        try:
            self._play(reply, request, release)
        except (_Abort, OSError):
            self.close_connection = True

    def _play(self, reply: Reply, request: RecordedRequest, release: threading.Event) -> None:
        """Apply delays and faults, then send the reply."""
        if reply.hang:
            release.wait()
            raise _Abort
        self._wait(release, reply.slow_first_token)
        if reply.status != 200:
            self._send_json(reply.status, reply.error_body())
            return
        text = reply.content_for(request)
        chunks = reply.chunks(text)
        done_reason = reply.done_reason
        limit = request.options.get("num_predict")
        if isinstance(limit, int) and 0 < limit < len(chunks):
            chunks, done_reason = chunks[:limit], "length"
        if request.stream:
            self._stream(reply, request, chunks, done_reason, release)
        elif reply.disconnect_after is not None:
            self._drop()
        else:
            final = self._final(request, "".join(chunks), done_reason, len(chunks))
            self._send_json(200, final)

    def _stream(
        self,
        reply: Reply,
        request: RecordedRequest,
        chunks: Sequence[str],
        done_reason: str,
        release: threading.Event,
    ) -> None:
        """Send NDJSON lines as HTTP chunks, honouring the per-chunk delay and faults."""
        started = time.monotonic()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for position, piece in enumerate(chunks):
            if position == reply.disconnect_after:
                self._drop()
            if position == reply.error_after:
                self._write_line({"error": reply.error or "an error was encountered while running the model"})
                self._write_raw(b"0\r\n\r\n")
                return
            if position:
                self._wait(release, reply.delay_per_chunk)
            self._write_line(
                {
                    "model": request.model,
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": piece},
                    "done": False,
                }
            )
        if reply.disconnect_after is not None:
            self._drop()
        final = self._final(request, "", done_reason, len(chunks), time.monotonic() - started)
        self._write_line(final)
        self._write_raw(b"0\r\n\r\n")

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

    # --- control API ---------------------------------------------------------------------

    def _control_script(self, body: Any) -> None:
        """Queue replies: one object, a list, or {"replies": [...]}."""
        items = body.get("replies", [body]) if isinstance(body, dict) else body
        try:
            replies = [as_reply(item) for item in items]
        except (TypeError, ValueError) as exc:
            self._send_json(400, {"error": str(exc)})
            return
        with self.state.lock:
            self.state.script.queue.extend(replies)
            queued = len(self.state.script.queue)
        self._send_json(200, {"queued": queued})

    def _control_default(self, body: Any) -> None:
        """Replace the default reply."""
        try:
            reply = as_reply(body)
        except (TypeError, ValueError) as exc:
            self._send_json(400, {"error": str(exc)})
            return
        with self.state.lock:
            self.state.script.default = reply
        self._send_json(200, {"ok": True})

    def _control_models(self, body: Any) -> None:
        """Replace the list of known models."""
        models = body.get("models") if isinstance(body, dict) else None
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            self._send_json(400, {"error": 'expected {"models": ["name", ...]}'})
            return
        with self.state.lock:
            self.state.models = [normalise_model(m) for m in models]
        self._send_json(200, {"models": models})

    def _control_reset(self, _body: Any) -> None:
        """Back to the initial state."""
        self.state.reset()
        self._send_json(200, {"ok": True})

    # --- plumbing ------------------------------------------------------------------------

    def _read_json(self) -> Any:
        """Read the request body (Content-Length or chunked) and parse it as JSON."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raw = b""
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                raw += self.rfile.read(size)
                self.rfile.readline()
        else:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not raw.strip():
            return {}
        return json.loads(raw)

    def _wait(self, release: threading.Event, seconds: float) -> None:
        """Sleep, but give up at once when the server is reset or stopped."""
        if seconds > 0 and release.wait(seconds):
            raise _Abort

    def _drop(self) -> None:
        """Cut the connection without finishing the response."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _Abort

    def _write_raw(self, data: bytes) -> None:
        """Write to the socket; a vanished client ends the reply."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError as exc:
            raise _Abort from exc

    def _write_line(self, obj: Mapping[str, Any]) -> None:
        """One NDJSON line as one HTTP chunk."""
        line = json.dumps(obj, ensure_ascii=False).encode() + b"\n"
        self._write_raw(b"%x\r\n%s\r\n" % (len(line), line))

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        """A complete, non-streamed response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self._write_raw(data)
            except _Abort:
                self.close_connection = True

    def _send_json(self, status: int, obj: Any) -> None:
        """A JSON response."""
        data = json.dumps(obj, ensure_ascii=False).encode()
        self._send_bytes(status, data, "application/json; charset=utf-8")

    def _not_found(self) -> None:
        """Go's default 404, as Ollama sends it."""
        self._send_bytes(404, b"404 page not found", "text/plain; charset=utf-8")


class FakeOllama:
    """The fake server, run on a background thread; a context manager for tests."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Iterable[str] = DEFAULT_MODELS,
        default: Reply | str | Mapping[str, Any] | None = None,
        verbose: bool = False,
    ) -> None:
        self._state = _State(models, as_reply(default) if default is not None else Reply())
        self._address = (host, port)
        self._verbose = verbose
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> Self:
        """Bind (a free port when port=0) and serve on a daemon thread."""
        if self._server is not None:
            return self
        self._server = _Server(self._address, self._state, self._verbose)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-ollama",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, join_timeout: float = 5.0) -> None:
        """Release hanging replies, close every connection and join all threads."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._state.stop()
        server.shutdown()
        thread.join(join_timeout)
        alive = server.drop_connections(join_timeout)
        server.server_close()
        self._server = self._thread = None
        if alive:
            raise RuntimeError(f"fake Ollama left {alive} handler thread(s) running")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # addresses

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("fake Ollama is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL to give to `ollama.AsyncClient(host=...)`."""
        return f"http://127.0.0.1:{self.port}"

    # scripting

    def script(self, *replies: Reply | str | Mapping[str, Any]) -> None:
        """Queue replies; each is used once (or `times` times) by the next matching request."""
        parsed = [as_reply(r) for r in replies]
        with self._state.lock:
            self._state.script.queue.extend(parsed)

    def respond_with(self, responder: Responder | None) -> None:
        """Answer unscripted requests with a callable (request -> reply, or None for default)."""
        with self._state.lock:
            self._state.script.responder = responder

    def set_default(self, reply: Reply | str | Mapping[str, Any]) -> None:
        """Reply used when the queue and the responder have nothing."""
        with self._state.lock:
            self._state.script.default = as_reply(reply)

    def set_models(self, models: Iterable[str]) -> None:
        """Which models are 'pulled'."""
        with self._state.lock:
            self._state.models = [normalise_model(m) for m in models]

    def reset(self) -> None:
        """Back to the initial state; waiting or hanging replies are released."""
        self._state.reset()

    # inspection

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received since the last reset."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the /api/chat requests."""
        return [r for r in self.requests if r.path == "/api/chat"]

    @property
    def pending(self) -> int:
        """How many scripted replies are still queued."""
        with self._state.lock:
            return len(self._state.script.queue)

    def wait_for_requests(self, count: int, timeout: float = 5.0, path: str = "/api/chat") -> None:
        """Block until `count` requests to `path` arrived (for tests that race the server)."""
        deadline = time.monotonic() + timeout
        while sum(r.path == path for r in self.requests) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} requests to {path}")
            time.sleep(0.005)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fake as a process until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description="Fake Ollama server for tests and benchmarks")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=11500)
    parser.add_argument("--model", action="append", dest="models", help="known model (repeatable)")
    parser.add_argument("--tokens-per-second", type=float, default=None)
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--text", default=None, help="default reply text")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    default = Reply(
        text=args.text,
        tokens_per_second=args.tokens_per_second,
        slow_first_token=args.first_token_delay,
    )
    fake = FakeOllama(
        host=args.host,
        port=args.port,
        models=args.models or DEFAULT_MODELS,
        default=default,
        verbose=args.verbose,
    )
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    fake.start()
    print(f"fake Ollama listening on http://{args.host}:{fake.port}", flush=True)
    while not stop.wait(0.5):
        pass
    fake.stop()


if __name__ == "__main__":
    main()
