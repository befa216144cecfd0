"""The offline score of one answer: soft coverage of the key points plus closeness to the model answer.

Cosines of e5 embeddings live on a compressed scale (unrelated text ≈ 0.80, a close paraphrase ≈ 0.95)
and vary from one key point to another, so each similarity is measured as a gain over what the
question alone already achieves: gain = (sim(answer, x) - sim(question, x)) / (1 - sim(question, x)).
An answer that only restates the question gains nothing. Gains become 0-1 degrees through the
calibrated ramps of `Calibration`; guards catch empty, evasive, echoing and keyword-list answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from onlyjobless.semantic.calibration import Calibration, stored
from onlyjobless.semantic.embedder import Embedder, Vectors, shared_embedder
from onlyjobless.semantic.lexicon import Lexicon, every_language, lexicon
from onlyjobless.semantic.text import (
    content_words,
    contrast_split,
    in_bare_items,
    in_long_runs,
    mark_code_words,
    normalise,
    sentences,
    share_from,
    share_of,
    windows,
    words,
)

Verdict = Literal["answer", "empty", "evasive", "echo", "salad"]


@dataclass(frozen=True)
class Question:
    """What the scorer needs to know about a question."""

    text: str
    key_points: Sequence[str]
    model_answer: str
    language: str


@dataclass(frozen=True)
class Evidence:
    """What the embeddings say about one answer, before calibration."""

    verdict: Verdict
    gains: tuple[float, ...] = ()
    """Per key point: the best answer window's gain over the question."""
    closeness: float = 0.0
    """The whole answer's gain over the question in similarity to the model answer."""


@dataclass(frozen=True)
class SemanticScore:
    """The estimate: 0-10 with one decimal, what was covered and missed, and why when nothing was."""

    score: float
    covered: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    verdict: Verdict = "answer"
    note: str = ""
    """A text in the question's language when the score needs explaining (a guard, nothing covered)."""


def ramp(value: float, low: float, high: float) -> float:
    """0 below low, 1 above high, linear between."""
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


def gain(similarity: Vectors, baseline: Vectors) -> Vectors:
    """How far a similarity rose above its baseline, as a share of the distance left to 1."""
    rise: Vectors = (similarity - baseline) / np.maximum(1.0 - baseline, 1e-6)
    return rise


def grade(evidence: Evidence, calibration: Calibration) -> tuple[float, list[float]]:
    """The 0-10 score and each key point's degree of coverage (0-1)."""
    if evidence.verdict == "empty":
        return 0.0, [0.0] * len(evidence.gains)
    degrees = [ramp(g, calibration.point_low, calibration.point_high) for g in evidence.gains]
    close = ramp(evidence.closeness, calibration.close_low, calibration.close_high)
    weight = calibration.coverage_weight if degrees else 0.0
    coverage = sum(degrees) / len(degrees) if degrees else 0.0
    value = 10.0 * (weight * coverage + (1.0 - weight) * close)
    if evidence.verdict != "answer":
        value = min(value, calibration.guard_cap)
    return round(value, 1), degrees


