"""Fit the semantic scorer's ramps (onlyjobless/semantic/calibration.json) on the tuning data only.

Tuning data: our calibration set (benchmarks/data/scorer_calibration.json) and the evaluation set's
"dev" split; the "holdout" split is never read here. The embeddings are computed once, then a grid
search picks the ramps that best keep the intended order (strong = paraphrase > partial > wrong >
gibberish), put wrong below partial, keep the paraphrase near the strong answer, and land each kind
near an anchor score.

    python -m benchmarks.calibrate_scorer [--write]
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass, replace
from statistics import mean

import numpy as np

from benchmarks.offline_scorer import INTENDED, spearman
from benchmarks.sets import DATA_DIR, load_items
from onlyjobless.semantic.calibration import Calibration, stored
from onlyjobless.semantic.embedder import E5Embedder
from onlyjobless.semantic.scorer import Evidence, Question, SemanticScorer, grade

MARGINS = (0.0, 0.02, 0.04, 0.06)
MIN_WIDTH = 0.2  # no ramp steeper than this: a step would make the score jump on noise
ANCHORS = {"strong": 9.0, "paraphrase": 9.0, "partial": 5.0, "wrong": 2.5, "gibberish": 0.0}


@dataclass(frozen=True)
class Case:
    group: str  # e.g. "calibration/en"
    question_id: str
    kind: str
    evidence: Evidence


def tuning_questions() -> list[tuple[str, str, Question, dict[str, str]]]:
    """(group, id, question, answers by kind) for the calibration set and the dev split."""
    out = []
    own = json.loads((DATA_DIR / "scorer_calibration.json").read_text(encoding="utf-8"))
    for q in own["questions"]:
        question = Question(q["question"], q["key_points"], q["model_answer"], q["lang"])
        out.append((f"calibration/{q['lang']}", q["id"], question, q["answers"]))
    for item in load_items("scorer_set", "dev"):
        q = item["question"]
        question = Question(q["text"], q["key_points"], q["model_answer"], item["language"])
        out.append((f"dev/{item['language']}", item["id"], question, item["answers"]))
    return out


def measure(scorer: SemanticScorer) -> list[Case]:
    return [
        Case(group, qid, kind, scorer.evidence(question, answer))
        for group, qid, question, answers in tuning_questions()
        for kind, answer in answers.items()
    ]


def scores(cases: list[Case], calibration: Calibration) -> dict[tuple[str, str], dict[str, float]]:
    """(group, question id) -> kind -> score."""
    table: dict[tuple[str, str], dict[str, float]] = {}
    for case in cases:
        table.setdefault((case.group, case.question_id), {})[case.kind] = grade(case.evidence, calibration)[0]
    return table


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks along the last axis, ties sharing their mean rank."""
    order = np.argsort(values, axis=-1, kind="stable")
    ranked = np.empty_like(values)
    np.put_along_axis(ranked, order, np.arange(1, values.shape[-1] + 1, dtype=float), axis=-1)
    out = ranked.copy()
    for value in np.unique(values):
        tied = values == value
        out[tied] = ranked[tied].mean()
    return out


def _spearman(xs: np.ndarray, ys: np.ndarray) -> float:
    rx, ry = _ranks(xs) - (len(xs) + 1) / 2, _ranks(ys) - (len(ys) + 1) / 2
    spread = float(np.sqrt((rx**2).sum() * (ry**2).sum()))
    return float((rx * ry).sum() / spread) if spread else 0.0


