"""Load benchmark: N simulated users over the REST API with SSE, no browser per user.

Each user signs in (setup, not timed), starts an interview, then: streams a hint (the Ollama test
double sends it at --rate tokens/s), answers the question, streams the next question's hint. So
answers arrive while other users' hints stream. Swept over N on one worker (no proxy) and on two
workers behind nginx (Redis state, PostgreSQL for accounts and chats). Per N:

- first token: the hint request sent to its first `delta` event received, p50/p95;
- chunk gap: between consecutive `delta` events of a stream, p95 (the double sends one every 1/rate s);
- answer route: POST /answer round trip, p95;
- errors: HTTP errors, `error` events, cut streams;
- app CPU per stream: the workers' CPU seconds during the round / streams in it.

One worker is pinned (`taskset`) to CPU 0, and this process, the double and nginx to CPU 1. Two
workers get one core each (0 and 1), so the second worker shares its core with the generator: on
this 2-core machine the figure says what two processes do here, not what two machines would.

--login-burst: N streams while --burst-rate logins per second arrive, against the same streams
without logins: what password hashing does to the streams' chunk gap.

    python -m benchmarks.load [--users 1,10,20,30,50,100,200] [--workers 1,2] [--login-burst] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.stream import answer_text, percentile, process_table
from tests.support import databases
from tests.support.api_client import PASSWORD, long_answer
from tests.support.app_process import ROOT, free_port
from tests.support.cluster import Cluster, cluster

POSITION = "python developer"
TARGETS = {"first_p95_ms": 250.0, "gap_p95_ms": 150.0, "answer_p95_ms": 100.0}
TARGET_STREAMS = 100
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


# -- the Ollama double in its own process, pinned with the generator --------------------------


@contextlib.contextmanager
def ollama_double(tokens: int, rate: float, cpus: str) -> Iterator[str]:
    port = free_port()
    command = [
        *("taskset", "-c", cpus),
        *(sys.executable, "-m", "tests.support.fake_ollama", "--port", str(port)),
        *("--tokens-per-second", str(rate), "--text", answer_text(tokens)),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert process.stdout is not None
        process.stdout.readline()  # "listening on ..."
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- one user ----------------------------------------------------------------------------------


@dataclass
class Figures:
    """What the users of one round measured."""

    first_ms: list[float] = field(default_factory=list)
    gaps_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    streams: int = 0


async def sign_up(http: httpx.AsyncClient, gate: asyncio.Semaphore) -> dict[str, str]:
    name = f"load_{uuid.uuid4().hex[:10]}"
    async with gate:
        created = await http.post(
            "/api/auth/register", json={"username": name, "password": PASSWORD, "preferred_language": "en"}
        )
        created.raise_for_status()
        tokens = await http.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


async def stream_hint(http: httpx.AsyncClient, headers: dict[str, str], chat_id: str, out: Figures) -> None:
    started = time.perf_counter()
    last: float | None = None
    ended = False
    out.streams += 1
    try:
        async with http.stream("POST", f"/api/chats/{chat_id}/hint", headers=headers) as response:
            if response.status_code != 200:
                out.errors.append(f"hint HTTP {response.status_code}")
                await response.aread()
                return
            async for line in response.aiter_lines():
                now = time.perf_counter()
                if line == "event: delta":
                    if last is None:
                        out.first_ms.append((now - started) * 1000)
                    else:
                        out.gaps_ms.append((now - last) * 1000)
                    last = now
                elif line == "event: error":
                    out.errors.append("hint error event")
                elif line == "event: done":
                    ended = True
    except httpx.HTTPError as exc:
        out.errors.append(f"hint {type(exc).__name__}")
        return
    if not ended:
        out.errors.append("hint stream ended without done")


async def one_user(http: httpx.AsyncClient, headers: dict[str, str], chat_id: str, out: Figures) -> None:
    await stream_hint(http, headers, chat_id, out)
    started = time.perf_counter()
    try:
        answered = await http.post(
            f"/api/chats/{chat_id}/answer", json={"content": long_answer("python")}, headers=headers
        )
    except httpx.HTTPError as exc:
        out.errors.append(f"answer {type(exc).__name__}")
        return
    out.answer_ms.append((time.perf_counter() - started) * 1000)
    if answered.status_code != 200:
        out.errors.append(f"answer HTTP {answered.status_code}")
        return
    await stream_hint(http, headers, chat_id, out)


async def start_chats(
    http: httpx.AsyncClient, users: Sequence[dict[str, str]], out: Figures
) -> list[str | None]:
    """A new interview for each user (not timed); a failed start is an error, that user sits out."""
    gate = asyncio.Semaphore(16)

    async def start(headers: dict[str, str]) -> str | None:
        async with gate:
            try:
                response = await http.post("/api/chats", json={"position": POSITION}, headers=headers)
            except httpx.HTTPError as exc:
                out.errors.append(f"start {type(exc).__name__}")
                return None
            if response.status_code != 201:
                out.errors.append(f"start HTTP {response.status_code}")
                return None
            return str(response.json()["id"])

    return list(await asyncio.gather(*(start(headers) for headers in users)))


def pairs(users: Sequence[dict[str, str]], chats: Sequence[str | None]) -> list[tuple[dict[str, str], str]]:
    return [(headers, chat) for headers, chat in zip(users, chats, strict=True) if chat is not None]


# -- CPU of the workers ------------------------------------------------------------------------


def app_cpu(running: Cluster) -> float:
    groups = set(running.pgids())
    return sum(cpu for _, group, cpu in process_table().values() if group in groups)


async def settle(
    running: Cluster, idle_share: float = 0.05, window: float = 1.0, limit: float = 180.0
) -> float:
    """Wait until the workers use under `idle_share` of a core over `window` seconds (their start-up
    warm-up in the background is done); the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        before = app_cpu(running)
        await asyncio.sleep(window)
        if (app_cpu(running) - before) / window < idle_share:
            break
    return time.monotonic() - began


