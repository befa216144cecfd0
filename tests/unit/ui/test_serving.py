"""Build once, serve anywhere: the page's backend URL follows the page, and a prebuilt build is found."""

from __future__ import annotations

from pathlib import Path

import pytest
import reflex_base

from onlyjobless.ui.serving import STATE_JS, SameOriginBackend, prebuilt_frontend, use_page_origin

TEMPLATE = Path(reflex_base.__file__).parent / ".templates" / "web" / STATE_JS


def test_reflex_state_js_is_patched_once_to_use_the_page_origin() -> None:
    original = TEMPLATE.read_text()
    patched = use_page_origin(original)
    start = patched.index("export const getBackendURL")
    body = patched[start : patched.index("\n};\n", start)]
    assert "endpoint.host = window.location.host;" in body
    assert 'endpoint.protocol = secure ? "wss:" : "ws:";' in body
    assert body.index("window.location.host;") < body.index("SAME_DOMAIN_HOSTNAMES")  # before Reflex's rule
    assert use_page_origin(patched) == patched  # a second compile changes nothing
    assert all(line in patched.splitlines() for line in original.splitlines())  # only lines added


def test_a_changed_reflex_template_fails_the_build_loudly() -> None:
    with pytest.raises(RuntimeError, match="getBackendURL changed"):
        use_page_origin("export const getBackendURL = (url) => new URL(url);\n")


def test_plugin_registers_the_patch_for_state_js() -> None:
    tasks: list[tuple[str, object]] = []
    SameOriginBackend().pre_compile(add_modify_task=lambda path, fn: tasks.append((path, fn)))
    assert tasks == [(STATE_JS, use_page_origin)]


def test_prebuilt_frontend_is_found_or_named(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no prebuilt frontend"):
        prebuilt_frontend(tmp_path)
    client = tmp_path / ".web" / "build" / "client"
    client.mkdir(parents=True)
    (client / "index.html").write_text("<html></html>")
    assert prebuilt_frontend(tmp_path) == client
