"""The server's work between "Get answer" and the LLM request, in-process: what it costs, counted.

What the page's handler does before the LLM is asked (ui/pages/chat/streaming.py: the session
check, then `Interviews.model_answer` and the stream's first step up to the request) runs here
without Reflex or a browser, against the fake Ollama in this process. Reported per generation,
never asserted:

- SQL statements, commits and worker-thread hops (each database call is one): counts, so they
  do not depend on how busy the machine is;
- wall time from the session check to the fake receiving the request, and process CPU time up
  to the first chunk (the fake shares the process, so its own small share is in it too).

Each run uses a new chat (a model answer is stored once per question, then replayed), with
`--history` earlier messages made through the engine.

    python -m benchmarks.generation_path [--runs 40] [--history 0] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from onlyjobless.services.hub import Services, build_services
from onlyjobless.services.interviews import Delta
from onlyjobless.settings import Settings
from tests.support import databases
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

PASSWORD = "correct horse battery"
POSITION = "python developer"
ANSWER = "I would explain the core idea first, then the trade-offs, then an example from production."
WARM_UP = 3
PG_DATABASE = "onlyjobless_bench_generation_path"


def count_calls(services: Services, counts: Counter[str]) -> None:
    """Count SQL statements and commits on the engine, and every hop to a worker thread."""
    event.listen(services.engine, "before_cursor_execute", lambda *_: counts.update(["sql"]))
    event.listen(services.engine, "commit", lambda *_: counts.update(["commits"]))
    to_thread = asyncio.to_thread

    async def counted(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        counts.update(["thread hops"])
        return await to_thread(fn, *args, **kwargs)

    asyncio.to_thread = counted


async def measure(services: Services, fake: FakeOllama, runs: int, history: int) -> dict[str, Any]:
    await services.accounts.register("bench", PASSWORD, "en")
    token = (await services.accounts.login("bench", PASSWORD, "127.0.0.1")).refresh_token
    counts: Counter[str] = Counter()
    count_calls(services, counts)
    walls, cpus, per_run = [], [], Counter[str]()
    for run in range(WARM_UP + runs):
        user_id = (await services.accounts.user_for_session(token)).user.id
        chat_id = (await services.interviews.start(user_id, POSITION, "en")).chat.id
        for _ in range(history // 2):
            await services.interviews.answer(user_id, chat_id, ANSWER)
        fake.script(Reply(text="one two three"))
        before = counts.copy()
        started, cpu = time.time(), time.process_time()
        who = await services.accounts.user_for_session(token)
        events = await services.interviews.model_answer(who.user.id, chat_id)
        first = await anext(events)
        cpu = time.process_time() - cpu
        at_first = counts - before
        assert isinstance(first, Delta), first
        async for _ in events:  # the rest, stored as a real page would have it
            pass
        if run >= WARM_UP:
            walls.append((fake.chat_requests[-1].received_at - started) * 1000)
            cpus.append(cpu * 1000)
            per_run = at_first
    return {"wall_ms": walls, "cpu_ms": cpus, "counts": dict(per_run)}


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="generation-path-"))
    postgres = args.database == "postgresql"
    url = databases.postgres_url(PG_DATABASE) if postgres else databases.sqlite_url(folder)
    databases.migrated(url)
    try:
        with FakeOllama() as fake:
            settings = Settings(
                ONLYJOBLESS_ENV="test",
                DATA_DIR=folder,
                DATABASE_URL=url,
                JWT_SECRET="b" * 48,
                SCHEDULER_ENABLED=False,
                OLLAMA_HOST=fake.url,
                DAILY_INTERVIEW_LIMIT=100_000,
                LLM_DAILY_BUDGET=100_000,
            )
            found = await measure(build_services(settings), fake, args.runs, args.history)
    finally:
        if postgres:
            databases.drop_postgres(PG_DATABASE)
    walls, cpus = found["wall_ms"], found["cpu_ms"]
    counted = ", ".join(f"{name} {number}" for name, number in sorted(found["counts"].items()))
    print(f"{args.database}, {args.history} earlier messages, {args.runs} generations")
    print(f"per generation, session check to the first chunk: {counted}")
    print(
        f"session check to the LLM request: wall p50 {statistics.median(walls):.1f} ms, "
        f"p95 {percentile(walls, 95):.1f} ms; CPU to the first chunk p50 {statistics.median(cpus):.1f} ms, "
        f"p95 {percentile(cpus, 95):.1f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--history", type=int, default=0)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    asyncio.run(main(parser.parse_args()))
