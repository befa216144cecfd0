"""The security headers module: the policy, the inline-script hashes and the ASGI middleware."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.types import Message, Receive, Scope, Send

from onlyjobless.api.security import (
    HeaderPolicy,
    SecurityHeaders,
    content_security_policy,
    inline_script_hashes,
    script_hash,
)
from onlyjobless.settings import Settings


def _directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = values
    return parsed


def test_script_hash_matches_the_csp_specification_example() -> None:
    # The example hash given for this script in the CSP Level 3 specification (hash-source).
    assert script_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


def test_inline_scripts_of_every_built_page_are_hashed_once(tmp_path: Path) -> None:
    (tmp_path / "login").mkdir()
    (tmp_path / "index.html").write_text(
        "<html><head><script>first()</script><script src='/a.js'></script></head>"
        '<body><script type="module">import "/b.js";\nrun("</div>");</script></body></html>'
    )
    (tmp_path / "login" / "index.html").write_text("<script>first()</script><script>  </script>")
    (tmp_path / "notes.txt").write_text("<script>not a page()</script>")

    hashes = inline_script_hashes(tmp_path)

    assert hashes == sorted([script_hash("first()"), script_hash('import "/b.js";\nrun("</div>");')])


def test_the_policy_allows_only_the_apps_own_code() -> None:
    policy = _directives(content_security_policy("http://127.0.0.1:3000", ["'sha256-abc='"]))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'sha256-abc='"]
    assert policy["connect-src"] == ["'self'", "http://127.0.0.1:3000", "ws://127.0.0.1:3000"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "upgrade-insecure-requests" not in policy
    everything = " ".join(value for values in policy.values() for value in values)
    assert "'unsafe-eval'" not in everything
    assert "*" not in everything and "https:" not in policy["img-src"]


def test_the_websocket_follows_the_public_url_scheme() -> None:
    policy = _directives(content_security_policy("https://jobs.example.org", secure=True))

    assert policy["connect-src"] == ["'self'", "https://jobs.example.org", "wss://jobs.example.org"]
    assert "upgrade-insecure-requests" in policy


def test_hsts_follows_cookie_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOKIE_SECURE", "true")
    secure = dict(HeaderPolicy.from_settings(Settings(), "https://jobs.example.org").headers())
    secure_over_http = dict(HeaderPolicy.from_settings(Settings(), "http://127.0.0.1:3000").headers())
    monkeypatch.setenv("COOKIE_SECURE", "false")
    plain = dict(HeaderPolicy.from_settings(Settings(), "https://jobs.example.org").headers())

    assert secure[b"strict-transport-security"].startswith(b"max-age=31536000")
    assert b"strict-transport-security" in secure_over_http
    assert b"strict-transport-security" not in plain
    assert b"upgrade-insecure-requests" in secure[b"content-security-policy"]
    # Requests are upgraded only when the public address is HTTPS: over HTTP every fetch would break.
    assert b"upgrade-insecure-requests" not in secure_over_http[b"content-security-policy"]
    assert b"upgrade-insecure-requests" not in plain[b"content-security-policy"]


def test_the_hashes_follow_a_new_build(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text("<script>one()</script>")
    policy = HeaderPolicy(public_url="http://127.0.0.1:3000", pages=tmp_path)
    first = dict(policy.headers())[b"content-security-policy"].decode()

    page.unlink()
    (tmp_path / "other.html").write_text("<script>two()</script>")
    stamp = tmp_path.stat().st_mtime_ns
    os.utime(tmp_path, ns=(stamp, stamp + 1_000_000))  # a rebuild may land within one clock tick
    second = dict(policy.headers())[b"content-security-policy"].decode()

    assert script_hash("one()") in first and script_hash("two()") not in first
    assert script_hash("two()") in second and script_hash("one()") not in second


def test_a_missing_build_gives_a_policy_without_hashes(tmp_path: Path) -> None:
    policy = HeaderPolicy(public_url="http://127.0.0.1:3000", pages=tmp_path / "not-built")

    assert "sha256" not in dict(policy.headers())[b"content-security-policy"].decode()


class _Recorder:
    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def __call__(self, message: Message) -> None:
        self.sent.append(message)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def _app(start: Message):  # type: ignore[no-untyped-def]
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start)
        if start["type"] == "http.response.start":
            await send({"type": "http.response.body", "body": b"{}"})

    return app


async def _run(start: Message, scope: Scope) -> dict[bytes, list[bytes]]:
    recorder = _Recorder()
    policy = HeaderPolicy(public_url="http://127.0.0.1:3000")
    await SecurityHeaders(_app(start), policy)(scope, _nothing, recorder)
    headers: dict[bytes, list[bytes]] = {}
    for name, value in recorder.sent[0].get("headers", []):
        headers.setdefault(name, []).append(value)
    assert recorder.sent[-1]["type"] in ("http.response.body", "websocket.accept")
    return headers


async def test_a_private_answer_is_never_stored_whatever_the_route_said() -> None:
    start = {"type": "http.response.start", "status": 200, "headers": [(b"cache-control", b"no-cache")]}
    headers = await _run(start, {"type": "http", "path": "/api/chats/1/hint"})

    assert headers[b"cache-control"] == [b"no-store"]
    assert headers[b"x-frame-options"] == [b"DENY"]


async def test_a_public_answer_keeps_its_own_choices() -> None:
    own = [(b"cache-control", b"public, max-age=60"), (b"x-frame-options", b"SAMEORIGIN")]
    headers = await _run(
        {"type": "http.response.start", "status": 200, "headers": own}, {"type": "http", "path": "/docs"}
    )

    assert headers[b"cache-control"] == [b"public, max-age=60"]
    assert headers[b"x-frame-options"] == [b"SAMEORIGIN"]
    assert headers[b"x-content-type-options"] == [b"nosniff"]


async def test_the_websocket_handshake_is_given_the_headers() -> None:
    accept = {"type": "websocket.accept", "subprotocol": None, "headers": []}
    headers = await _run(accept, {"type": "websocket", "path": "/_event/"})

    assert b"frame-ancestors 'none'" in headers[b"content-security-policy"][0]
    assert b"cache-control" not in headers


async def test_lifespan_messages_pass_untouched() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        await send({"type": "lifespan.startup.complete"})

    recorder = _Recorder()
    await SecurityHeaders(app, HeaderPolicy(public_url=""))({"type": "lifespan"}, _nothing, recorder)

    assert seen == [{"type": "lifespan"}]
    assert recorder.sent == [{"type": "lifespan.startup.complete"}]
