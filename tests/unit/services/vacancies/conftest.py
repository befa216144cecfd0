"""The shipped catalogue, loaded once for the module."""

from __future__ import annotations

import pytest

from onlyjobless.services.vacancies import Catalogue, get_catalogue


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return get_catalogue()
