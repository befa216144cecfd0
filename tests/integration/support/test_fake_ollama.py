"""The fake Ollama server itself: protocol details, scripting, control API and clean shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import ollama
import pytest

from tests.support.fake_ollama import FakeOllama, main
from tests.support.fake_ollama_script import Reply, example_from_schema

ROOT = Path(__file__).resolve().parents[3]
USER = [{"role": "user", "content": "hello"}]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chat_text(client: ollama.Client, **kwargs: Any) -> str:
    return "".join(
        p.message.content or "" for p in client.chat(model="mistral", messages=USER, stream=True, **kwargs)
    )


@pytest.fixture
def client(fake_ollama: FakeOllama) -> Iterator[ollama.Client]:
    with ollama.Client(host=fake_ollama.url, timeout=5) as sync_client:
        yield sync_client


@pytest.fixture
def http(fake_ollama: FakeOllama) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake_ollama.url, timeout=5) as raw:
        yield raw


# --- protocol ----------------------------------------------------------------------------


def test_stream_lines_are_ollama_shaped(fake_ollama: FakeOllama, http: httpx.Client) -> None:
    fake_ollama.script(Reply(text="one two three"))
    body = {"model": "mistral", "messages": USER}  # no "stream": Ollama streams by default
    with http.stream("POST", "/api/chat", json=body) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in response.iter_lines()]
    assert [line["message"]["content"] for line in lines] == ["one", " two", " three", ""]
    final = lines[-1]
    assert final["done"] is True
    assert final["done_reason"] == "stop"
    assert final["eval_count"] == 3
    assert all(line["model"] == "mistral" for line in lines)
    # The first piece's write time is kept, after the request arrived (the benchmarks' shared clock).
    (written,) = fake_ollama.first_pieces
    assert written >= fake_ollama.chat_requests[0].received_at
    fake_ollama.reset()
    assert fake_ollama.first_pieces == []


def test_non_streaming_chat(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.script(Reply(text="whole answer"))
    response = client.chat(model="mistral", messages=USER, stream=False)
    assert response.message.content == "whole answer"
    assert response.done is True


def test_num_predict_truncates_with_length_reason(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.script(Reply(text="a b c d e"))
    parts = list(client.chat(model="mistral", messages=USER, stream=True, options={"num_predict": 2}))
    assert "".join(p.message.content or "" for p in parts) == "a b"
    assert parts[-1].done_reason == "length"


def test_format_requests_get_schema_valid_json(client: ollama.Client) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string", "minLength": 30}}}
    text = _chat_text(client, format=schema)
    assert len(json.loads(text)["name"]) >= 30
    assert json.loads(_chat_text(client, format="json")) == {}


def test_example_from_schema_covers_keywords() -> None:
    schema = {
        "$defs": {"Inner": {"type": "object", "properties": {"flag": {"type": "boolean"}}}},
        "type": "object",
        "properties": {
            "kind": {"enum": ["a", "b"]},
            "fixed": {"const": 3},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "number", "minimum": 1.5}]},
            "count": {"type": "integer", "minimum": 2},
            "inner": {"$ref": "#/$defs/Inner"},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}, "minItems": 2},
        },
    }
    assert example_from_schema(schema) == {
        "kind": "a",
        "fixed": 3,
        "maybe": 1.5,
        "count": 2,
        "inner": {"flag": False},
        "tags": ["Examp", "Examp"],
    }


def test_tags_show_and_misc_endpoints(
    fake_ollama: FakeOllama, client: ollama.Client, http: httpx.Client
) -> None:
    assert [m.model for m in client.list().models] == ["mistral:latest", "llama3.2:latest"]
    assert client.show("mistral").capabilities == ["completion"]
    with pytest.raises(ollama.ResponseError) as caught:
        client.show("ghost")
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'ghost' not found"
    assert http.get("/").text == "Ollama is running"
    assert http.head("/").status_code == 200
    assert http.get("/api/version").json()["version"]
    assert http.get("/api/ps").json() == {"models": []}
    assert http.get("/nope").status_code == 404
    assert http.post("/nope", json={}).status_code == 404
    assert [r.path for r in fake_ollama.requests] == ["/api/tags", "/api/show", "/api/show"]


def test_bad_requests_get_ollama_errors(http: httpx.Client) -> None:
    assert http.post("/api/chat", content=b"{not json").status_code == 400
    assert http.post("/api/chat", json=[1, 2]).status_code == 400
    missing = http.post("/api/chat", json={"messages": USER})
    assert missing.status_code == 400
    assert missing.json() == {"error": "model is required"}
    unknown = http.post("/api/chat", json={"model": "ghost", "messages": USER})
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "model 'ghost' not found"}


def test_chunked_request_body_is_read(fake_ollama: FakeOllama, http: httpx.Client) -> None:
    payload = json.dumps({"model": "mistral", "messages": USER, "stream": False}).encode()

    def pieces() -> Iterator[bytes]:
        yield payload[:10]
        yield payload[10:]

    response = http.post("/api/chat", content=pieces())
    assert response.json()["message"]["content"]
    assert fake_ollama.chat_requests[0].last_user_message == "hello"


def test_busy_reply_uses_ollama_error_text(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.script(Reply(status=503), Reply(status=500, error="runner crashed"), Reply(status=418))
    for expected in ("server busy", "runner crashed", "status 418"):
        with pytest.raises(ollama.ResponseError) as caught:
            _chat_text(client)
        assert expected in caught.value.error


def test_non_streaming_disconnect_drops_the_connection(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    fake_ollama.script(Reply(disconnect_after=0))
    with pytest.raises(httpx.RemoteProtocolError):
        client.chat(model="mistral", messages=USER, stream=False)


def test_client_leaving_mid_stream_does_not_break_the_server(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    fake_ollama.script(Reply(text="word " * 200, chunk_delay=0.002))
    for part in client.chat(model="mistral", messages=USER, stream=True):
        assert part.message.content
        break
    time.sleep(0.1)
    assert _chat_text(client).startswith("This is a scripted reply")


# --- scripting ---------------------------------------------------------------------------


def test_queue_filters_and_repeats(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.script(
        Reply(text="for json", when_format=True),
        Reply(text="about hello", when_contains="hello", times=2),
        "plain",
    )
    assert _chat_text(client) == "about hello"
    assert _chat_text(client, format="json") == "for json"
    assert _chat_text(client) == "about hello"
    assert _chat_text(client) == "plain"
    assert fake_ollama.pending == 0


def test_format_filter_picks_the_right_reply(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.script(Reply(text="{}", when_format=True), Reply(text="prose", when_format=False))
    assert _chat_text(client) == "prose"
    assert _chat_text(client, format="json") == "{}"


def test_responder_and_default(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.respond_with(lambda r: f"echo {r.last_user_message}" if r.stream else None)
    assert _chat_text(client) == "echo hello"
    fake_ollama.respond_with(lambda r: None)
    fake_ollama.set_default({"text": "new default"})
    assert _chat_text(client) == "new default"
    fake_ollama.reset()
    assert _chat_text(client).startswith("This is a scripted reply")


def test_reply_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="unknown reply fields"):
        Reply.from_json({"txt": "typo"})


def test_recorded_request_helpers(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    client.chat(model="mistral", messages=[{"role": "system", "content": "sys"}], stream=False)
    (request,) = fake_ollama.chat_requests
    assert request.last_user_message == ""
    assert request.prompt_text == "sys"
    assert request.stream is False
    assert request.to_json()["path"] == "/api/chat"


def test_reset_releases_a_hanging_reply(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.script(Reply(hang=True))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            _chat_text(client)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    fake_ollama.wait_for_requests(1)
    fake_ollama.reset()
    worker.join(3)
    assert not worker.is_alive()
    assert isinstance(errors[0], httpx.RemoteProtocolError)


def test_wait_for_requests_times_out(fake_ollama: FakeOllama) -> None:
    with pytest.raises(TimeoutError):
        fake_ollama.wait_for_requests(1, timeout=0.05)


# --- lifecycle ---------------------------------------------------------------------------


def test_stop_with_hanging_and_delayed_streams_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    fake = FakeOllama().start()
    assert fake.start() is fake  # idempotent
    fake.script(Reply(hang=True), Reply(hang=True), Reply(text="slow", slow_first_token=30))
    outcomes: list[str] = []

    def call() -> None:
        with ollama.Client(host=fake.url, timeout=30) as sync_client:
            try:
                _chat_text(sync_client)
                outcomes.append("answered")
            except httpx.HTTPError:
                outcomes.append("dropped")

    workers = [threading.Thread(target=call) for _ in range(3)]
    for worker in workers:
        worker.start()
    fake.wait_for_requests(3)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 2
    for worker in workers:
        worker.join(3)
    assert outcomes == ["dropped"] * 3
    assert not [t for t in set(threading.enumerate()) - before if t.name.startswith("fake-ollama")]
    fake.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.url


def test_control_api_and_cli_process() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.support.fake_ollama", "--port", str(port), "--model", "phi3"]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:
        _drive_cli_process(process, port)


def _drive_cli_process(process: subprocess.Popen[str], port: int) -> None:
    try:
        assert process.stdout is not None
        assert f":{port}" in process.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=5) as control, ollama.Client(host=base) as client:
            assert [m.model for m in client.list().models] == ["phi3:latest"]
            queued = control.post("/_fake/script", json=[{"text": "first"}, "second"]).json()
            assert queued == {"queued": 2}
            assert control.post("/_fake/script", json={"replies": [{"text": "third"}]}).json() == {
                "queued": 3
            }
            assert control.post("/_fake/script", json={"bogus": 1}).status_code == 400
            texts = [
                "".join(
                    p.message.content or "" for p in client.chat(model="phi3", messages=USER, stream=True)
                )
                for _ in range(3)
            ]
            assert texts == ["first", "second", "third"]
            recorded = control.get("/_fake/requests").json()["requests"]
            assert [r["path"] for r in recorded] == ["/api/tags", "/api/chat", "/api/chat", "/api/chat"]
            assert recorded[1]["body"]["messages"] == USER
            assert control.post("/_fake/default", json={"text": "dflt"}).json() == {"ok": True}
            assert control.post("/_fake/default", json={"bogus": 1}).status_code == 400
            assert client.chat(model="phi3", messages=USER).message.content == "dflt"
            assert control.post("/_fake/models", json={"models": ["qwen2.5:3b"]}).status_code == 200
            assert control.post("/_fake/models", json={"models": "x"}).status_code == 400
            assert [m.model for m in client.list().models] == ["qwen2.5:3b"]
            assert control.post("/_fake/reset").json() == {"ok": True}
            assert control.get("/_fake/requests").json() == {"requests": []}
            assert [m.model for m in client.list().models] == ["phi3:latest"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_main_runs_until_signalled(monkeypatch: pytest.MonkeyPatch) -> None:
    handlers: dict[int, Any] = {}
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.__setitem__(signum, handler))
    port = _free_port()
    runner = threading.Thread(target=main, args=(["--port", str(port), "--text", "hi", "--verbose"],))
    runner.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.01)
    with ollama.Client(host=f"http://127.0.0.1:{port}") as client:
        assert client.chat(model="mistral", messages=USER).message.content == "hi"
    handlers[signal.SIGTERM](signal.SIGTERM, None)
    runner.join(5)
    assert not runner.is_alive()
