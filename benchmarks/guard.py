"""Misuse-guard benchmark (issue 10 §1): are genuine answers accepted and attempts refused?

Runs the guard over benchmarks/data/guard_set.json and prints the false-positive rate (genuine
answers refused) and the false-negative rate (attempts let through), overall and per language,
kind and obfuscation, with the targets beside them; then lists every mistake.

    python -m benchmarks.guard [--split dev|holdout|holdout2|all] [--json]
"""

from __future__ import annotations

from benchmarks.sets import Figure, Item, arguments, at_most, grouped, load_items, rate, report


def refused(item: Item) -> bool:
    """THE ADAPTER: True when the guard refuses ``item["text"]`` as the answer to ``item["question"]``
    (slug, language, index, topic, text, key_points). Swap in the new guard here, and nowhere else."""
    from onlyjobless.services.guard import Question, shared_guard

    q = item["question"]
    question = Question(q["text"], q["topic"], tuple(q["key_points"]))
    return shared_guard().check(item["text"], question) is not None


FP_MAX = 2.0  # % of genuine answers refused
FN_MAX = 15.0  # % of attempts let through


def mistakes(items: list[Item]) -> list[Item]:
    """Genuine answers that were refused and attempts that passed."""
    return [i for i in items if i["refused"] != (i["label"] == "attempt")]


def error_rate(items: list[Item], label: str, name: str) -> list[Figure]:
    """The FP (label "genuine") or FN (label "attempt") rate of a group, if it has such items."""
    group = [i for i in items if i["label"] == label]
    if not group:
        return []
    wrong = len(mistakes(group))
    kind, limit = ("FP", FP_MAX) if label == "genuine" else ("FN", FN_MAX)
    return [at_most(f"{kind} {name}", rate(wrong, len(group)), limit, "%", f"{wrong}/{len(group)}")]


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    items = [{**item, "refused": refused(item)} for item in load_items("guard_set", args.split)]
    result: list[Figure] = []
    for label in ("genuine", "attempt"):
        result += error_rate(items, label, "overall")
        for field in ("language", "kind", "obfuscation"):
            for value, group in grouped(items, lambda i, f=field: i[f]).items():
                result += error_rate(group, label, f"{field}={value}")
    failures = [
        f"{i['id']} [{i['label']}/{i['kind']}/{i['obfuscation']}] {'refused' if i['refused'] else 'passed'}: "
        + " ".join(i["text"].split())[:100]
        for i in mistakes(items)
    ]
    report("Misuse guard", args.split, result, failures, args.json)


if __name__ == "__main__":
    main()
