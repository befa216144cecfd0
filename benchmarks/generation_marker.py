"""What the cut-stream placeholder costs a hint or model answer: one message added when the stream
takes its lease and removed when it ends (services/interviews/cuts.py), on each chat store.

Times the pair (add + delete) per generation, in wall time and in this process's CPU time (robust
to a busy machine), and the lease check a view makes for a placeholder it finds. Reported, never
asserted.

    python -m benchmarks.generation_marker [--runs 200] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from onlyjobless.domain.chats import MessageKind, MessageRole, NewMessage
from onlyjobless.services.hub import Services, build_services
from onlyjobless.settings import Settings
from tests.support import databases
from tests.support.mongo_server import MongoServer


def _settings(folder: Path, database_url: str, mongo: str | None) -> Settings:
    extra: dict[str, Any] = {"MONGODB_URL": SecretStr(mongo), "MONGODB_DB": "marker"} if mongo else {}
    return Settings(
        ONLYJOBLESS_ENV="test",
        DATA_DIR=folder,
        DATABASE_URL=database_url,
        JWT_SECRET="b" * 64,
        SCHEDULER_ENABLED=False,
        OLLAMA_HOST="http://127.0.0.1:9",
        **extra,
    )


async def _timed(runs: int, step: Callable[[], Awaitable[None]]) -> dict[str, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        await step()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    walls.sort()
    return {
        "wall_p50_ms": statistics.median(walls),
        "wall_p95_ms": walls[int(0.95 * (len(walls) - 1))],
        "cpu_mean_ms": statistics.fmean(cpus),
    }


async def _measure(services: Services, runs: int) -> dict[str, dict[str, float]]:
    user = await services.accounts.register(f"bench_{uuid.uuid4().hex[:8]}", "correct horse battery", "en")
    view = await services.interviews.start(user.id, "devops", "en")
    store, chat = services.interviews.store, view.chat
    placeholder = NewMessage(
        role=MessageRole.INTERVIEWER, kind=MessageKind.HINT, content="", complete=False, meta={"writing": "x"}
    )

    async def pair() -> None:
        added = await store.add_message(chat.user_id, chat.id, placeholder)
        await store.delete_message(chat.user_id, chat.id, added.id)

    async def check() -> None:
        await services.interviews.leases.alive(user.id, "x")

    await _timed(20, pair)  # warm-up
    return {"add + delete": await _timed(runs, pair), "lease check (view)": await _timed(runs, check)}


def _url(url: str) -> str:
    """The database at `url`, migrated; its URL as the settings take it."""
    return databases.migrated(url).url.render_as_string(hide_password=False)


async def _run(runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = _url(databases.sqlite_url(Path(folder)))
        name = f"onlyjobless_marker_{uuid.uuid4().hex[:8]}"
        postgres = _url(databases.postgres_url(name))
        try:
            with MongoServer() as mongo:
                for label, url, chats in (
                    ("SQLite", sqlite, None),
                    ("PostgreSQL", postgres, None),
                    ("PostgreSQL + Mongo wire server", postgres, mongo.url),
                ):
                    results[label] = await _measure(build_services(_settings(Path(folder), url, chats)), runs)
        finally:
            databases.drop_postgres(name)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = asyncio.run(_run(args.runs))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for backend, figures in results.items():
        for what, values in figures.items():
            line = ", ".join(f"{key} {value:.2f}" for key, value in values.items())
            print(f"{backend:32} {what:20} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
