"""Driving the REST API as a signed-in user: requests with a Bearer token, SSE routes parsed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery"


@dataclass
class Client:
    """An API client signed in as one user."""

    api: httpx.AsyncClient
    headers: dict[str, str]

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.get(path, headers=self.headers, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.post(path, headers=self.headers, **kwargs)

    async def delete(self, path: str) -> httpx.Response:
        return await self.api.delete(path, headers=self.headers)

    async def start(self, position: str = "python разработчик") -> httpx.Response:
        return await self.post("/api/chats", json={"position": position})

    async def events(self, path: str) -> tuple[int, list[tuple[str, dict[str, Any]]]]:
        """POST to an SSE route and parse every event."""
        async with self.api.stream("POST", path, headers=self.headers) as response:
            if response.status_code != 200:
                await response.aread()
                return response.status_code, [("http", response.json())]
            assert response.headers["content-type"].startswith("text/event-stream")
            parsed: list[tuple[str, dict[str, Any]]] = []
            name = ""
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    parsed.append((name, json.loads(line.removeprefix("data: "))))
            return 200, parsed


async def sign_in(api: httpx.AsyncClient, name: str, language: str = "en") -> Client:
    created = await api.post(
        "/api/auth/register", json={"username": name, "password": PASSWORD, "preferred_language": language}
    )
    assert created.status_code == 201, created.text
    tokens = (await api.post("/api/auth/login", json={"username": name, "password": PASSWORD})).json()
    return Client(api, {"Authorization": f"Bearer {tokens['access_token']}"})


def long_answer(topic: str) -> str:
    """An answer long enough to be allowed any score."""
    return (
        f"About {topic}: I would explain the core idea first, then the trade-offs, "
        "then a concrete example from a production system I worked on, including what went wrong, "
        "how we measured it, and what we changed afterwards to make it reliable and fast."
    )