# -- rounds ------------------------------------------------------------------------------------


def summary(figures: Figures, users: int, cpu_s: float, wall_s: float) -> dict[str, Any]:
    first_p95 = percentile(figures.first_ms, 95)
    gap_p95 = percentile(figures.gaps_ms, 95)
    answer_p95 = percentile(figures.answer_ms, 95)
    return {
        "users": users,
        "streams": figures.streams,
        "first_ms": {"p50": percentile(figures.first_ms, 50), "p95": first_p95},
        "gap_p95_ms": gap_p95,
        "answer_p95_ms": answer_p95,
        "errors": len(figures.errors),
        "error_kinds": sorted(set(figures.errors)),
        "app_cpu_ms_per_stream": 1000 * cpu_s / max(1, figures.streams),
        "app_cpu_share": cpu_s / wall_s if wall_s else math.nan,
        "streams_ok": not figures.errors
        and first_p95 <= TARGETS["first_p95_ms"]
        and gap_p95 <= TARGETS["gap_p95_ms"],
    }


async def a_round(
    running: Cluster, http: httpx.AsyncClient, users: Sequence[dict[str, str]]
) -> dict[str, Any]:
    figures = Figures()
    chats = await start_chats(http, users, figures)
    cpu_before, wall_before = app_cpu(running), time.monotonic()
    await asyncio.gather(*(one_user(http, h, c, figures) for h, c in pairs(users, chats)))
    cpu, wall = app_cpu(running) - cpu_before, time.monotonic() - wall_before
    return summary(figures, len(users), cpu, wall)


