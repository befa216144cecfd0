"""The offline estimate: key points covered by shared word stems, capped by the answer's length."""

from __future__ import annotations

from onlyjobless.services.interviews import evaluation


def test_offline_coverage_and_cap() -> None:
    points = ["connection pooling reduces latency", "indexes on foreign keys", "query plans with EXPLAIN"]
    answer = (
        "I start with EXPLAIN to read the query plans, then add indexes on the foreign keys "
        "that the joins use, and I check again whether the plan changed after each change."
    )
    coverage = evaluation.estimate(answer, points)
    assert coverage.covered == points[1:]
    assert coverage.missed == points[:1]
    assert coverage.score == 7
    assert evaluation.estimate("indexes", points).score <= evaluation.score_cap("indexes") == 1
    assert evaluation.score_cap("word " * 30) == 10
    assert evaluation.estimate("anything", []).score == 0
