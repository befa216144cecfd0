"""Offline scorer benchmark (issue 9 §2): does the estimate follow meaning, not words?

Runs the scorer over benchmarks/data/scorer_set.json (seven answers per curated question) and
prints, per language and overall, the Spearman correlation between the score and the intended
order strong = paraphrase (4) > partial (3) > wrong (2) > gibberish (1), ties averaged; how
often wrong < partial; how far the paraphrase lands from the strong answer; and the highest
score a keyword salad or an echo of the question gets.

``--split adversarial`` runs benchmarks/scorer_adversarial.py instead: disguised keyword lists, echoes,
refusals and padding, the highest score per kind.

``--split paraphrase`` runs the separate paraphrase check instead (benchmarks/data/scorer_paraphrase.json:
a strong answer and an own-words correct answer per question, on questions outside the set above) and
prints how far each paraphrase lands from its strong answer.

    python -m benchmarks.offline_scorer [--split dev|holdout|paraphrase|adversarial|all] [--json]
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import mean
from typing import Any

from benchmarks.sets import Figure, arguments, at_least, at_most, grouped, load_items, rate, report


def score(answer: str, question: dict[str, Any]) -> float:
    """THE ADAPTER: the 0-10 score of ``answer`` to ``question`` (a bank question with key_points
    and model_answer). Swap in the new scorer here, and nowhere else."""
    from onlyjobless.semantic import Question, SemanticScorer

    asked = Question(question["text"], question["key_points"], question["model_answer"], question["language"])
    return SemanticScorer().score(asked, answer).score


def judged(answer: str, question: dict[str, Any]) -> tuple[float, str]:
    """The score and the guard's verdict ("answer", "salad", "echo", ...), for the adversarial split."""
    from onlyjobless.semantic import Question, SemanticScorer

    asked = Question(question["text"], question["key_points"], question["model_answer"], question["language"])
    result = SemanticScorer().score(asked, answer)
    return result.score, result.verdict


INTENDED = {"strong": 4, "paraphrase": 4, "partial": 3, "wrong": 2, "gibberish": 1}
SPEARMAN_MIN = 0.9
JUNK_MAX = 2.0  # salad and echo, always
PARAPHRASE_GAP_MAX = 1.5
WRONG_BELOW_PARTIAL_MIN = 70.0
PARAPHRASE_SET, PARAPHRASE_SPLIT = "scorer_paraphrase", "paraphrase"
ADVERSARIAL_SPLIT = "adversarial"


def ranks(values: list[float]) -> list[float]:
    """1-based ranks, tied values sharing the mean of their positions."""
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in order[start : end + 1]:
            out[position] = (start + end) / 2 + 1
        start = end + 1
    return out


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rho as the Pearson correlation of the ranks (correct with ties); 0 if one side is flat."""
    rx, ry = ranks(xs), ranks(ys)
    mx, my = mean(rx), mean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (sx * sy) if sx and sy else 0.0


def scored(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item with a ``scores`` map: kind -> score."""
    out = []
    for item in items:
        scores = {kind: score(answer, item["question"]) for kind, answer in item["answers"].items()}
        out.append({**item, "scores": scores})
    return out


def figures(items: list[dict[str, Any]], label: str) -> list[Figure]:
    """The issue's figures for one group of scored items."""
    pairs = [(s[k], v) for s in (i["scores"] for i in items) for k, v in INTENDED.items()]
    rho = spearman([p[0] for p in pairs], [p[1] for p in pairs])
    below = sum(i["scores"]["wrong"] < i["scores"]["partial"] for i in items)
    n = len(items)
    gaps = [abs(i["scores"]["paraphrase"] - i["scores"]["strong"]) for i in items]
    return [
        at_least(f"{label}: Spearman with intended order", rho, SPEARMAN_MIN),
        at_least(f"{label}: wrong < partial", rate(below, n), WRONG_BELOW_PARTIAL_MIN, "%", f"{below}/{n}"),
        Figure(f"{label}: mean |paraphrase − strong|", mean(gaps)),
        at_most(f"{label}: max |paraphrase − strong|", max(gaps), PARAPHRASE_GAP_MAX),
        at_most(f"{label}: max salad", max(i["scores"]["salad"] for i in items), JUNK_MAX),
        at_most(f"{label}: max echo", max(i["scores"]["echo"] for i in items), JUNK_MAX),
    ]


