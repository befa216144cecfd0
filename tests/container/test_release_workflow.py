"""The release workflow: actionlint-clean, and it tests the image before pushing it on a version tag."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.app_process import ROOT

pytestmark = pytest.mark.container

WORKFLOW = ROOT / ".github" / "workflows" / "release-image.yml"
ACTIONLINT = str(Path(sys.executable).with_name("actionlint"))


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ACTIONLINT, "-no-color", str(path)], capture_output=True, text=True, timeout=60, check=False
    )


def test_actionlint_passes_and_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    shutil.copy(WORKFLOW, broken)
    broken.write_text(broken.read_text().replace("secrets.DOCKERHUB_TOKEN", "secret.DOCKERHUB_TOKEN"))
    assert actionlint(broken).returncode != 0


def test_builds_tests_then_pushes_on_version_tags() -> None:
    workflow: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers == {"push": {"tags": ["v*.*.*"]}}
    steps = workflow["jobs"]["image"]["steps"]
    names = [step.get("name") or step["uses"].split("@")[0] for step in steps]
    smoke = next(i for i, name in enumerate(names) if name.startswith("Smoke test"))
    assert names.index("Build") < smoke < names.index("docker/login-action") < names.index("Push")
    login = steps[names.index("docker/login-action")]["with"]
    assert login == {
        "username": "${{ secrets.DOCKERHUB_USERNAME }}",
        "password": "${{ secrets.DOCKERHUB_TOKEN }}",
    }
    push = steps[names.index("Push")]["with"]
    assert push["push"] is True and push["tags"] == "${{ steps.meta.outputs.tags }}"
