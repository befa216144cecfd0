"""The offline scorer against answers that try to get points without answering (``--split adversarial``).

benchmarks/data/scorer_adversarial.json holds, per question, disguised keyword lists (salad_*),
restatements of the question (echo_*), polite refusals (evasive_*), padding (pad_*) and short genuine
answers. Printed: the highest score per kind, each with its target: guarded kinds at most 2, padding
at most its unpadded reference + 0.5, genuine answers never taken for junk by a guard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.sets import Figure, at_most, load_items, rate

JUNK_MAX = 2.0
PAD_SLACK = 0.5
GUARDED = ("salad_", "echo_", "evasive_")
PADDED = {"pad_filler": "partial", "pad_repeat": "strong", "pad_question_plus_one": "one_sentence"}
GENUINE = ("genuine_short_1", "genuine_short_2", "mixed_language", "one_sentence", "partial", "strong")

Scorer = Callable[[str, dict[str, Any]], tuple[float, str]]


def scored(items: list[dict[str, Any]], score: Scorer) -> list[dict[str, Any]]:
    """Each item with ``scores`` (kind -> score) and ``verdicts`` (kind -> the scorer's verdict)."""
    out = []
    for item in items:
        results = {kind: score(answer, item["question"]) for kind, answer in item["answers"].items()}
        scores = {kind: value for kind, (value, _) in results.items()}
        verdicts = {kind: verdict for kind, (_, verdict) in results.items()}
        out.append({**item, "scores": scores, "verdicts": verdicts})
    return out


def figures(items: list[dict[str, Any]]) -> list[Figure]:
    """The highest score per guarded kind, padding over its reference, and genuine answers guarded."""
    kinds = sorted({kind for item in items for kind in item["scores"]})
    out = [
        at_most(f"max {kind}", max(i["scores"][kind] for i in items), JUNK_MAX)
        for kind in kinds
        if kind.startswith(GUARDED)
    ]
    for padded, reference in PADDED.items():
        rise = max(i["scores"][padded] - i["scores"][reference] for i in items)
        out.append(at_most(f"max {padded} − {reference}", rise, PAD_SLACK))
    genuine = [(i, k) for i in items for k in GENUINE if k in i["verdicts"]]
    guarded = sum(i["verdicts"][k] != "answer" for i, k in genuine)
    out.append(
        at_most(
            "genuine answers taken for junk",
            rate(guarded, len(genuine)),
            0.0,
            "%",
            f"{guarded}/{len(genuine)}",
        )
    )
    copied = max(i["scores"]["keypoints_list"] for i in items)
    out.append(Figure("max keypoints_list (the hidden key points copied: may score high)", copied))
    return out


def failures(items: list[dict[str, Any]]) -> list[str]:
    """Each answer that misses its target, with its score and verdict."""
    out = []
    for item in items:
        s, v = item["scores"], item["verdicts"]
        for kind in s:
            junk = kind.startswith(GUARDED) and s[kind] > JUNK_MAX
            padded = kind in PADDED and s[kind] - s[PADDED[kind]] > PAD_SLACK
            guarded = kind in GENUINE and v[kind] != "answer"
            if junk or padded or guarded:
                out.append(f"{item['id']}: {kind}={s[kind]:g} ({v[kind]})")
    return out


def run(score: Scorer) -> tuple[list[Figure], list[str]]:
    items = scored(load_items("scorer_adversarial"), score)
    return figures(items), failures(items)
