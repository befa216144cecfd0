"""rxconfig: Reflex's Node-version warning is dropped (bun builds the frontend), nothing else."""

from __future__ import annotations

import logging

import pytest

import rxconfig  # noqa: F401  (installs the filter)


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("reflex.utils.js_runtimes", logging.WARNING, __file__, 1, message, None, None)


def test_only_the_node_version_warning_is_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("reflex.utils.js_runtimes")
    with caplog.at_level(logging.WARNING, logger="reflex.utils.js_runtimes"):
        logger.warning("Your version (20.20.2) of Node.js is out of date. Upgrade to 22.0.0 or higher.")
        logger.warning("Bun or npm not found.")
    assert [r.getMessage() for r in caplog.records] == ["Bun or npm not found."]
    assert not logger.filters[0].filter(_record("Your version (18.0.0) of Node.js is out of date."))