async def login_burst(
    running: Cluster, http: httpx.AsyncClient, users: Sequence[dict[str, str]], rate: float, seconds: float
) -> dict[str, Any]:
    """The streams of `users` while `rate` logins per second arrive (for the streams' duration)."""
    name = f"burst_{uuid.uuid4().hex[:8]}"
    created = await http.post(
        "/api/auth/register", json={"username": name, "password": PASSWORD, "preferred_language": "en"}
    )
    created.raise_for_status()
    timings: list[float] = []

    async def login() -> None:
        started = time.perf_counter()
        try:
            response = await http.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        except httpx.HTTPError:
            return
        if response.status_code == 200:
            timings.append((time.perf_counter() - started) * 1000)

    async def burst() -> None:
        pending = []
        for _ in range(int(rate * seconds)):
            pending.append(asyncio.create_task(login()))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*pending)

    figures = Figures()
    chats = await start_chats(http, users, figures)
    cpu_before, wall_before = app_cpu(running), time.monotonic()
    await asyncio.gather(burst(), *(one_user(http, h, c, figures) for h, c in pairs(users, chats)))
    row = summary(figures, len(users), app_cpu(running) - cpu_before, time.monotonic() - wall_before)
    row["logins"] = len(timings)
    row["login_p95_ms"] = percentile(timings, 95)
    return row


async def drive(running: Cluster, args: argparse.Namespace, workers: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=running.url, timeout=120, limits=limits) as http:
        wanted = max([*args.users, args.burst_streams if args.login_burst else 0])
        log(f"{workers} worker(s): signing up {wanted} users (not timed)")
        gate = asyncio.Semaphore(16)
        users = await asyncio.gather(*(sign_up(http, gate) for _ in range(wanted)))
        # Warm-up: imports, pools, the first bank copy, on every worker (round-robin: two users each);
        # then wait for the workers' start-up model warm-up (guard and role vectors) to finish.
        await a_round(running, http, users[: 2 * workers])
        log(f"  idle after {await settle(running):.0f} s of start-up work")
        rows = []
        for count in args.users:
            row = await a_round(running, http, users[:count])
            log(f"  {workers} worker(s), {count} users: {json.dumps(row)}")
            rows.append(row)
        burst: dict[str, Any] = {}
        if args.login_burst:
            streams = users[: args.burst_streams]
            log(f"  login burst: {args.burst_streams} streams, then again with {args.burst_rate:g} logins/s")
            burst = {"quiet": await a_round(running, http, streams)}
            log(f"  quiet: {json.dumps(burst['quiet'])}")
            burst["burst"] = await login_burst(running, http, streams, args.burst_rate, args.burst_seconds)
            log(f"  burst: {json.dumps(burst['burst'])}")
        return {"workers": workers, "rows": rows, "login_burst": burst}


def run_config(args: argparse.Namespace, workers: int, ollama_url: str, folder: Path) -> dict[str, Any]:
    database = f"onlyjobless_load_{uuid.uuid4().hex[:8]}"
    url = databases.postgres_url(database)
    overrides = {
        "DATABASE_URL": url,
        "OLLAMA_HOST": ollama_url,
        "DAILY_INTERVIEW_LIMIT": "1000000",
        "ACCESS_TOKEN_MINUTES": "120",
        "JWT_SECRET": uuid.uuid4().hex * 2,
    }
    try:
        with cluster(
            folder / f"w{workers}",
            overrides,
            workers=workers,
            proxy=workers > 1,
            worker_cpus=args.app_cpus.split("/"),
            nginx_cpus=args.gen_cpus,
        ) as running:
            log(f"{workers} worker(s) ready at {running.url}")
            return asyncio.run(drive(running, args, workers))
    finally:
        databases.drop_postgres(database)


# -- report ------------------------------------------------------------------------------------


def capacity(rows: Sequence[dict[str, Any]]) -> int:
    """The most users whose streams met both stream targets without errors (0: none did)."""
    return max((row["users"] for row in rows if row["streams_ok"]), default=0)


