"""Pytest fixtures for the fake LLM servers: one of each per session, reset for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_ollama import FakeOllama
from tests.support.fake_openai import FakeOpenAI

# Runs a test once on each LLM backend (the `llm_backend` fixture), each against its own fake server.
BOTH_BACKENDS = pytest.mark.parametrize("llm_backend", ["ollama", "openai"])

# The key the shared fake OpenAI server demands, as a hosted API would (tests may change it).
FAKE_OPENAI_KEY = "sk-fake-0123456789abcdefghijklmnop"


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


@pytest.fixture(scope="session")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """The shared OpenAI-compatible server, demanding FAKE_OPENAI_KEY."""
    with FakeOpenAI(api_key=FAKE_OPENAI_KEY) as server:
        yield server


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """A clean fake for one test: no scripts, no recorded requests, default models and key."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()
