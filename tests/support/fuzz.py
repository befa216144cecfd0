"""Schema-based fuzzing of the REST API with schemathesis: every operation of /openapi.json,
with valid and invalid data, called in-process (ASGI) as a signed-in user; each response must
be no server error, have a documented status and content type, and match its documented schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@dataclass
class FuzzReport:
    """What a run did and what it found (one line per failing operation and mode)."""

    operations: int = 0
    examples: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        seen = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
        return (
            f"{self.operations} operations, {self.examples} examples, {len(self.failures)} failures"
            f" (statuses {seen})"
        )


def fuzz(app: Any, headers: dict[str, str], *, max_examples: int) -> FuzzReport:
    """Run every operation with up to `max_examples` valid and as many invalid examples."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = FuzzReport()
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation.as_strategy(generation_mode=mode), headers, max_examples, report)
            except Unsatisfiable:  # nothing to make invalid: the operation takes no input
                continue
            except (Exception, BaseExceptionGroup) as exc:  # a failed check, its example shrunk
                first = str(exc).strip().splitlines()[:6]
                report.failures.append(f"{operation.label} [{mode.value}]: " + " | ".join(first))
    return report


def _run(strategy: Any, headers: dict[str, str], max_examples: int, report: FuzzReport) -> None:
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        report.examples += 1
        response = case.call(headers=headers)
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()
