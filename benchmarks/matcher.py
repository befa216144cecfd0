"""Role-matcher benchmark (issue 10 §2): does a typed job title reach the right role, or a refusal?

Runs the matcher over benchmarks/data/matcher_set.json and prints accuracy (accepted with the
expected or an acceptable slug, or refused when nothing should match), false accepts (a title
that should be refused was accepted; a title was accepted as the wrong role), false refusals,
per language and category, and the share of refused non-IT titles whose suggestions include a
helpful role; then lists every failure.

    python -m benchmarks.matcher [--split dev|holdout|all] [--json]
"""

from __future__ import annotations

from benchmarks.sets import Figure, Item, arguments, at_least, at_most, grouped, load_items, rate, report


def match(item: Item) -> tuple[str | None, list[str]]:
    """THE ADAPTER: the matched slug of ``item["text"]`` typed in ``item["language"]`` (None when
    refused) and the suggested slugs. Swap in the new matcher here, and nowhere else."""
    from onlyjobless.services.vacancies import get_catalogue

    result = get_catalogue().match(item["text"], item["language"])
    slug = result.vacancy.slug if result.vacancy else None
    return slug, [s.slug for s in result.suggestions]


ACCURACY_MIN = 98.0
FALSE_ACCEPTS_MAX = 2.0
FALSE_REFUSALS_MAX = 2.0


def outcome(item: Item) -> str:
    """ok, false_accept (a null item accepted), wrong_role, or false_refusal."""
    if item["expected"] is None:
        return "ok" if item["got"] is None else "false_accept"
    if item["got"] is None:
        return "false_refusal"
    return "ok" if item["got"] in [item["expected"], *item.get("acceptable", [])] else "wrong_role"


def figures(items: list[Item], label: str) -> list[Figure]:
    """Accuracy, both kinds of false accepts and false refusals of a group."""
    count = {
        k: sum(i["outcome"] == k for i in items)
        for k in ("ok", "false_accept", "wrong_role", "false_refusal")
    }
    nulls = sum(i["expected"] is None for i in items)
    roles = len(items) - nulls
    accepts = count["false_accept"] + count["wrong_role"]

    def share(hits: int, total: int) -> tuple[float, float, str, str]:
        return rate(hits, total), FALSE_ACCEPTS_MAX, "%", f"{hits}/{total}"

    ok, total = count["ok"], len(items)
    return [
        at_least(f"{label}: accuracy", rate(ok, total), ACCURACY_MIN, "%", f"{ok}/{total}"),
        at_most(f"{label}: false accepts (all)", *share(accepts, total)),
        at_most(f"{label}:   non-IT accepted", *share(count["false_accept"], nulls)),
        at_most(f"{label}:   wrong role", *share(count["wrong_role"], roles)),
        at_most(f"{label}: false refusals", *share(count["false_refusal"], roles)),
    ]


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    items = []
    for item in load_items("matcher_set", args.split):
        got, suggested = match(item)
        items.append({**item, "got": got, "suggested": suggested})
    items = [{**i, "outcome": outcome(i)} for i in items]
    result = figures(items, "all")
    for language, group in grouped(items, lambda i: i["language"]).items():
        result += figures(group, language)
    for category, group in grouped(items, lambda i: i["category"]).items():
        ok = sum(i["outcome"] == "ok" for i in group)
        accuracy = rate(ok, len(group))
        result.append(
            at_least(f"category {category}: accuracy", accuracy, ACCURACY_MIN, "%", f"{ok}/{len(group)}")
        )
    hoped = [i for i in items if i.get("good_suggestions") and i["got"] is None]
    helpful = sum(bool(set(i["good_suggestions"]) & set(i["suggested"])) for i in hoped)
    share = rate(helpful, len(hoped))
    result.append(
        Figure("refused non-IT with a helpful suggestion", share, "", None, "%", f"{helpful}/{len(hoped)}")
    )
    failures = [
        f"{i['id']} [{i['category']}] {i['outcome']}: {i['text'][:60]!r} → {i['got']} (want {i['expected']})"
        for i in items
        if i["outcome"] != "ok"
    ]
    report("Role matcher", args.split, result, failures, args.json)


if __name__ == "__main__":
    main()