def row_line(workers: int, row: dict[str, Any]) -> str:
    first = row["first_ms"]
    return (
        f"{workers:>7} {row['users']:>5} {row['streams']:>7} {first['p50']:>9.0f} {first['p95']:>7.0f} "
        f"{row['gap_p95_ms']:>7.0f} {row['answer_p95_ms']:>10.0f} {row['errors']:>6} "
        f"{row['app_cpu_ms_per_stream']:>13.0f} {row['app_cpu_share']:>9.2f}  "
        f"{'yes' if row['streams_ok'] else 'no'}"
    )


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Hints of {report['tokens']} tokens at {report['rate']:g} tokens/s; app on CPUs "
        f"{report['app_cpus']}, generator/double/nginx on {report['gen_cpus']}; "
        f"load average before: {report['load_before']}",
        f"Targets: {TARGET_STREAMS} streams first-token p95 ≤ {TARGETS['first_p95_ms']:g} ms and "
        f"chunk-gap p95 ≤ {TARGETS['gap_p95_ms']:g} ms; answer p95 ≤ {TARGETS['answer_p95_ms']:g} ms "
        "at 200 users; two workers ≥ 1.6× one worker's capacity",
        "",
        f"{'workers':>7} {'users':>5} {'streams':>7} {'first p50':>9} {'p95':>7} {'gap p95':>7} "
        f"{'answer p95':>10} {'errors':>6} {'CPU ms/stream':>13} {'CPU share':>9}  streams on target",
    ]
    lines.extend(row_line(config["workers"], row) for config in report["configs"] for row in config["rows"])
    caps = {config["workers"]: capacity(config["rows"]) for config in report["configs"]}
    lines += [
        "",
        "Capacity (most users with both stream targets met): "
        + ", ".join(f"{workers} worker(s) {cap}" for workers, cap in caps.items()),
    ]
    if caps.get(1) and caps.get(2):
        lines.append(f"Two workers / one: {caps[2] / caps[1]:.2f}× (target ≥ 1.6×)")
    for config in report["configs"]:
        burst = config["login_burst"]
        if burst:
            quiet, busy = burst["quiet"], burst["burst"]
            lines.append(
                f"Login burst, {config['workers']} worker(s), {quiet['users']} users: chunk gap p95 "
                f"{quiet['gap_p95_ms']:.0f} ms quiet, {busy['gap_p95_ms']:.0f} ms with {busy['logins']} "
                f"logins (login p95 {busy['login_p95_ms']:.0f} ms); first token p95 "
                f"{quiet['first_ms']['p95']:.0f} → {busy['first_ms']['p95']:.0f} ms"
            )
    lines.append(f"Took {report['runtime_seconds']:.0f} s.")
    return "\n".join(lines)


def int_list(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int_list, default=[1, 10, 20, 30, 50, 100, 200])
    parser.add_argument("--workers", type=int_list, default=[1, 2])
    parser.add_argument("--tokens", type=int, default=100, help="tokens per hint")
    parser.add_argument("--rate", type=float, default=50.0, help="tokens per second from the double")
    parser.add_argument(
        "--app-cpus", default="0/1", help="taskset list of each worker, '/' between workers (cycled)"
    )
    parser.add_argument("--gen-cpus", default="1", help="taskset list for this process, the double, nginx")
    parser.add_argument("--login-burst", action="store_true")
    parser.add_argument("--burst-streams", type=int, default=50)
    parser.add_argument("--burst-rate", type=float, default=20.0)
    parser.add_argument("--burst-seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print; exit 0 whatever the figures (130 when interrupted, after cleaning up)."""
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):  # both clean up like Ctrl-C, even if inherited ignored
        signal.signal(signum, signal.default_int_handler)
    try:
        return run(args)
    except KeyboardInterrupt:
        log("interrupted: the workers, nginx and the double are stopped")
        return 130


def run(args: argparse.Namespace) -> int:
    os.sched_setaffinity(0, {int(cpu) for cpu in args.gen_cpus.split(",")})
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = time.monotonic()
    configs = []
    with (
        tempfile.TemporaryDirectory(prefix="oj-load-") as folder,
        ollama_double(args.tokens, args.rate, args.gen_cpus) as ollama_url,
    ):
        configs.extend(run_config(args, workers, ollama_url, Path(folder)) for workers in args.workers)
    report = {
        "tokens": args.tokens,
        "rate": args.rate,
        "app_cpus": args.app_cpus,
        "gen_cpus": args.gen_cpus,
        "load_before": load_before,
        "configs": configs,
        "runtime_seconds": time.monotonic() - started,
    }
    print(json.dumps(report, indent=2, default=str) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
