"""Container tests: docker must answer (`make test` starts dockerd); the image is built once per run."""

from __future__ import annotations

import pytest

from tests.support.containers import build_image, docker_problem


@pytest.fixture(scope="session")
def docker_available() -> None:
    """Fail, never skip, when docker cannot be used: the test command is meant to provide it."""
    problem = docker_problem()
    if problem is not None:
        pytest.fail(f"docker cannot be used: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def image(docker_available: None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The app's image as `make image` builds it (unchanged inputs reuse every cached layer); its id."""
    try:
        return build_image(tmp_path_factory.mktemp("image") / "build.log")
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
