"""The API's interactive docs: Swagger UI served by the app itself, with no CDN and no inline script.

Swagger UI's files come from the PyPI package `fastapi-standalone-docs` (MIT; it ships
swagger-ui-dist with its Apache-2.0 licence); only its static folder is used. The page starts
Swagger UI from a small script file of ours, so the content security policy holds here too.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

SWAGGER_DIR = Path(str(files("fastapi_standalone_docs") / "static" / "swagger"))
ASSETS = {
    "swagger-ui.css": SWAGGER_DIR / "swagger-ui.css",
    "swagger-ui-bundle.js": SWAGGER_DIR / "swagger-ui-bundle.js",
    "swagger-ui-LICENSE.txt": SWAGGER_DIR / "LICENSE",
    "start.js": Path(__file__).parent / "static" / "docs-start.js",
}
ASSET_CACHE = "public, max-age=3600"


def docs_page(title: str, root: str, openapi_url: str) -> str:
    """The HTML of the docs page; `root` is where the app is mounted ("" at the top)."""
    assets = f"{root}/docs/assets"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="{root}/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(root + openapi_url)}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/start.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve the docs page at /docs and its assets under /docs/assets/ (the app's own docs_url is off)."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def _docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return HTMLResponse(docs_page(f"{app.title} – docs", root, openapi_url))

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def _asset(name: str) -> Response:
        path = ASSETS.get(name)
        if path is None:
            raise HTTPException(status_code=404)
        media_type = "text/plain" if path.suffix not in (".css", ".js") else None
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": ASSET_CACHE})
