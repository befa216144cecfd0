"""Opening a long chat: server time and bytes of GET /api/chats/{id}, against the issue's targets.

A chat of 5,000 messages (by default) is seeded straight through the chat store, then opened
through the REST API in-process (httpx over ASGI: no network, so the time is the server's). Two
clocks: the client's (from the request sent to the whole response read) and the server's own
(`_Timed`, from the app receiving the request to its last body message), which also counts the
body bytes the app sent; they should agree within a little overhead.
Also printed, for comparison: what reading the chat whole (as an open did before paging)
takes and weighs. Reported, never asserted.

    python -m benchmarks.open_chat [--messages 5000] [--runs 20] [--database sqlite|postgresql] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from onlyjobless.api.app import create_api
from onlyjobless.api.schemas import MessageOut
from onlyjobless.services.hub import build_services
from onlyjobless.settings import Settings
from tests.support import databases
from tests.support.api_client import sign_in
from tests.support.long_chat import seed_messages

TARGET_MS = 100.0
TARGET_BYTES = 200_000
SECRET = "benchmark-secret-0123456789abcdef0123456789abcdef"


class _Timed:
    """The app, with each request timed and its body counted where the server sends it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[float] = []
        self.sizes: list[int] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began, size = time.monotonic_ns(), 0

        async def counted(message: Any) -> None:
            nonlocal size
            if message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if not message.get("more_body", False):
                    self.times.append((time.monotonic_ns() - began) / 1e6)
                    self.sizes.append(size)
            await send(message)

        await self.app(scope, receive, counted)


def percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def measure(folder: Path, messages: int, runs: int, database: str) -> dict[str, Any]:
    if database == "postgresql":
        url = databases.postgres_url()  # a database of this process's own, dropped at the end
        databases.migrated(url)
    else:
        url = databases.sqlite_url(folder)
        databases.migrated(url)
    settings = Settings(
        ONLYJOBLESS_ENV="test", DATA_DIR=folder, DATABASE_URL=url, JWT_SECRET=SECRET, SCHEDULER_ENABLED=False
    )
    services = build_services(settings)
    timed = _Timed(create_api(services))
    transport = httpx.ASGITransport(app=timed)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as api:
        user = await sign_in(api, "reader")
        chat = (await user.start()).json()
        user_id = (await user.get("/api/me")).json()["id"]
        seeded_at = time.perf_counter()
        await seed_messages(services.interviews.store, user_id, chat["id"], messages)
        seeding = time.perf_counter() - seeded_at
        (await user.get(f"/api/chats/{chat['id']}")).raise_for_status()  # warm-up, not counted
        times, sizes = [], []
        timed.times.clear()
        timed.sizes.clear()
        for _ in range(runs):
            began = time.perf_counter()
            response = await user.get(f"/api/chats/{chat['id']}")
            times.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
            sizes.append(len(response.content))
        server_times, server_sizes = list(timed.times), list(timed.sizes)
        began = time.perf_counter()
        whole = await services.interviews.store.list_messages(user_id, chat["id"])
        body = json.dumps([MessageOut.model_validate(m).model_dump(mode="json") for m in whole])
        whole_ms = (time.perf_counter() - began) * 1000
    services.engine.dispose()
    if database == "postgresql":
        databases.drop_postgres()
    return {
        "database": database,
        "messages": messages + 2,
        "seeding_s": round(seeding, 1),
        "runs": runs,
        "open_ms": {"p50": statistics.median(times), "p95": percentile(times, 95)},
        "open_bytes": max(sizes),
        "server_ms": {"p50": statistics.median(server_times), "p95": percentile(server_times, 95)},
        "server_bytes": max(server_sizes),
        "whole_chat": {"ms": whole_ms, "bytes": len(body.encode())},
        "targets": {"ms": TARGET_MS, "bytes": TARGET_BYTES},
    }


def report(result: dict[str, Any]) -> str:
    opened, whole = result["open_ms"], result["whole_chat"]
    ms_ok = "met" if opened["p95"] <= TARGET_MS else "MISSED"
    bytes_ok = "met" if result["open_bytes"] <= TARGET_BYTES else "MISSED"
    return "\n".join(
        [
            f"Opening a chat of {result['messages']} messages ({result['database']}, {result['runs']} runs;"
            f" seeded in {result['seeding_s']} s)",
            f"  server time  p50 {opened['p50']:7.1f} ms  p95 {opened['p95']:7.1f} ms"
            f"   target ≤ {TARGET_MS:g} ms  {ms_ok}",
            f"  response     {result['open_bytes']:>10,} bytes   target ≤ {TARGET_BYTES:,}  {bytes_ok}",
            f"  second clock, in the server: p50 {result['server_ms']['p50']:.1f} ms"
            f"  p95 {result['server_ms']['p95']:.1f} ms, {result['server_bytes']:,} body bytes sent",
            f"  for comparison, the chat read whole: {whole['ms']:.0f} ms,"
            f" {whole['bytes']:,} bytes of messages",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(Path(folder), args.messages, args.runs, args.database))
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
