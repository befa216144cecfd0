"""The OpenAPI document says what the code does: the refusals of each route with their body,
the rules the services enforce; and a wrong method under /api is a JSON 405, even with the UI's
pages mounted behind the API as Reflex mounts them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from onlyjobless.api.app import create_api
from onlyjobless.services import passwords
from onlyjobless.settings import MAX_ANSWER_LENGTH

ERROR_REF = "#/components/schemas/ErrorOut"


async def _pages(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands in for the UI that Reflex mounts at "/": HTML for everything."""
    await HTMLResponse("<html>page not found</html>", status_code=404)(scope, receive, send)


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    app = create_api()
    app.mount("/", _pages)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def document(api: httpx.AsyncClient) -> dict[str, Any]:
    answer = await api.get("/openapi.json")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in document["paths"].items() for method, op in item.items()]


def test_every_refusal_is_documented_with_the_error_body(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 19
    for path, method, operation in operations:
        responses = operation["responses"]
        refusals = [status for status in responses if status.startswith(("4", "5"))]
        takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
        if takes_input:
            assert "422" in refusals, (method, path)
        if operation.get("requestBody"):
            assert "400" in refusals, (method, path)  # a body that is not JSON
        for status in refusals:
            if path == "/api/health":
                continue  # its 503 is the health report itself
            content = responses[status]["content"]
            assert list(content) == ["application/json"], (method, path, status)
            assert content["application/json"]["schema"] == {"$ref": ERROR_REF}, (method, path, status)
        if path.startswith(("/api/me", "/api/chats", "/api/quota")):
            assert {"401", "503"} <= set(refusals), (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_routes_that_can_conflict_or_throttle_say_so(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "409" in paths["/api/auth/register"]["post"]["responses"]
    assert "409" in paths["/api/me"]["patch"]["responses"]
    assert "429" in paths["/api/auth/login"]["post"]["responses"]
    assert "429" in paths["/api/chats"]["post"]["responses"]
    assert "429" in paths["/api/chats/{chat_id}/retry"]["post"]["responses"]
    assert "404" in paths["/api/chats/{chat_id}/hint"]["post"]["responses"]
    assert "text/event-stream" in paths["/api/chats/{chat_id}/hint"]["post"]["responses"]["200"]["content"]
    health = paths["/api/health"]["get"]["responses"]["503"]["content"]["application/json"]["schema"]
    assert health == {"$ref": "#/components/schemas/HealthOut"}


def test_the_schemas_state_the_rules_the_services_enforce(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    username = schemas["RegisterIn"]["properties"]["username"]
    assert username["pattern"] == r"^[\w.\-]{3,32}$"
    assert (username["minLength"], username["maxLength"]) == (3, 32)
    password = schemas["RegisterIn"]["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (passwords.MIN_LENGTH, passwords.MAX_LENGTH)
    new_password = schemas["PasswordIn"]["properties"]["new_password"]
    assert new_password["maxLength"] == passwords.MAX_LENGTH
    assert schemas["AnswerIn"]["properties"]["content"]["maxLength"] == MAX_ANSWER_LENGTH
    listing = document["paths"]["/api/chats"]["get"]["parameters"]
    cursor = next(p for p in listing if p["name"] == "cursor")["schema"]  # applies to strings only
    assert cursor["pattern"] == "^[A-Za-z0-9_\\-]+={0,2}$" and cursor["maxLength"] == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/auth/login", "POST"),
        ("OPTIONS", "/api/auth/register", "POST"),
        ("PUT", "/api/me", "DELETE, GET, PATCH"),
        ("GET", "/api/chats/0123/hint", "POST"),
        ("OPTIONS", "/api/chats", "DELETE, GET, POST"),
    ],
)
async def test_a_wrong_method_is_a_json_405(
    api: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    answer = await api.request(method, path, headers={"Accept-Language": "ru"})
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    assert answer.json()["error"] == {
        "code": "method_not_allowed",
        "message": f"Этот адрес не принимает запросы {method}.",
    }


async def test_unknown_api_paths_are_json_404_and_pages_stay_pages(api: httpx.AsyncClient) -> None:
    unknown = await api.get("/api/no/such/thing")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    page = await api.get("/interview/new")
    assert page.status_code == 404 and page.text == "<html>page not found</html>"
