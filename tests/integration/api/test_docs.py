"""The docs page: Swagger UI from the app's own copy (a PyPI package), no CDN, no inline script."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from onlyjobless.api import docs


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.openapi_url = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        if tag == "script":
            self._in_script = "src" not in values
        self.openapi_url = values.get("data-openapi-url") or self.openapi_url

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


async def test_the_docs_page_loads_everything_from_the_app(api: httpx.AsyncClient) -> None:
    response = await api.get("/docs")
    assert response.status_code == 200
    page = _Page()
    page.feed(response.text)

    assert page.inline_scripts == 0
    assert page.urls and all(url.startswith("/") and not url.startswith("//") for url in page.urls)
    assert page.openapi_url == "/openapi.json"
    for url in page.urls:
        if url.startswith("/docs/"):
            assert (await api.get(url)).status_code == 200, url


async def test_the_assets_are_the_packaged_swagger_ui(api: httpx.AsyncClient) -> None:
    bundle = await api.get("/docs/assets/swagger-ui-bundle.js")
    css = await api.get("/docs/assets/swagger-ui.css")
    start = await api.get("/docs/assets/start.js")
    licence = await api.get("/docs/assets/swagger-ui-LICENSE.txt")

    assert bundle.content == docs.ASSETS["swagger-ui-bundle.js"].read_bytes()
    assert "javascript" in bundle.headers["content-type"]
    assert css.headers["content-type"].startswith("text/css")
    assert "SwaggerUIBundle(" in start.text and "validatorUrl: null" in start.text
    assert "Apache License" in licence.text and licence.headers["content-type"].startswith("text/plain")
    # Nothing in what the page runs points at another site for code or styles.
    assert not re.search(r"https?://[^\s\"']*(cdn|unpkg|jsdelivr)", start.text + css.text)


async def test_unknown_assets_and_the_cdn_pages_are_gone(api: httpx.AsyncClient) -> None:
    missing = await api.get("/docs/assets/../../onlyjobless/settings.py")
    unknown = await api.get("/docs/assets/secrets.txt")
    assert missing.status_code == 404 and unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert (await api.get("/redoc")).status_code == 404
    assert (await api.get("/docs/oauth2-redirect")).status_code == 404


def test_the_page_escapes_what_it_is_given() -> None:
    html = docs.docs_page('<API & "docs">', "/root", "/openapi.json")

    assert "<title>&lt;API &amp; &quot;docs&quot;&gt;</title>" in html
    assert 'data-openapi-url="/root/openapi.json"' in html
    assert 'src="/root/docs/assets/start.js"' in html