def gap(scores: dict[str, float]) -> float:
    """How far the paraphrase's score lands from the strong answer's."""
    return abs(scores["paraphrase"] - scores["strong"])


def paraphrase_figures(items: list[dict[str, Any]], label: str) -> list[Figure]:
    """The paraphrase check's figures: both kinds' mean scores and the gap between them."""
    gaps = [gap(i["scores"]) for i in items]
    return [
        Figure(f"{label}: mean strong", mean(i["scores"]["strong"] for i in items)),
        Figure(f"{label}: mean paraphrase", mean(i["scores"]["paraphrase"] for i in items)),
        Figure(f"{label}: mean |paraphrase − strong|", mean(gaps)),
        at_most(f"{label}: max |paraphrase − strong|", max(gaps), PARAPHRASE_GAP_MAX),
    ]


Scores = dict[str, float]
PER_QUESTION: tuple[tuple[str, set[str], Callable[[Scores], bool]], ...] = (
    ("salad>2", {"salad"}, lambda s: s["salad"] > JUNK_MAX),
    ("echo>2", {"echo"}, lambda s: s["echo"] > JUNK_MAX),
    ("paraphrase gap>1.5", {"paraphrase", "strong"}, lambda s: gap(s) > PARAPHRASE_GAP_MAX),
    ("wrong>=partial", {"wrong", "partial"}, lambda s: s["wrong"] >= s["partial"]),
)
"""The per-question targets: name, the answer kinds they need, the test for a miss."""


def failures(items: list[dict[str, Any]]) -> list[str]:
    """The questions that break a per-question target, with their scores (targets whose answer kinds
    an item lacks are skipped: the paraphrase check has only strong and paraphrase)."""
    out = []
    for item in items:
        s = item["scores"]
        broken = [name for name, kinds, bad in PER_QUESTION if kinds <= set(s) and bad(s)]
        if broken:
            shown = " ".join(f"{k}={v:g}" for k, v in s.items())
            out.append(f"{item['id']}: {', '.join(broken)}  [{shown}]")
    return out


def main() -> None:
    args = arguments(__doc__.splitlines()[0], extra_splits=(PARAPHRASE_SPLIT, ADVERSARIAL_SPLIT))
    if args.split == ADVERSARIAL_SPLIT:
        from benchmarks.scorer_adversarial import run

        adversarial, missed = run(judged)
        report("Offline scorer, adversarial answers", args.split, adversarial, missed, args.json)
        return
    if args.split == PARAPHRASE_SPLIT:
        checked = scored(load_items(PARAPHRASE_SET))
        figures_out: list[Figure] = []
        for language, group in grouped(checked, lambda i: i["language"]).items():
            figures_out += paraphrase_figures(group, language)
        figures_out += paraphrase_figures(checked, "all")
        report("Offline scorer, paraphrase check", args.split, figures_out, failures(checked), args.json)
        return
    items = scored(load_items("scorer_set", args.split))
    result: list[Figure] = []
    for language, group in grouped(items, lambda i: i["language"]).items():
        result += figures(group, language)
    result += figures(items, "all")
    means = {kind: mean(i["scores"][kind] for i in items) for kind in items[0]["scores"]}
    result += [Figure(f"all: mean score of {kind}", value) for kind, value in means.items()]
    report("Offline scorer", args.split, result, failures(items), args.json)


if __name__ == "__main__":
    main()
