"""Build the frontend once, serve it anywhere: the page finds its server at its own origin.

Reflex bakes `api_url` into the production bundle, so a bundle built for one address cannot be
served from another. Here the frontend and the backend always share one port, so the
`SameOriginBackend` plugin makes the page address the backend at the origin it was loaded from
(`ws:`/`wss:` for the event socket), whatever address it was built with. With that, an image can
build the frontend once and `serve_prebuilt` serves that build without rebuilding it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from reflex.plugins import Plugin

STATE_JS = "utils/state.js"
_ANCHOR = "  const endpoint = new URL(url_str);\n"
_MARKER = "onlyjobless: same origin"
_SAME_ORIGIN = f"""{_ANCHOR}  // {_MARKER}: the page and the backend share one port.
  if (typeof window !== "undefined") {{
    const secure = window.location.protocol === "https:";
    if (endpoint.protocol === "ws:" || endpoint.protocol === "wss:") {{
      endpoint.protocol = secure ? "wss:" : "ws:";
    }} else {{
      endpoint.protocol = window.location.protocol;
    }}
    endpoint.host = window.location.host;
    return endpoint;
  }}
"""


def use_page_origin(state_js: str) -> str:
    """Make `getBackendURL` in Reflex's state.js return the page's own origin (idempotent)."""
    if _MARKER in state_js:
        return state_js
    if state_js.count(_ANCHOR) != 1:
        raise RuntimeError(f"cannot patch {STATE_JS}: Reflex's getBackendURL changed; review serving.py")
    return state_js.replace(_ANCHOR, _SAME_ORIGIN)


class SameOriginBackend(Plugin):
    """Reflex plugin: patches the compiled state.js so the page talks to the server that served it."""

    def pre_compile(self, **context):
        context["add_modify_task"](STATE_JS, use_page_origin)


def prebuilt_frontend(root: Path) -> Path:
    """The production build `reflex export --frontend-only` left in `.web`, or an error naming it."""
    from reflex.utils import prerequisites
    from reflex_base import constants

    static_dir = root / prerequisites.get_web_dir() / constants.Dirs.STATIC
    if not (static_dir / "index.html").is_file():
        raise SystemExit(f"no prebuilt frontend in {static_dir}: run `reflex export --frontend-only` first")
    return static_dir


def serve_prebuilt() -> None:  # pragma: no cover - runs in the image (tests/container)
    """Serve the prebuilt frontend with the backend on rxconfig's one port, as `reflex run --env prod`
    does, minus the compile and the frontend build it repeats on every start."""
    from reflex.istate.manager import reset_disk_state_manager
    from reflex.utils import exec as reflex_exec
    from reflex_base import constants
    from reflex_base.config import get_config
    from reflex_base.environment import environment

    prebuilt_frontend(Path.cwd())
    config = get_config()
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_COMPILE_CONTEXT.set(constants.CompileContext.RUN)
    environment.REFLEX_SKIP_COMPILE.set(True)
    with contextlib.suppress(FileNotFoundError):  # workers sharing a folder clear it at once
        reset_disk_state_manager()
    reflex_exec.run_backend_prod(
        config.backend_host,
        config.backend_port or constants.DefaultPorts.BACKEND_PORT,
        constants.LogLevel.WARNING,
        mount_frontend_compiled_app=True,
    )


if __name__ == "__main__":  # pragma: no cover - `python -m onlyjobless serve --prebuilt` execs this
    serve_prebuilt()
