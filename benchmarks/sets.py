"""What the evaluation-set benchmarks share: loading a set, filtering by split, printing figures.

Each set is JSON under benchmarks/data/: a ``header`` describing the fields and a list of
``items``, every item with ``split`` "dev" (for tuning) or "holdout" (report only); a set may add
"holdout2", written after the first holdout's failures had been read (report only).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SPLITS = ("dev", "holdout", "holdout2", "all")


def load_items(name: str, split: str = "all") -> list[dict[str, Any]]:
    """The items of ``benchmarks/data/<name>.json`` in ``split`` (one of SPLITS)."""
    items = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))["items"]
    return [item for item in items if split == "all" or item["split"] == split]


def arguments(description: str, extra_splits: Sequence[str] = ()) -> argparse.Namespace:
    """The options every set benchmark takes (a benchmark may read further splits from its own files)."""
    parser = argparse.ArgumentParser(description=description)
    choices = [*SPLITS, *extra_splits]
    parser.add_argument("--split", choices=choices, default="all", help="which items to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args()


@dataclass(frozen=True)
class Figure:
    """One reported number, with its target and whether it is met (None: no target)."""

    name: str
    value: float
    target: str = ""
    met: bool | None = None
    unit: str = ""
    count: str = ""  # e.g. "3/150", the raw counts behind a rate


def at_most(name: str, value: float, limit: float, unit: str = "", count: str = "") -> Figure:
    """A figure whose target is an upper bound."""
    return Figure(name, value, f"≤ {limit:g}{unit}", value <= limit, unit, count)


def at_least(name: str, value: float, limit: float, unit: str = "", count: str = "") -> Figure:
    """A figure whose target is a lower bound."""
    return Figure(name, value, f"≥ {limit:g}{unit}", value >= limit, unit, count)


def rate(hits: int, total: int) -> float:
    """A percentage, 0 when there is nothing to count."""
    return 100.0 * hits / total if total else 0.0


Item = dict[str, Any]


def grouped(items: Iterable[Item], key: Callable[[Item], str]) -> dict[str, list[Item]]:
    """Items by a key, keys sorted."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return dict(sorted(groups.items()))


def report(title: str, split: str, figures: Sequence[Figure], failures: Sequence[str], as_json: bool) -> None:
    """Print the figures as a table (✔/✘ beside each target) or as JSON, then the failures."""
    if as_json:
        figures_out = [asdict(f) for f in figures]
        out = {"set": title, "split": split, "figures": figures_out, "failures": list(failures)}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    print(f"{title} — split: {split}")
    width = max(len(f.name) for f in figures)
    for f in figures:
        mark = "" if f.met is None else ("✔" if f.met else "✘")
        value = f"{f.value:.2f}{f.unit}" if f.unit != "%" else f"{f.value:.1f}%"
        count = f"({f.count})" if f.count else ""
        print(f"  {f.name:<{width}}  {value:>8} {count:<10} {f.target:<8} {mark}")
    met = [f.met for f in figures if f.met is not None]
    print(f"targets met: {sum(met)}/{len(met)}")
    if failures:
        print(f"\nfailures ({len(failures)}):")
        for line in failures:
            print(f"  {line}")
