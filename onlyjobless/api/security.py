"""Security headers on every response the app sends: pages, assets, API, docs, errors, websocket.

One ASGI middleware wraps the whole app (Reflex's pages are static files, not FastAPI routes).
The content security policy allows scripts from the app itself plus the inline scripts the
production build put into its HTML files, by hash, computed from the built files (and again
when the build changes). Styles need 'unsafe-inline': emotion, which Reflex compiles every
`css=` and style prop into, writes <style> elements at run time (no nonce can be given to
it through Reflex) and the prerendered pages carry `style="..."` attributes. No 'unsafe-eval':
the UI never sends code over the websocket for Reflex to `eval` (see ui/bridge.py).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onlyjobless.settings import Settings

HSTS = "max-age=31536000; includeSubDomains"
# Everything the app does not use, as Chromium names it (an unknown name is a console error).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
PRIVATE_PREFIX = "/api/"


class _InlineScripts(HTMLParser):
    """Collects the text of every <script> without a src attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def script_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of a page, empty ones left out."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return [script for script in parser.scripts if script.strip()]


def inline_script_hashes(pages: Path) -> list[str]:
    """The hashes of every inline script in the built HTML files, sorted, without repeats."""
    found = {
        script_hash(script)
        for page in pages.rglob("*.html")
        for script in inline_scripts(page.read_text(encoding="utf-8"))
    }
    return sorted(found)


def _origins(public_url: str) -> list[str]:
    """The page origin and its websocket twin, as the frontend reaches the backend."""
    parts = urlsplit(public_url)
    if not parts.scheme or not parts.netloc:
        return []
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def content_security_policy(
    public_url: str, script_hashes: Iterable[str] = (), *, secure: bool = False
) -> str:
    """The policy: only the app's own code, its own websocket, no framing, no plugins."""
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        " ".join(["connect-src 'self'", *_origins(public_url)]),
        "worker-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if secure:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


@dataclass
class HeaderPolicy:
    """What every response carries; the script hashes follow the build in `pages`."""

    public_url: str
    hsts: bool = False
    pages: Path | None = None
    _stamp: object = field(default=None, init=False, repr=False)
    _headers: list[tuple[bytes, bytes]] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, public_url: str, pages: Path | None = None) -> HeaderPolicy:
        """HSTS only with secure cookies: that is how the app is told it is served over HTTPS."""
        return cls(public_url=public_url, hsts=settings.cookie_secure, pages=pages)

    def _build_stamp(self) -> object:
        if self.pages is None:
            return None
        try:
            return self.pages.stat().st_mtime_ns
        except OSError:
            return None

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The common headers, recomputed only when the build folder changed."""
        stamp = self._build_stamp()
        if self._headers and stamp == self._stamp:
            return self._headers
        hashes = inline_script_hashes(self.pages) if stamp is not None and self.pages else []
        # Upgrading requests only where HTTPS is certain: over plain HTTP it would break every fetch.
        upgrade = self.hsts and urlsplit(self.public_url).scheme == "https"
        values = {
            "content-security-policy": content_security_policy(self.public_url, hashes, secure=upgrade),
            "x-frame-options": "DENY",
            "x-content-type-options": "nosniff",
            # Not no-referrer: with it a same-origin fetch POST says "Origin: null", and the
            # cookie routes check the origin.
            "referrer-policy": "strict-origin-when-cross-origin",
            "permissions-policy": PERMISSIONS_POLICY,
            "cross-origin-opener-policy": "same-origin",
            "cross-origin-resource-policy": "same-origin",
        }
        if self.hsts:
            values["strict-transport-security"] = HSTS
        self._headers = [(name.encode(), value.encode()) for name, value in values.items()]
        self._stamp = stamp
        return self._headers


def _merged(
    existing: list[tuple[bytes, bytes]], extra: list[tuple[bytes, bytes]], *, private: bool
) -> list[tuple[bytes, bytes]]:
    """Add the headers a response does not set itself; a private answer is never stored."""
    if private:
        existing = [(name, value) for name, value in existing if name.lower() != b"cache-control"]
        extra = [*extra, (b"cache-control", b"no-store")]
    present = {name.lower() for name, _ in existing}
    return [*existing, *((name, value) for name, value in extra if name not in present)]


class SecurityHeaders:
    """ASGI middleware: the policy's headers on every HTTP response and websocket handshake."""

    def __init__(self, app: ASGIApp, policy: HeaderPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        private = scope["type"] == "http" and scope.get("path", "").startswith(PRIVATE_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                headers = _merged(list(message.get("headers", [])), self.policy.headers(), private=private)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