class SemanticScorer:
    """Scores answers against a question's key points and model answer with sentence embeddings.

    Raises `EmbedderUnavailable` when the model cannot load; the caller falls back.
    """

    def __init__(self, embedder: Embedder | None = None, calibration: Calibration | None = None) -> None:
        self._embedder = embedder
        self.calibration = calibration or stored()

    @property
    def embedder(self) -> Embedder:
        return self._embedder or shared_embedder()

    def score(self, question: Question, answer: str) -> SemanticScore:
        words_of = lexicon(question.language)
        evidence = self.evidence(question, answer)
        value, degrees = grade(evidence, self.calibration)
        credited = evidence.verdict == "answer"
        covered = [
            p
            for p, d in zip(question.key_points, degrees, strict=True)
            if credited and d >= self.calibration.covered_at
        ]
        missed = [p for p in question.key_points if p not in covered]
        note = "" if covered else _note(evidence.verdict, words_of)
        return SemanticScore(value, covered, missed, evidence.verdict, note)

    def evidence(self, question: Question, answer: str) -> Evidence:
        """Guards first, then the gains of the answer's sentences that do not merely echo the question."""
        words_of = lexicon(question.language)
        parts = sentences(answer)
        if not parts:
            return Evidence("empty", tuple(0.0 for _ in question.key_points))
        parts = [self._unhedged(part, words_of) for part in parts]
        explained = sentences(question.model_answer)
        fixed = [question.text, normalise(question.model_answer), *question.key_points, *explained]
        vectors = self.embedder.embed([*fixed, *parts])
        question_vec, model_vec = vectors[0], vectors[1]
        references = vectors[2 : len(fixed)]
        sentence_vecs = vectors[len(fixed) :]
        kept = [
            part
            for part, vec in zip(parts, sentence_vecs, strict=True)
            if not self._echoes(part, float(vec @ question_vec), question.text, words_of)
        ]
        verdict = self._verdict(answer, kept, words_of)
        body = kept or parts
        measured = self.embedder.embed([" ".join(body), *windows(body)])
        gains = self._point_gains(references, len(question.key_points), measured[1:], question_vec)
        closeness = gain(np.array([measured[0] @ model_vec]), np.array([question_vec @ model_vec]))
        return Evidence(verdict, tuple(float(g) for g in gains), float(closeness[0]))

    def _point_gains(self, references: Vectors, count: int, spans: Vectors, question_vec: Vectors) -> Vectors:
        """Each key point's gain: its own, or that of a model-answer sentence explaining it (an answer in
        other words than the key point's often matches the fuller explanation). A sentence explains the
        key points it is nearest to, within a margin, so one sentence does not stand for all of them."""
        if count == 0:
            return np.zeros(0, dtype=np.float32)
        gains = gain((references @ spans.T).max(axis=1), references @ question_vec)
        points, explained = references[:count], references[count:]
        own = gains[:count]
        if not len(explained):
            return own
        closeness = points @ explained.T
        explains = closeness >= closeness.max(axis=0) - self.calibration.explanation_margin
        borrowed = np.where(explains, gains[count:][np.newaxis, :], -np.inf).max(axis=1)
        best: Vectors = np.maximum(own, borrowed)
        return best

    def _echoes(self, part: str, similarity: float, question: str, words_of: Lexicon) -> bool:
        """A sentence that says nothing the question did not: nearly the same meaning, its words, or none."""
        if similarity >= self.calibration.echo_similarity:
            return True
        ignored = words_of.function_words | words_of.meta_words
        said, asked = content_words(part, ignored), content_words(question, ignored)
        return not said or share_from(said, asked) >= self.calibration.echo_overlap

    def _verdict(self, answer: str, kept: list[str], words_of: Lexicon) -> Verdict:
        calibration = self.calibration
        count = len(words(answer))
        if count <= calibration.evasive_max_words and self._evasive(answer, words_of):
            return "evasive"
        if not kept:
            return "echo"
        if count >= calibration.salad_min_words and self._keyword_list(answer):
            return "salad"
        return "answer"

    def _keyword_list(self, answer: str) -> bool:
        """Keywords in a row, or list items that relate nothing ("GIL and threads and processes", bullets,
        "the threads, the processes"). Every language's function words count: answers switch language;
        upper-case words are code (SQL's ON), not function words."""
        calibration, every = self.calibration, every_language()
        vocabulary, text = every.function_words, mark_code_words(answer)
        bare, share = in_bare_items(text, vocabulary, every.joiners, calibration.salad_item_words)
        if bare >= calibration.salad_min_items and share >= calibration.salad_item_share:
            return True
        if share_of(text, vocabulary) >= calibration.salad_function_share:
            return False
        joined = normalise(text).replace("\n", ", ")  # a list's lines are its items, joined by commas
        return in_long_runs(joined, vocabulary, calibration.salad_run_length) >= calibration.salad_run_share

    def _unhedged(self, part: str, words_of: Lexicon) -> str:
        """A sentence without an evasive lead-in ("I don't remember exactly, but X" -> "X"): the hedge
        would pull the sentence's meaning away from the point it makes."""
        lead, joint, rest = contrast_split(part, words_of.contrast_words)
        if not joint or not words(rest) or not self._evasive(lead, words_of):
            return part
        return rest[0].upper() + rest[1:]  # a sentence of its own now, as the embedder expects it

    def _evasive(self, answer: str, words_of: Lexicon) -> bool:
        vectors = self.embedder.embed([normalise(answer), *words_of.evasive_examples])
        return float((vectors[1:] @ vectors[0]).max()) >= self.calibration.evasive_similarity


def _note(verdict: Verdict, words_of: Lexicon) -> str:
    return words_of.notes["off_topic" if verdict == "answer" else verdict]
