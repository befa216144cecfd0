"""The fake OpenAI-compatible server itself: the wire format, faults, the key, scripting and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletionChunk

from tests.support.app_process import free_port
from tests.support.fake_ollama_script import Reply
from tests.support.fake_openai import FakeOpenAI, main
from tests.support.fixtures import FAKE_OPENAI_KEY

ROOT = Path(__file__).resolve().parents[3]
USER = [{"role": "user", "content": "hello"}]
MODEL = "mistral"
AUTH = {"Authorization": f"Bearer {FAKE_OPENAI_KEY}"}


@pytest.fixture
def http(fake_openai: FakeOpenAI) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake_openai.address, timeout=5, headers=AUTH) as raw:
        yield raw


@pytest.fixture
def client(fake_openai: FakeOpenAI) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(api_key=FAKE_OPENAI_KEY, base_url=fake_openai.url, max_retries=0, timeout=5) as sync:
        yield sync


def _events(response: httpx.Response) -> list[Any]:
    """The data of every server-sent event; "[DONE]" as it is."""
    data = [line.removeprefix("data: ") for line in response.iter_lines() if line.startswith("data: ")]
    return [item if item == "[DONE]" else json.loads(item) for item in data]


def _text(client: openai.OpenAI, **kwargs: Any) -> str:
    stream = client.chat.completions.create(model=MODEL, messages=USER, stream=True, **kwargs)  # type: ignore[arg-type]
    chunks = cast(Iterable[ChatCompletionChunk], stream)
    return "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)


# --- protocol ----------------------------------------------------------------------------


def test_stream_is_server_sent_events_ending_in_done(fake_openai: FakeOpenAI, http: httpx.Client) -> None:
    fake_openai.script(Reply(text="one two three"))
    body = {"model": MODEL, "messages": USER, "stream": True, "stream_options": {"include_usage": True}}
    with http.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.headers["content-type"] == "text/event-stream"
        events = _events(response)
    assert events[-1] == "[DONE]"
    first, *pieces, last, usage, _done = events
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [p["choices"][0]["delta"]["content"] for p in pieces] == ["one", " two", " three"]
    assert last["choices"][0] == {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == 3
    assert {e["object"] for e in events[:-1]} == {"chat.completion.chunk"}
    assert len({e["id"] for e in events[:-1]}) == 1 and {e["model"] for e in events[:-1]} == {MODEL}


def test_not_streamed_unless_asked(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.script(Reply(text="whole answer"))
    completion = client.chat.completions.create(model=MODEL, messages=USER)  # type: ignore[arg-type]
    assert completion.choices[0].message.content == "whole answer"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.completion_tokens == 2
    assert fake_openai.chat_requests[0].stream is False


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_token_caps_truncate_with_length_reason(
    fake_openai: FakeOpenAI, http: httpx.Client, field: str
) -> None:
    fake_openai.script(Reply(text="a b c d e"))
    body = {"model": MODEL, "messages": USER, field: 2}
    choice = http.post("/v1/chat/completions", json=body).json()["choices"][0]
    assert (choice["message"]["content"], choice["finish_reason"]) == ("a b", "length")


def test_response_format_gets_scripted_or_schema_valid_json(
    fake_openai: FakeOpenAI, client: openai.OpenAI
) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "minLength": 30}},
        "required": ["name"],
        "additionalProperties": False,
    }
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "Thing", "schema": schema, "strict": True},
    }
    assert len(json.loads(_text(client, response_format=response_format))["name"]) >= 30
    assert json.loads(_text(client, response_format={"type": "json_object"})) == {}
    assert _text(client, response_format={"type": "text"}).startswith("This is a scripted reply")
    fake_openai.script(Reply(json={"name": "scripted"}, when_format=True))
    assert json.loads(_text(client, response_format=response_format)) == {"name": "scripted"}
    assert fake_openai.chat_requests[0].format == schema


def test_models_list_and_retrieve(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list().data] == ["Qwen/Qwen2.5-7B-Instruct", "mistral"]
    assert client.models.retrieve("mistral").owned_by == "fake"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("ghost")
    fake_openai.set_models(["only-one"])
    assert [m.id for m in client.models.list().data] == ["only-one"]


def test_the_key_is_demanded_on_every_api_call(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(text="kept for a caller with the key"))
    with openai.OpenAI(api_key="sk-wrong", base_url=fake_openai.url, max_retries=0) as wrong:
        with pytest.raises(openai.AuthenticationError) as caught:
            wrong.models.list()
        assert caught.value.code == "invalid_api_key"
        with pytest.raises(openai.AuthenticationError):
            _text(wrong)
    assert [r.headers["authorization"] for r in fake_openai.requests] == ["Bearer sk-wrong"] * 2
    assert fake_openai.pending == 1 and len(fake_openai.chat_requests) == 1  # refused before any reply
    fake_openai.set_api_key(None)
    assert httpx.get(f"{fake_openai.url}/models").status_code == 200
    fake_openai.reset()
    assert httpx.get(f"{fake_openai.url}/models").status_code == 401


def test_bad_requests_and_unknown_routes(http: httpx.Client) -> None:
    def error(response: httpx.Response) -> tuple[int, str, Any]:
        body = response.json()["error"]
        return response.status_code, body["type"], body["code"]

    assert error(http.post("/v1/chat/completions", content=b"{nope")) == (400, "invalid_request_error", None)
    assert error(http.post("/v1/chat/completions", json=[1])) == (400, "invalid_request_error", None)
    assert http.post("/v1/chat/completions", json={"messages": USER}).json()["error"]["message"] == (
        "model is required"
    )
    assert http.post("/v1/chat/completions", json={"model": MODEL, "messages": []}).status_code == 400
    missing = http.post("/v1/chat/completions", json={"model": "ghost", "messages": USER})
    assert error(missing) == (404, "invalid_request_error", "model_not_found")
    assert "`ghost`" in missing.json()["error"]["message"]
    assert http.get("/v1/nope").status_code == 404
    assert http.post("/v1/nope", json={}).status_code == 404
    assert http.get("/health").status_code == 200


def test_error_statuses_carry_the_apis_error_object(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.script(Reply(status=503), Reply(status=429), Reply(status=500, error="runner crashed"))
    with pytest.raises(openai.InternalServerError) as busy:
        _text(client)
    assert busy.value.status_code == 503 and "server busy" in busy.value.message
    with pytest.raises(openai.RateLimitError) as limited:
        _text(client)
    assert limited.value.code == "rate_limit_exceeded"
    with pytest.raises(openai.InternalServerError) as crashed:
        _text(client)
    assert "runner crashed" in crashed.value.message


def test_mid_stream_faults(fake_openai: FakeOpenAI, client: openai.OpenAI, http: httpx.Client) -> None:
    fake_openai.script(Reply(text="a b c d", error_after=2, error="out of memory"))
    with pytest.raises(openai.APIError, match="out of memory"):
        _text(client)
    fake_openai.script(Reply(text="a b c d", garbage_after=1))
    with pytest.raises(json.JSONDecodeError):
        _text(client)
    fake_openai.script(Reply(text="a b c d", disconnect_after=2))
    with pytest.raises(openai.APIConnectionError):
        _text(client)
    fake_openai.script(Reply(disconnect_after=0))
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1/chat/completions", json={"model": MODEL, "messages": USER})
    assert _text(client).startswith("This is a scripted reply")  # the server is fine afterwards


def test_reset_releases_a_hanging_reply(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.script(Reply(hang=True))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            _text(client)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    fake_openai.wait_for_requests(1)
    fake_openai.reset()
    worker.join(3)
    assert not worker.is_alive()
    assert isinstance(errors[0], openai.APIConnectionError)


# --- lifecycle, control API and command line ----------------------------------------------


def test_stop_with_a_hanging_stream_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    fake = FakeOpenAI().start()
    assert fake.start() is fake
    fake.script(Reply(hang=True), Reply(text="slow", slow_first_token=30))
    outcomes: list[str] = []

    def call() -> None:
        with openai.OpenAI(api_key="x", base_url=fake.url, max_retries=0, timeout=30) as sync:
            try:
                _text(sync)
                outcomes.append("answered")
            except openai.APIConnectionError:
                outcomes.append("dropped")

    workers = [threading.Thread(target=call) for _ in range(2)]
    for worker in workers:
        worker.start()
    fake.wait_for_requests(2)
    fake.stop()
    for worker in workers:
        worker.join(3)
    assert outcomes == ["dropped"] * 2
    assert not [t for t in set(threading.enumerate()) - before if t.name.startswith("fake-openai")]
    fake.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.url


def test_cli_process_with_a_key_and_the_control_api() -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "tests.support.fake_openai",
        "--port",
        str(port),
        "--model",
        "phi3",
        "--api-key",
        "sk-cli",
    ]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            assert f":{port}/v1" in process.stdout.readline()
            base = f"http://127.0.0.1:{port}"
            with (
                httpx.Client(base_url=base, timeout=5) as control,
                openai.OpenAI(api_key="sk-cli", base_url=f"{base}/v1", max_retries=0) as client,
            ):
                assert [m.id for m in client.models.list().data] == ["phi3"]
                assert control.post("/_fake/script", json=[{"text": "first"}, "second"]).json() == {
                    "queued": 2
                }
                texts = [
                    client.chat.completions.create(model="phi3", messages=USER).choices[0].message.content  # type: ignore[arg-type]
                    for _ in range(2)
                ]
                assert texts == ["first", "second"]
                recorded = control.get("/_fake/requests").json()["requests"]
                assert [r["path"] for r in recorded] == [
                    "/v1/models",
                    "/v1/chat/completions",
                    "/v1/chat/completions",
                ]
                assert recorded[1]["headers"]["authorization"] == "Bearer sk-cli"
                assert control.post("/_fake/models", json={"models": ["qwen"]}).status_code == 200
                assert [m.id for m in client.models.list().data] == ["qwen"]
                assert control.post("/_fake/reset").json() == {"ok": True}
                assert control.get("/_fake/requests").json() == {"requests": []}
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=5) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_main_runs_until_signalled(monkeypatch: pytest.MonkeyPatch) -> None:
    handlers: dict[int, Any] = {}
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.__setitem__(signum, handler))
    port = free_port()
    runner = threading.Thread(target=main, args=(["--port", str(port), "--text", "hi", "--model", "m"],))
    runner.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.2)
            break
        except httpx.HTTPError:
            time.sleep(0.01)
    with openai.OpenAI(api_key="any", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0) as client:
        completion = client.chat.completions.create(model="m", messages=USER)  # type: ignore[arg-type]
        assert completion.choices[0].message.content == "hi"
    handlers[signal.SIGTERM](signal.SIGTERM, None)
    runner.join(5)
    assert not runner.is_alive()
