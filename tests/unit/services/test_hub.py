"""The hub builds the LLM backend the settings name, with their limits."""

from __future__ import annotations

from pathlib import Path

from onlyjobless.llm import OllamaLLM, OpenAILLM
from onlyjobless.services.hub import build_llm
from onlyjobless.settings import Settings


def test_ollama_backend_by_default(tmp_path: Path) -> None:
    llm = build_llm(Settings(DATA_DIR=tmp_path, OLLAMA_HOST="http://gpu:11434", LLM_TOTAL_TIMEOUT=30))
    assert isinstance(llm, OllamaLLM)
    assert (llm.host, llm.model, llm.total_timeout, llm.max_tokens) == (
        "http://gpu:11434",
        "mistral",
        30,
        2048,
    )


def test_openai_backend_when_chosen(tmp_path: Path) -> None:
    settings = Settings(
        DATA_DIR=tmp_path,
        LLM_BACKEND="openai",
        LLM_BASE_URL="http://vllm:8000/v1",
        LLM_MODEL="Qwen/Qwen2.5-7B-Instruct",
        LLM_API_KEY="sk-test",
        LLM_FIRST_TOKEN_TIMEOUT=12,
        LLM_MAX_TOKENS=900,
    )
    llm = build_llm(settings)
    assert isinstance(llm, OpenAILLM)
    assert (llm.base_url, llm.model) == ("http://vllm:8000/v1", "Qwen/Qwen2.5-7B-Instruct")
    assert (llm.first_token_timeout, llm.max_tokens, llm.connect_timeout) == (12, 900, 5)
    assert llm._api_key is settings.llm_api_key
