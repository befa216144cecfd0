"""Pytest fixtures for the fake Ollama server: one server per session, reset for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_ollama import FakeOllama


@pytest.fixture(scope="session")
def fake_ollama_server() -> Iterator[FakeOllama]:
    """The shared server; stopped (and all its threads joined) at the end of the session."""
    with FakeOllama() as server:
        yield server


@pytest.fixture
def fake_ollama(fake_ollama_server: FakeOllama) -> Iterator[FakeOllama]:
    """A clean fake for one test: no scripts, no recorded requests, default models."""
    fake_ollama_server.reset()
    yield fake_ollama_server
    fake_ollama_server.reset()
