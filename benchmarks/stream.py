"""Streaming benchmark: how late the first token reaches the page, and what an answer costs on the wire.

A fake Ollama streams a fixed answer at a fixed rate; the production app (`reflex run --env prod`)
serves real Chromium. Reported next to their targets, never asserted:

- first token in the page: the first LLM text in the running line (#oj-live, the live text, not
  the box's label) against the moment the double wrote that token, both on this machine's clock
  (the page's performance.timeOrigin + now, and the double's time.time());
- click to request: the click on "Get answer" to the double receiving the chat request;
- TTFT overhead: click to the first LLM text in the page (timed inside the page), minus the
  fake's own time to first token measured directly;
- websocket bytes the page receives per answer, divided by the answer's UTF-8 size.

The browsers share the machine with the app, so CPU per answer is reported for both: at 20
streams on 2 cores, Chromium's rendering can dominate what the page sees.

    python -m benchmarks.stream [--runs 20] [--concurrency 1,20] [--tokens 500] [--rate 100]
                                [--history 0,20] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import ollama
from playwright.async_api import Browser, Page, WebSocket, async_playwright, expect

from tests.support.app_process import RunningApp
from tests.support.app_process import production_app as shared_production_app
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply

MODEL = "mistral"  # the app's default OLLAMA_MODEL; the fake knows it
PASSWORD = "correct horse battery"
POSITION = "python developer"
CHAT_URL = re.compile(r"/chat/([0-9a-f]+)/?$")
MAX_HISTORY = 22  # a 12-question interview stays open for 11 answers (22 messages)
OVERHEAD_TARGET_MS = {1: 60.0, 20: 150.0}
BYTES_RATIO_TARGET = 2.5  # issue 12 §3 (it was 3 in the first streaming issue)
FRAME_GRACE_SECONDS = 0.3
STARTUP_SECONDS = 600
UI_TIMEOUT_MS = 60_000
HISTORY_ANSWER = (
    "I would explain the core idea first, then the trade-offs, then a concrete example from a "
    "production system I worked on, including what went wrong and how we measured it."
)
ANSWER_PROSE = (
    "A generator in Python is a function that yields values one at a time, so the caller can "
    "iterate over a long sequence without holding all of it in memory. Each call to next resumes "
    "the function where it stopped, with its local variables intact. This makes generators a good "
    "fit for reading large files line by line, for paging through an API, and for building "
    "pipelines where every stage transforms the items it receives and passes them on."
)

# Installed before each click: records, with the page's own clock, the click, the first
# streamed text and the finished message, so no polling from Python skews the figures.
ARM_SCRIPT = """
() => {
  const mark = {click: null, first: null, done: null};
  window.__bench = mark;
  document.addEventListener('click', (event) => {
    if (mark.click === null && event.target.closest('[data-testid=get-answer]')) {
      mark.click = performance.now();
    }
  }, {capture: true});
  const observer = new MutationObserver(() => {
    if (mark.click === null) { return; }
    const live = document.getElementById('oj-live');  // the LLM's text only, not the label
    if (mark.first === null && live && live.textContent.trim() !== '') {
      mark.first = performance.now();
    }
    if (document.querySelector('[data-testid=message-model_answer]')) {
      mark.done = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""
DONE_SCRIPT = "() => window.__bench && window.__bench.done !== null"
STARTED = time.monotonic()


def log(message: str) -> None:
    """Progress goes to stderr, stamped, so stdout stays the table (or the JSON)."""
    print(f"[{time.monotonic() - STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


# -- the answer and the fake ------------------------------------------------------------------


def answer_text(tokens: int) -> str:
    """Realistic prose of exactly `tokens` word tokens (the fake sends one per chunk)."""
    vocabulary = ANSWER_PROSE.split(" ")
    words = [vocabulary[i % len(vocabulary)] for i in range(tokens)]
    paragraphs = [" ".join(words[i : i + 60]) for i in range(0, tokens, 60)]
    return "\n\n".join(paragraphs)


async def direct_ttft(url: str, runs: int) -> list[float]:
    """The fake's own time to first content chunk (ms), so the app's overhead can be isolated."""
    client = ollama.AsyncClient(host=url)
    samples: list[float] = []
    for run in range(runs + 1):  # the first run warms up imports and the client: not counted
        started = time.perf_counter()
        stream = await client.chat(
            model=MODEL, messages=[{"role": "user", "content": "What is a generator?"}], stream=True
        )
        try:
            async for part in stream:
                if part.message.content:
                    break
        finally:
            await stream.aclose()  # type: ignore[attr-defined]  # an async generator, typed as an iterator
        if run:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


# -- the production app -------------------------------------------------------------------------


def production_app(ollama_url: str, workdir: Path) -> contextlib.AbstractContextManager[RunningApp]:
    """The production app against the fake, with no daily limit and long-lived tokens in the way."""
    overrides = {
        "OLLAMA_HOST": ollama_url,
        "OLLAMA_MODEL": MODEL,
        "DAILY_INTERVIEW_LIMIT": "100000",
        "LLM_DAILY_BUDGET": "100000",
        "REGISTRATIONS_PER_ADDRESS": "100000",
        "ACCESS_TOKEN_MINUTES": "120",
    }
    return shared_production_app(workdir / "data", overrides, startup_seconds=STARTUP_SECONDS)


# -- CPU accounting: the browsers run on the same cores as the app ----------------------------


def process_table() -> dict[int, tuple[int, int, float]]:
    """pid -> (parent pid, process group, CPU seconds so far), from /proc; empty without it."""
    ticks = os.sysconf("SC_CLK_TCK")
    table: dict[int, tuple[int, int, float]] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        table[int(entry.name)] = (int(fields[1]), int(fields[2]), (int(fields[11]) + int(fields[12])) / ticks)
    return table


def cpu_seconds(app_pgid: int) -> tuple[float, float]:
    """CPU seconds used so far by the app's process group, and by our other descendants (browser)."""
    table = process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    ours: set[int] = set()
    queue = [os.getpid()]
    while queue:
        for child in children.get(queue.pop(), []):
            ours.add(child)
            queue.append(child)
    app = sum(cpu for _, group, cpu in table.values() if group == app_pgid)
    browser = sum(table[pid][2] for pid in ours if table[pid][1] != app_pgid)
    return app, browser


# -- simulated users ----------------------------------------------------------------------------


@dataclass
class FrameCounter:
    """Counts bytes of websocket frames the page receives while switched on."""

    counting: bool = False
    received: int = 0

    def attach(self, ws: WebSocket) -> None:
        """Follow every socket the page opens (a reload opens a new one)."""
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        """Text frames count as their UTF-8 size, which is what travels."""
        if self.counting:
            self.received += len(payload.encode() if isinstance(payload, str) else payload)

    def start(self) -> None:
        """From zero, right before the click."""
        self.counting, self.received = True, 0

    def stop(self) -> int:
        """Bytes since start(); later frames belong to no answer."""
        self.counting = False
        return self.received


@dataclass
class User:
    """One browser context with a registered account, its API token and its first chat."""

    page: Page
    frames: FrameCounter
    token: str
    chats: list[str] = field(default_factory=list)


async def register_in_ui(page: Page, username: str) -> None:
    """Sign up through the real form, so the page holds a real session cookie."""
    await page.goto("/register")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_test_id("submit").click()
    await expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)


async def start_in_ui(page: Page) -> str:
    """Start an interview from the home page (where sign-up lands); returns the chat id from the URL."""
    if urlsplit(page.url).path != "/":
        await page.goto("/")
    await page.get_by_test_id("position").fill(POSITION)
    await page.get_by_test_id("start").click()
    await page.wait_for_url(CHAT_URL)
    await expect(page.get_by_test_id("current-question")).to_be_visible()
    match = CHAT_URL.search(page.url)
    assert match is not None
    return match.group(1)


async def api_login(http: httpx.AsyncClient, username: str) -> str:
    """A Bearer token for the REST API, the fast way to build history."""
    response = await http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


async def new_user(browser: Browser, url: str, http: httpx.AsyncClient, gate: asyncio.Semaphore) -> User:
    """Register and start an interview in a fresh context (a few at a time: 2 cores)."""
    async with gate:
        context = await browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(UI_TIMEOUT_MS)
        page = await context.new_page()
        frames = FrameCounter()
        page.on("websocket", frames.attach)
        username = f"bench_{uuid.uuid4().hex[:8]}"
        await register_in_ui(page, username)
        first_chat = await start_in_ui(page)
        return User(page=page, frames=frames, token=await api_login(http, username), chats=[first_chat])


# -- one sample ---------------------------------------------------------------------------------


@dataclass
class Sample:
    """One answer as the page saw it."""

    click_epoch_ms: float
    ttft_ms: float | None  # None: the answer arrived without a running line (an error or offline)
    done_ms: float
    ws_bytes: int
    llm_request_ms: float | None = None  # click to the fake receiving the chat request
    first_epoch_ms: float | None = None  # the first LLM text in the page, epoch ms
    double_to_page_ms: float | None = None  # the double writing the first token to the page showing it


async def prepare_chat(user: User, http: httpx.AsyncClient, history: int) -> None:
    """Open an unanswered question with `history` earlier messages, the running line idle."""
    headers = {"Authorization": f"Bearer {user.token}"}
    if user.chats:
        chat_id = user.chats.pop()
    else:
        response = await http.post("/api/chats", json={"position": POSITION}, headers=headers)
        response.raise_for_status()
        chat_id = str(response.json()["id"])
    for _ in range(history // 2):  # each answer adds itself and the next question
        response = await http.post(
            f"/api/chats/{chat_id}/answer", json={"content": HISTORY_ANSWER}, headers=headers
        )
        response.raise_for_status()
    page = user.page
    await page.goto(f"/chat/{chat_id}")
    await expect(page.get_by_test_id("current-question")).to_be_visible()
    await expect(page.get_by_test_id("streaming")).to_have_count(0)
    await expect(page.get_by_test_id("get-answer")).to_be_enabled()


async def arm(user: User) -> None:
    """Install the in-page timer and start counting frames, just before the click."""
    await user.page.evaluate(ARM_SCRIPT)
    user.frames.start()


async def collect(user: User, timeout_ms: float) -> Sample:
    """Wait for the finished message, then read the page's marks and the frame bytes."""
    await user.page.wait_for_function(DONE_SCRIPT, timeout=timeout_ms)
    await asyncio.sleep(FRAME_GRACE_SECONDS)  # frame events may trail the DOM a little
    marks: dict[str, float | None] = await user.page.evaluate(
        "() => ({...window.__bench, origin: performance.timeOrigin})"
    )
    click, first, done, origin = marks["click"], marks["first"], marks["done"], marks["origin"]
    assert click is not None, "the click was not seen"
    assert done is not None, "the finished message was not seen"
    assert origin is not None
    return Sample(
        click_epoch_ms=origin + click,
        ttft_ms=None if first is None else first - click,
        done_ms=done - click,
        ws_bytes=user.frames.stop(),
        first_epoch_ms=None if first is None else origin + first,
    )


def pair_llm_requests(batch: Sequence[Sample], arrivals: Sequence[float], firsts: Sequence[float]) -> None:
    """Pair clicks with the fake's request arrivals, and first texts in the page with the fake's
    first-token writes, each in time order (exact at 1 stream, an estimate beyond)."""
    ordered = sorted(batch, key=lambda sample: sample.click_epoch_ms)
    for sample, arrival in zip(ordered, sorted(arrivals), strict=False):
        sample.llm_request_ms = arrival * 1000 - sample.click_epoch_ms
    shown = sorted((s for s in batch if s.first_epoch_ms is not None), key=lambda s: s.first_epoch_ms or 0)
    for sample, written in zip(shown, sorted(firsts), strict=False):
        assert sample.first_epoch_ms is not None
        sample.double_to_page_ms = sample.first_epoch_ms - written * 1000


async def measure_cell(
    users: Sequence[User],
    fake: FakeOllama,
    http: httpx.AsyncClient,
    history: int,
    rounds: int,
    timeout_ms: float,
) -> list[Sample]:
    """Rounds in which every user clicks "Get answer" at the same moment."""
    samples: list[Sample] = []
    for number in range(1, rounds + 1):
        await asyncio.gather(*(prepare_chat(user, http, history) for user in users))
        armed_at = time.time()
        await asyncio.gather(*(arm(user) for user in users))
        await asyncio.gather(*(user.page.get_by_test_id("get-answer").click() for user in users))
        batch = await asyncio.gather(*(collect(user, timeout_ms) for user in users))
        pair_llm_requests(
            batch,
            [r.received_at for r in fake.chat_requests if r.received_at >= armed_at],
            [t for t in fake.first_pieces if t >= armed_at],
        )
        samples.extend(batch)
        firsts = [f"{s.ttft_ms:.0f}" if s.ttft_ms is not None else "-" for s in batch[:5]]
        log(f"  streams {len(users)}, history {history}: round {number}/{rounds}, TTFT ms {firsts}")
    return samples


@dataclass
class Cell:
    """All samples at one concurrency and history length."""

    concurrency: int
    history: int
    samples: list[Sample]
    app_cpu_s: float  # CPU the app's processes used during the cell (includes preparing chats)
    browser_cpu_s: float  # CPU Chromium and the Playwright driver used: they share the machine


def answer_timeout_ms(args: argparse.Namespace) -> float:
    """How long one answer may take: its streaming time plus a generous margin for a busy machine."""
    return (args.tokens / args.rate) * 1000 + UI_TIMEOUT_MS


async def run_cell(
    app: RunningApp,
    users: Sequence[User],
    fake: FakeOllama,
    http: httpx.AsyncClient,
    history: int,
    args: argparse.Namespace,
) -> Cell:
    """Enough rounds for --runs samples at this concurrency, with the CPU each side used."""
    rounds = math.ceil(args.runs / len(users))
    app_before, browser_before = cpu_seconds(app.pgid)
    samples = await measure_cell(users, fake, http, history, rounds, answer_timeout_ms(args))
    app_after, browser_after = cpu_seconds(app.pgid)
    return Cell(len(users), history, samples, app_after - app_before, browser_after - browser_before)


async def browser_cells(app: RunningApp, fake: FakeOllama, args: argparse.Namespace) -> list[Cell]:
    """Drive Chromium through every concurrency × history combination."""
    expect.set_options(timeout=UI_TIMEOUT_MS)
    async with (
        httpx.AsyncClient(base_url=app.url, timeout=60) as http,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            log(f"registering {max(args.concurrency)} users in the UI")
            gate = asyncio.Semaphore(4)
            users = await asyncio.gather(
                *(new_user(browser, app.url, http, gate) for _ in range(max(args.concurrency)))
            )
            log("one warm-up answer, not counted (first-call imports, connection pools)")
            await measure_cell(users[:1], fake, http, 0, 1, answer_timeout_ms(args))
            return [
                await run_cell(app, users[:concurrency], fake, http, history, args)
                for concurrency in args.concurrency
                for history in args.history
            ]
        finally:
            await browser.close()


# -- figures ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linearly interpolated percentile (numpy's default), NaN when there is nothing."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def verdict(value: float, target: float | None) -> str:
    """'ok' or 'MISSED' against an upper bound; '' when there is no target."""
    if target is None:
        return ""
    return "ok" if value <= target else "MISSED"


def summarise(cell: Cell, fake_p50: float, answer_bytes: int) -> dict[str, Any]:
    """The reported figures of one cell."""
    ttft = [s.ttft_ms for s in cell.samples if s.ttft_ms is not None]
    overhead = [t - fake_p50 for t in ttft]
    ratios = [s.ws_bytes / answer_bytes for s in cell.samples]
    before_llm = [s.llm_request_ms for s in cell.samples if s.llm_request_ms is not None]
    to_page = [s.double_to_page_ms for s in cell.samples if s.double_to_page_ms is not None]
    target = OVERHEAD_TARGET_MS.get(cell.concurrency)
    overhead_p95, ratio_p50 = percentile(overhead, 95), percentile(ratios, 50)
    return {
        "concurrency": cell.concurrency,
        "history": cell.history,
        "samples": len(cell.samples),
        "without_running_line": len(cell.samples) - len(ttft),
        "app_ttft_ms": {"p50": percentile(ttft, 50), "p95": percentile(ttft, 95)},
        "overhead_ms": {"p50": percentile(overhead, 50), "p95": overhead_p95},
        "click_to_llm_request_ms": {"p50": percentile(before_llm, 50), "p95": percentile(before_llm, 95)},
        "double_to_page_ms": {"p50": percentile(to_page, 50), "p95": percentile(to_page, 95)},
        "overhead_p95_target_ms": target,
        "overhead_verdict": verdict(overhead_p95, target),
        "answer_seconds_p50": percentile([s.done_ms for s in cell.samples], 50) / 1000,
        "cpu_ms_per_answer": {
            "app": 1000 * cell.app_cpu_s / len(cell.samples),
            "browser": 1000 * cell.browser_cpu_s / len(cell.samples),
        },
        "ws_bytes_p50": percentile([s.ws_bytes for s in cell.samples], 50),
        "bytes_ratio": {"p50": ratio_p50, "max": max(ratios, default=math.nan)},
        "bytes_ratio_target": BYTES_RATIO_TARGET,
        "bytes_verdict": verdict(ratio_p50, BYTES_RATIO_TARGET),
    }


TTFT_HEADER = (
    f"{'streams':>7} {'history':>7} {'n':>4} {'app TTFT p50':>12} {'p95':>7} {'click→LLM p50':>13} "
    f"{'p95':>6} {'LLM→page p50':>12} {'p95':>6} {'overhead p50':>12} {'p95':>7}  target"
)
BYTES_HEADER = (
    f"{'streams':>7} {'history':>7} {'n':>4} {'ws bytes p50':>12} {'ratio p50':>9} {'max':>6}  {'target':13}"
    f"{'CPU ms/answer: app':>18} {'browser':>8}"
)


def ttft_row(row: dict[str, Any]) -> str:
    """A cell's time-to-first-token figures, the overhead p95 against its target."""
    ttft, before, overhead = row["app_ttft_ms"], row["click_to_llm_request_ms"], row["overhead_ms"]
    to_page = row["double_to_page_ms"]
    target = row["overhead_p95_target_ms"]
    judged = f"≤ {target:g} ms  {row['overhead_verdict']}" if target else "(none at this level)"
    return (
        f"{row['concurrency']:>7} {row['history']:>7} {row['samples']:>4} {ttft['p50']:>12.1f} "
        f"{ttft['p95']:>7.1f} {before['p50']:>13.1f} {before['p95']:>6.1f} {to_page['p50']:>12.1f} "
        f"{to_page['p95']:>6.1f} {overhead['p50']:>12.1f} {overhead['p95']:>7.1f}"
        f"  {judged}"
    )


def bytes_row(row: dict[str, Any]) -> str:
    """A cell's websocket bytes per answer, the median ratio against its target."""
    ratio, cpu = row["bytes_ratio"], row["cpu_ms_per_answer"]
    judged = f"≤ {row['bytes_ratio_target']:g}  {row['bytes_verdict']}"
    return (
        f"{row['concurrency']:>7} {row['history']:>7} {row['samples']:>4} {row['ws_bytes_p50']:>12.0f} "
        f"{ratio['p50']:>9.1f} {ratio['max']:>6.1f}  {judged:13}{cpu['app']:>18.0f} {cpu['browser']:>8.0f}"
    )


def render_table(report: dict[str, Any]) -> str:
    """The human-readable report: the setup, then TTFT and bytes tables with their targets."""
    answer, fake, cells = report["answer"], report["fake_ttft_ms"], report["cells"]
    lines = [
        f"Answer: {answer['tokens']} tokens at {answer['rate']:g} tokens/s, {answer['bytes']} bytes UTF-8",
        f"Fake Ollama TTFT, direct, {fake['runs']} runs: p50 {fake['p50']:.1f} ms, p95 {fake['p95']:.1f} ms",
        "",
        "Time to first token, ms: app TTFT = click to the first LLM text in the running line (#oj-live,",
        "not its label), timed in the page; click→LLM = until the double got the request; LLM→page =",
        "from the double writing the first token to the page showing it (one clock); overhead = app",
        "TTFT - the double's direct p50. Paired in time order when several streams run.",
        TTFT_HEADER,
        *(ttft_row(row) for row in cells),
        "",
        "Websocket bytes received by the page per answer (click to the finished message);",
        "CPU per answer while the cell ran (preparing chats included), app vs Chromium on the same cores",
        BYTES_HEADER,
        *(bytes_row(row) for row in cells),
    ]
    silent = sum(row["without_running_line"] for row in cells)
    if silent:
        lines += ["", f"{silent} answer(s) arrived without a running line (errors or offline replies)."]
    lines += ["", f"Took {report['runtime_seconds']:.0f} s."]
    return "\n".join(lines)


# -- command line -------------------------------------------------------------------------------


def int_list(text: str) -> list[int]:
    """'1,20' -> [1, 20]."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from exc


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Options; the defaults take about 8 minutes on 2 cores."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stream", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="samples per cell (rounds × streams)")
    parser.add_argument("--concurrency", type=int_list, default=[1, 20], help="simultaneous streams")
    parser.add_argument("--tokens", type=int, default=500, help="tokens in the streamed answer")
    parser.add_argument("--rate", type=float, default=100.0, help="tokens per second from the fake")
    parser.add_argument("--history", type=int_list, default=[0, 20], help="earlier messages in the chat")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.tokens < 1 or args.rate <= 0 or not args.concurrency or not args.history:
        parser.error("--runs, --tokens, --rate, --concurrency and --history must be positive")
    if min(args.concurrency) < 1:
        parser.error("--concurrency values must be at least 1")
    if any(h < 0 or h % 2 or h > MAX_HISTORY for h in args.history):
        parser.error(f"--history values must be even, from 0 to {MAX_HISTORY}")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fake up, direct TTFT, app up, browser cells; everything stopped on the way out."""
    started = time.monotonic()
    text = answer_text(args.tokens)
    answer_bytes = len(text.encode())
    reply = Reply(text=text, tokens_per_second=args.rate, times=None)
    with tempfile.TemporaryDirectory(prefix="oj-bench-") as workdir, FakeOllama(default=reply) as fake:
        log(f"fake Ollama at {fake.url}; measuring its TTFT directly")
        fake_ms = asyncio.run(direct_ttft(fake.url, args.runs))
        log("starting the production app (builds the frontend)")
        with production_app(fake.url, Path(workdir)) as app:
            log(f"app ready at {app.url} after {time.monotonic() - started:.0f} s")
            cells = asyncio.run(browser_cells(app, fake, args))
    fake_p50 = percentile(fake_ms, 50)
    return {
        "answer": {"tokens": args.tokens, "rate": args.rate, "bytes": answer_bytes},
        "fake_ttft_ms": {"runs": len(fake_ms), "p50": fake_p50, "p95": percentile(fake_ms, 95)},
        "cells": [summarise(cell, fake_p50, answer_bytes) for cell in cells],
        "runtime_seconds": time.monotonic() - started,
    }


def strict_json(value: Any) -> Any:
    """NaN (a figure without samples) becomes null, so --json output stays valid JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strict_json(item) for item in value]
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print; exit 0 whatever the figures (130 when interrupted, after cleaning up)."""
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):  # both clean up like Ctrl-C, even if inherited ignored
        signal.signal(signum, signal.default_int_handler)
    try:
        report = run(args)
    except KeyboardInterrupt:
        log("interrupted: the app and the fake are stopped")
        return 130
    print(json.dumps(strict_json(report), indent=2) if args.json else render_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