class Grid:
    """The cases as arrays, so that thousands of candidate ramps can be scored quickly."""

    def __init__(self, cases: list[Case]) -> None:
        width = max(len(c.evidence.gains) for c in cases)
        self.gains = np.full((len(cases), width), np.nan)
        for row, case in enumerate(cases):
            self.gains[row, : len(case.evidence.gains)] = case.evidence.gains
        self.closeness = np.array([c.evidence.closeness for c in cases])
        self.guarded = np.array([c.evidence.verdict != "answer" for c in cases])
        self.empty = np.array([c.evidence.verdict == "empty" for c in cases])
        self.kinds = np.array([c.kind for c in cases])
        keys = sorted({(c.group, c.question_id) for c in cases})
        self.question = np.array([keys.index((c.group, c.question_id)) for c in cases])
        self.groups = {g: sorted({keys.index(k) for k in keys if k[0] == g}) for g in {k[0] for k in keys}}

    def scores(self, cal: Calibration) -> np.ndarray:
        degrees = np.clip((self.gains - cal.point_low) / (cal.point_high - cal.point_low), 0, 1)
        close = np.clip((self.closeness - cal.close_low) / (cal.close_high - cal.close_low), 0, 1)
        value = 10 * (cal.coverage_weight * np.nanmean(degrees, axis=1) + (1 - cal.coverage_weight) * close)
        value = np.where(self.guarded, np.minimum(value, cal.guard_cap), value)
        return np.round(np.where(self.empty, 0.0, value), 1)

    def objective(self, cal: Calibration) -> float:
        """Higher is better: order within each group, wrong < partial, paraphrase gap, anchors."""
        value = self.scores(cal)
        table = np.full((self.question.max() + 1, len(KINDS)), np.nan)
        for column, kind in enumerate(KINDS):
            chosen = self.kinds == kind
            table[self.question[chosen], column] = value[chosen]
        total = 0.0
        intended = np.array([INTENDED[k] for k in KINDS], dtype=float)
        anchors = np.array([ANCHORS[k] for k in KINDS])
        for rows in self.groups.values():
            block = table[rows]
            rho = _spearman(block.ravel(), np.tile(intended, len(rows)))
            below = float(np.mean(block[:, 3] < block[:, 2]))
            gap = float(np.mean(np.abs(block[:, 1] - block[:, 0])))
            anchor = float(np.mean((block - anchors) ** 2))
            total += rho + 0.3 * below - 0.05 * gap - 0.02 * anchor
        return total


KINDS = ("strong", "paraphrase", "partial", "wrong", "gibberish")


def search(cases: list[Case], base: Calibration) -> tuple[Calibration, float]:
    """The best ramps for evidence measured with `base`, and the objective they reach."""
    grid = Grid(cases)
    steps = np.round(np.arange(-0.1, 0.75, 0.05), 2)
    best, best_value = base, grid.objective(base)
    for low, high in itertools.combinations(steps, 2):
        if high - low < MIN_WIDTH:
            continue
        for close_low, close_high in itertools.combinations(steps[::2], 2):
            if close_high - close_low < MIN_WIDTH:
                continue
            for weight in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
                candidate = replace(
                    base,
                    point_low=float(low),
                    point_high=float(high),
                    close_low=float(close_low),
                    close_high=float(close_high),
                    coverage_weight=weight,
                )
                value = grid.objective(candidate)
                if value > best_value:
                    best, best_value = candidate, value
    return best, best_value


def fit(base: Calibration) -> tuple[Calibration, list[Case]]:
    """Ramps and explanation margin together: evidence is measured again for each margin (the
    embeddings come from the cache), ramps are searched for each, the best objective wins."""
    embedder = E5Embedder(cache_size=200_000)
    best: tuple[float, Calibration, list[Case]] | None = None
    for margin in MARGINS:
        measured_with = replace(base, explanation_margin=margin)
        cases = measure(SemanticScorer(embedder=embedder, calibration=measured_with))
        fitted, value = search(cases, measured_with)
        print(f"margin {margin}: objective {value:.3f}", flush=True)
        if best is None or value > best[0]:
            best = (value, fitted, cases)
    assert best is not None
    return best[1], best[2]


def summary(table: dict[tuple[str, str], dict[str, float]]) -> None:
    for group in sorted({g for g, _ in table}):
        rows = [s for (g, _), s in table.items() if g == group]
        pairs = [(s[k], v) for s in rows for k, v in INTENDED.items()]
        rho = spearman([p[0] for p in pairs], [p[1] for p in pairs])
        below = sum(s["wrong"] < s["partial"] for s in rows)
        means = " ".join(f"{k}={mean(s[k] for s in rows):.1f}" for k in rows[0])
        print(f"{group}: Spearman {rho:.3f}, wrong<partial {below}/{len(rows)}; means {means}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the fitted calibration")
    args = parser.parse_args()
    fitted, cases = fit(stored())
    print("fitted:", fitted)
    summary(scores(cases, fitted))
    if args.write:
        fitted.save()


if __name__ == "__main__":
    main()
