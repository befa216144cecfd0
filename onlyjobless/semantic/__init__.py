"""Meaning on the CPU: sentence embeddings (multilingual-e5-small) and the offline answer scorer.

Imports nothing from services, api, ui or storage; the model loads lazily on first use.
"""

from onlyjobless.semantic.embedder import E5Embedder, Embedder, EmbedderUnavailable, shared_embedder
from onlyjobless.semantic.scorer import Question, SemanticScore, SemanticScorer

__all__ = [
    "E5Embedder",
    "Embedder",
    "EmbedderUnavailable",
    "Question",
    "SemanticScore",
    "SemanticScorer",
    "shared_embedder",
]
