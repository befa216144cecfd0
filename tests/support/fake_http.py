"""What the fake LLM servers share: the threaded HTTP server, scripted replies played with their
delays and faults, the /_fake control API, the in-process handle and the command line.

A protocol (fake_ollama.py, fake_openai.py) adds only its routes and how a reply is framed:
`FakeHandler` plays a reply through the `_send_error`, `_send_whole` and `_stream_*` hooks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, ClassVar, Self

from tests.support.fake_ollama_script import (
    RecordedRequest,
    Reply,
    Responder,
    Script,
    as_reply,
    choose_reply,
)


class Abort(Exception):
    """The reply was released (reset/stop) or the client went away: drop the connection."""


class ServerState:
    """Everything the handlers share, guarded by one lock."""

    def __init__(
        self,
        models: Iterable[str],
        default: Reply,
        normalise: Callable[[str], str],
        api_key: str | None = None,
    ) -> None:
        self.lock = threading.Lock()
        self.normalise = normalise
        self.initial_models = tuple(normalise(m) for m in models)
        self.initial_default = default
        self.initial_api_key = api_key
        self.models = list(self.initial_models)
        self.api_key = api_key
        self.script = Script(default=default)
        self.requests: list[RecordedRequest] = []
        self.first_pieces: list[float] = []  # when each stream's first piece was written (time.time())
        self.release = threading.Event()
        self.stopped = False

    def record(
        self, method: str, path: str, body: dict[str, Any], headers: Mapping[str, str], client_port: int = 0
    ) -> RecordedRequest:
        """Remember a request for later assertions."""
        request = RecordedRequest(method, path, body, time.time(), headers, client_port)
        with self.lock:
            self.requests.append(request)
        return request

    def knows(self, model: str) -> bool:
        """Whether the model is served."""
        with self.lock:
            return self.normalise(model) in self.models

    def set_models(self, models: Iterable[str]) -> None:
        """Replace the served models."""
        with self.lock:
            self.models = [self.normalise(m) for m in models]

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
            self.api_key = self.initial_api_key
            self.script = Script(default=self.initial_default)
            self.requests = []
            self.first_pieces = []

    def stop(self) -> None:
        """Release every waiting reply for good."""
        with self.lock:
            self.stopped = True
            self.release.set()


class TrackingServer(ThreadingHTTPServer):
    """Threading server that tracks its connections and threads so stop() leaves none."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # the stdlib's 5 drops connections when many streams start at once

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[FakeHandler],
        state: ServerState,
        verbose: bool,
        thread_name: str,
    ) -> None:
        super().__init__(address, handler)
        self.state = state
        self.verbose = verbose
        self.thread_name = thread_name
        self._track_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve each connection on its own tracked thread."""
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"{self.thread_name}-conn",
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


class FakeHandler(BaseHTTPRequestHandler):
    """Plays scripted replies and serves the /_fake control API; a protocol adds its routes."""

    protocol_version = "HTTP/1.1"
    server: TrackingServer
    _recorded: RecordedRequest

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet unless the CLI asked for --verbose."""
        if self.server.verbose:
            super().log_message(format, *args)

    @property
    def state(self) -> ServerState:
        """Shared server state."""
        return self.server.state

    def _record(self, body: dict[str, Any]) -> RecordedRequest:
        """Record this API request, its headers included."""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._recorded = self.state.record(
            self.command, self.path.split("?", 1)[0], body, headers, int(self.client_address[1])
        )
        return self._recorded

    # --- playing a reply -----------------------------------------------------------------

    def _play_chat(self, request: RecordedRequest) -> None:
        """Take the scripted reply for a chat request and play it; a dropped reply closes the connection."""
        with self.state.lock:
            release = self.state.release
        reply = self.state.take(request)
        try:
            self._play(reply, request, release)
        except (Abort, OSError):
            self.close_connection = True

    def _play(self, reply: Reply, request: RecordedRequest, release: threading.Event) -> None:
        """Apply delays and faults, then send the reply."""
        if reply.hang:
            release.wait()
            raise Abort
        self._wait(release, reply.slow_first_token)
        if reply.status != 200:
            self._send_error(reply)
            return
        chunks = reply.chunks(reply.content_for(request))
        finish_reason = reply.done_reason
        limit = request.token_limit
        if limit is not None and limit < len(chunks):
            chunks, finish_reason = chunks[:limit], "length"
        if request.stream:
            self._stream(reply, request, chunks, finish_reason, release)
        elif reply.disconnect_after is not None:
            self._drop()
        else:
            self._send_whole(request, "".join(chunks), finish_reason, len(chunks))

    def _stream(
        self,
        reply: Reply,
        request: RecordedRequest,
        chunks: Sequence[str],
        finish_reason: str,
        release: threading.Event,
    ) -> None:
        """Send the chunks one frame each, honouring the per-chunk delay and the faults."""
        started = time.monotonic()
        self._stream_begin(request)
        for position, piece in enumerate(chunks):
            if position == reply.disconnect_after:
                self._drop()
            if position == reply.error_after:
                self._stream_error(reply)
                self._end_chunks()
                return
            if position == reply.garbage_after:
                self._write_chunk(self._garbage_frame())
            if position == reply.odd_after:
                self._write_chunk(self._odd_frame())
            if position:
                self._wait(release, reply.delay_per_chunk)
            self._stream_piece(request, piece)
            if not position:
                with self.state.lock:
                    self.state.first_pieces.append(time.time())
        if reply.disconnect_after is not None:
            self._drop()
        self._stream_end(reply, request, finish_reason, len(chunks), time.monotonic() - started)
        self._end_chunks()

    # --- the protocol's framing (overridden) ----------------------------------------------

    def _send_error(self, reply: Reply) -> None:  # pragma: no cover - every protocol overrides
        raise NotImplementedError

    def _send_whole(
        self, request: RecordedRequest, text: str, finish_reason: str, count: int
    ) -> None:  # pragma: no cover - every protocol overrides
        raise NotImplementedError

    def _stream_begin(self, request: RecordedRequest) -> None:  # pragma: no cover
        raise NotImplementedError

    def _stream_piece(self, request: RecordedRequest, piece: str) -> None:  # pragma: no cover
        raise NotImplementedError

    def _stream_error(self, reply: Reply) -> None:  # pragma: no cover
        raise NotImplementedError

    def _stream_end(
        self, reply: Reply, request: RecordedRequest, finish_reason: str, count: int, elapsed: float
    ) -> None:  # pragma: no cover
        raise NotImplementedError

    def _garbage_frame(self) -> bytes:  # pragma: no cover
        raise NotImplementedError

    def _odd_frame(self) -> bytes:  # pragma: no cover
        raise NotImplementedError

    # --- control API ---------------------------------------------------------------------

    def _control_get(self, path: str) -> bool:
        """GET /_fake/requests; True when the path was a control route."""
        if path != "/_fake/requests":
            return False
        with self.state.lock:
            recorded = [r.to_json() for r in self.state.requests]
        self._send_json(200, {"requests": recorded})
        return True

    def _control_post(self, path: str, body: Any) -> bool:
        """POST /_fake/{script,default,models,reset}; True when the path was a control route."""
        routes = {
            "/_fake/script": self._control_script,
            "/_fake/default": self._control_default,
            "/_fake/models": self._control_models,
            "/_fake/reset": self._control_reset,
        }
        route = routes.get(path)
        if route is None:
            return False
        route(body)
        return True

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
        """Replace the list of served models."""
        models = body.get("models") if isinstance(body, dict) else None
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            self._send_json(400, {"error": 'expected {"models": ["name", ...]}'})
            return
        self.state.set_models(models)
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
            raise Abort

    def _drop(self) -> None:
        """Cut the connection without finishing the response."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise Abort

    def _write_raw(self, data: bytes) -> None:
        """Write to the socket; a vanished client ends the reply."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError as exc:
            raise Abort from exc

    def _write_chunk(self, data: bytes) -> None:
        """One HTTP chunk of a chunked response."""
        self._write_raw(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_chunks(self) -> None:
        """The last chunk of a chunked response."""
        self._write_raw(b"0\r\n\r\n")

    def _start_chunked(self, content_type: str) -> None:
        """Headers of a streamed 200 response."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        """A complete, non-streamed response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self._write_raw(data)
            except Abort:
                self.close_connection = True

    def _send_json(self, status: int, obj: Any) -> None:
        """A JSON response."""
        data = json.dumps(obj, ensure_ascii=False).encode()
        self._send_bytes(status, data, "application/json; charset=utf-8")


class FakeLLMServer:
    """A fake server run on a background thread; a context manager for tests."""

    handler: ClassVar[type[FakeHandler]]
    thread_name: ClassVar[str]
    chat_path: ClassVar[str]
    api_prefix: ClassVar[str] = ""
    default_models: ClassVar[tuple[str, ...]]

    @staticmethod
    def normalise(name: str) -> str:
        """How the server names a model: as given, unless the protocol says otherwise."""
        return name

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Iterable[str] | None = None,
        default: Reply | str | Mapping[str, Any] | None = None,
        api_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        reply = as_reply(default) if default is not None else Reply()
        chosen = self.default_models if models is None else models
        self._state = ServerState(chosen, reply, self.normalise, api_key)
        self._address = (host, port)
        self._verbose = verbose
        self._server: TrackingServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> Self:
        """Bind (a free port when port=0) and serve on a daemon thread."""
        if self._server is not None:
            return self
        self._server = TrackingServer(
            self._address, self.handler, self._state, self._verbose, self.thread_name
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self.thread_name,
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
            raise RuntimeError(f"{self.thread_name} left {alive} handler thread(s) running")

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
            raise RuntimeError(f"{self.thread_name} is not running")
        return int(self._server.server_address[1])

    @property
    def address(self) -> str:
        """The server's root, where the /_fake control API answers."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The base URL to give to the client."""
        return self.address + self.api_prefix

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
        """Which models are served."""
        self._state.set_models(models)

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
    def first_pieces(self) -> list[float]:
        """When each streamed reply's first piece was written (epoch seconds), since the last reset."""
        with self._state.lock:
            return list(self._state.first_pieces)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the chat requests."""
        return [r for r in self.requests if r.path == self.chat_path]

    @property
    def pending(self) -> int:
        """How many scripted replies are still queued."""
        with self._state.lock:
            return len(self._state.script.queue)

    def wait_for_requests(self, count: int, timeout: float = 5.0, path: str | None = None) -> None:
        """Block until `count` requests to `path` (the chat path by default) arrived."""
        wanted = path or self.chat_path
        deadline = time.monotonic() + timeout
        while sum(r.path == wanted for r in self.requests) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} requests to {wanted}")
            time.sleep(0.005)


def run_cli(
    server_class: type[FakeLLMServer],
    argv: Sequence[str] | None,
    *,
    description: str,
    default_port: int,
) -> None:
    """Run a fake server as a process until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--model", action="append", dest="models", help="served model (repeatable)")
    parser.add_argument("--tokens-per-second", type=float, default=None)
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--text", default=None, help="default reply text")
    parser.add_argument("--api-key", default=None, help="the bearer key clients must send")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    default = Reply(
        text=args.text,
        tokens_per_second=args.tokens_per_second,
        slow_first_token=args.first_token_delay,
    )
    fake = server_class(
        host=args.host,
        port=args.port,
        models=args.models,
        default=default,
        api_key=args.api_key,
        verbose=args.verbose,
    )
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    fake.start()
    print(f"{description} listening on {fake.url}", flush=True)
    while not stop.wait(0.5):
        pass
    fake.stop()
