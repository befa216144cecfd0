"""Reflex configuration: one port in production, no telemetry, no badge."""

import logging
import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from onlyjobless.ui.serving import SameOriginBackend

PORT = int(os.environ.get("PORT", "3000"))


class _NodeIsOnlyNpms(logging.Filter):
    """Reflex warns that Node 20 is out of date, but bun builds the frontend here (REFLEX_USE_SYSTEM_BUN):
    Node only runs npm to fetch bun. The same check still picks bun's mode; only the warning goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "of Node.js is out of date" not in record.getMessage()


logging.getLogger("reflex.utils.js_runtimes").addFilter(_NodeIsOnlyNpms())

config = rx.Config(
    app_name="onlyjobless",
    frontend_port=PORT,
    backend_port=PORT,
    api_url=os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{PORT}"),
    deploy_url=os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{PORT}"),
    backend_host=os.environ.get("HOST", "127.0.0.1"),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=[os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{PORT}")],
    disable_plugins=[SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium")),
        SameOriginBackend(),  # the page talks to the server it came from: build once, serve anywhere
    ],
)
