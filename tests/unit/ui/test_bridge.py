"""The backend-to-page bridge: data goes to named elements with rx.set_value, never code to eval."""

from __future__ import annotations

import re
from pathlib import Path

from reflex.event import Event

from onlyjobless.ui import bridge, live, routes

UI = Path(bridge.__file__).parent
SCRIPT = UI.parents[1] / "assets" / "js" / "bridge.js"


def _sent(spec: object) -> tuple[str, dict[str, object]]:
    """What the backend puts on the websocket for this event."""
    event = Event.from_event_type(spec)[0]  # type: ignore[arg-type]
    return event.name, event.payload


def test_the_session_and_the_running_line_travel_as_values() -> None:
    assert _sent(bridge.open_session("t-123")) == ("_set_value", {"ref": "ref_oj_session", "value": "t-123"})
    assert _sent(bridge.end_session()) == ("_set_value", {"ref": "ref_oj_session", "value": ""})
    assert _sent(live.append("a chunk")) == ("_set_value", {"ref": "ref_oj_live_feed", "value": "a chunk"})
    assert _sent(live.reset()) == ("_set_value", {"ref": "ref_oj_live_feed", "value": None})


def test_the_elements_are_the_custom_elements_the_script_defines() -> None:
    script = SCRIPT.read_text()
    session = str(bridge.session_element())
    feed = str(bridge.live_feed_element())

    assert 'jsx("oj-session"' in session and "ref:ref_oj_session" in session
    assert f'"data-home":"{routes.HOME}"' in session and f'"data-login":"{routes.LOGIN}"' in session
    assert 'jsx("oj-live-feed"' in feed and "ref:ref_oj_live_feed" in feed
    assert "define('oj-session'" in script and "define('oj-live-feed'" in script
    assert "eval(" not in script and "Function(" not in script
    assert "/" + SCRIPT.relative_to(SCRIPT.parents[1]).as_posix() == bridge.SCRIPT_URL


def test_the_ui_sends_no_code_for_the_page_to_eval() -> None:
    # rx.call_script, and rx.call_function from the backend, arrive as strings that Reflex evals:
    # the content security policy has no 'unsafe-eval', so they would fail in the browser.
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(UI.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b(call_script|call_function|run_script)\(", line)
    ]
    assert offenders == []


def test_page_scripts_are_files_named_by_src_never_inline() -> None:
    # The policy hashes only the build's own inline scripts: a script the UI writes inline is refused.
    sources = {path: path.read_text() for path in sorted(UI.rglob("*.py"))}
    inline = [
        f"{path.name}:{number}"
        for path, text in sources.items()
        for number, line in enumerate(text.splitlines(), 1)
        if re.search(r"\brx\.(el\.)?script\((?!src=)", line)
    ]
    urls = {url for text in sources.values() for url in re.findall(r'"(/js/[\w.-]+\.js)"', text)}

    assert inline == []
    assert urls == {
        "/js/bridge.js",
        "/js/chat-list.js",
        "/js/answer-box.js",
        "/js/reveal.js",
        "/js/chat-follow.js",
    }
    assert [url for url in sorted(urls) if not (SCRIPT.parents[1] / url.lstrip("/")).is_file()] == []
