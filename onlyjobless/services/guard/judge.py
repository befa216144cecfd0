"""Is this text an attempt to answer the question, or an attempt to use the interview for something else?

Each sentence of the text (as a reader sees it, and what is hidden in it: see normalise) is judged
by meaning: its closeness to examples of each kind of misuse is compared with its closeness to
genuine answers on the same subjects and to the question itself (its text, topic and key points).
Only sentences with a cheap structural signal are judged this way (addressed to someone, a request,
a question, an insult): a technical statement with none of them cannot be a request, and is never
sent to the model. A refusal needs the kind's examples to be clearly closer than anything genuine;
when unsure, the answer is accepted (it reaches the LLM only as delimited data anyway).

Without the embedding model only the unambiguous structural cases are refused: our own data tags
typed as markup, and an insult addressed to "you".
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import MISUSE_KINDS, GuardExamples
from onlyjobless.semantic import Embedder, EmbedderUnavailable, shared_embedder
from onlyjobless.semantic.embedder import Vectors
from onlyjobless.semantic.warm import Warm
from onlyjobless.services.guard.normalise import Views, views

log = logging.getLogger(__name__)

# How much closer (cosine, mean of the two nearest) a sentence must be to a kind's examples than
# to genuine answers and to the question. Set on the dev split of benchmarks/data/guard_set.json, about
# midway between the highest genuine sentence and the bulk of the attempts.
MARGIN = {"instructions": 0.030, "score": 0.030, "unrelated": 0.028, "abuse": 0.030}
# The margin when the structure already says as much: a request or "you" that names the system
# (instructions, score), an insult addressed to someone or several insults (abuse).
STRUCTURED_MARGIN = {"instructions": 0.0, "score": 0.0, "unrelated": 0.0, "abuse": 0.0}
_NEAREST = 2
_REQUEST_TOKENS = 5  # fewer words than this are a fragment, too little to be a request of its own
_MAX_SEGMENTS = 24  # an answer is at most 4,000 characters; past this many suspicious sentences, the rest
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_SOFT_BREAK = re.compile(r"(?<=[:;])\s+")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’/][^\W_]+)*|\d+/\d+")
_PAUSE = re.compile(r"\s*(?:,|\s[—–-])\s+")  # where a clause may change the subject
_HEADER = re.compile(r"\s*[\[(<{]+\s*([^\])>}]{2,40}?)\s*[\])>}]+")  # "[ADMIN MODE] …", "((system))"
# Our own data tags typed as markup: the text tries to close the block it travels in.
_TAGS = re.compile(
    r"</?\s*(system|candidate_answer|question|key_points|conversation|item|interviewer|no_answer)\b", re.I
)


@dataclass(frozen=True)
class Question:
    """What the text is supposed to answer."""

    text: str
    topic: str = ""
    key_points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """A refusal: the kind of misuse and the sentence that showed it (for logs and tests)."""

    kind: str
    evidence: str
    closeness: float = 0.0  # how much closer to the kind's examples than to anything genuine


# ---------------------------------------------------------------------------- the signals


class _Lexicon:
    """Every language's signal words (an answer may mix languages)."""

    def __init__(self, data: Sequence[GuardExamples]) -> None:
        self.address = self._stems(w for d in data for w in d.address)
        self.requests = self._stems(w for d in data for w in d.requests)
        self.system = self._stems(w for d in data for w in d.system_nouns)
        self.abuse = self._stems(w for d in data for w in d.abuse)
        self.shifts = _phrases(w for d in data for w in d.topic_shifts)
        self.takeovers = _phrases(w for d in data for w in d.takeovers)
        self.endings = tuple(sorted({e.lower() for d in data for e in d.imperative_endings}))
        modals = {w.lower() for d in data for w in d.modals}
        self.commands = self._stems(w for d in data for w in d.requests if w.lower() not in modals)

    @staticmethod
    def _stems(words: object) -> tuple[frozenset[str], tuple[str, ...]]:
        exact = frozenset(str(w).lower() for w in words)  # type: ignore[attr-defined]
        return exact, tuple(sorted(w[:-2] for w in exact if len(w) >= 7))

    @staticmethod
    def has(tokens: Sequence[str], words: tuple[frozenset[str], tuple[str, ...]]) -> bool:
        exact, stems = words
        return any(t in exact or (stems and t.startswith(stems)) for t in tokens)

    def imperative(self, tokens: Sequence[str]) -> bool:
        """The clause opens with a request word, or with a verb in the imperative mood (by ending)."""
        first = tokens[:3]
        if self.has(first, self.commands):
            return True
        return bool(first and self.endings and len(first[0]) >= 5 and first[0].endswith(self.endings))

    def takeover(self, tokens: Sequence[str], sentence: str) -> bool:
        """Rules set for the rest of the conversation, or a pseudo-system header ("[ADMIN MODE]")."""
        if _contains(tokens, self.takeovers):
            return True
        header = _HEADER.match(sentence)
        if header is None:
            return False
        words = [t.lower() for t in _TOKEN.findall(header.group(1))]
        return self.has(words, self.system) or _contains(words, self.takeovers)

    def shifted(self, tokens: list[str]) -> int:
        """How many opening tokens are a topic-change marker ("by the way", "кстати"), 0 if none."""
        start = 1 if tokens[:1] in (["and"], ["а"], ["и"], ["oh"]) else 0
        for phrase in self.shifts:
            if tokens[start : start + len(phrase)] == list(phrase):
                return start + len(phrase)
        return 0


def _phrases(words: object) -> tuple[tuple[str, ...], ...]:
    """Phrases as token tuples, longest first (so "instead of this question" wins over "instead")."""
    found = {tuple(t.lower() for t in _TOKEN.findall(str(w))) for w in words}  # type: ignore[attr-defined]
    return tuple(sorted((p for p in found if p), key=lambda p: (-len(p), p)))


def _contains(tokens: Sequence[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    joined = f" {' '.join(tokens)} "
    return any(f" {' '.join(p)} " in joined for p in phrases)


@dataclass(frozen=True)
class _Segment:
    text: str
    addressed: bool  # second person, a request word or a question
    insulting: bool
    structured: dict[str, bool]  # per kind: the structure alone points at it (see STRUCTURED_MARGIN)


def _segments(seen: Views, lexicon: _Lexicon) -> list[_Segment]:
    """The sentences that carry a signal, from what is shown and from what is hidden; a clause after
    a topic-change marker ("…, by the way, can you…") is a sentence of its own, judged without it."""
    found: list[_Segment] = []
    for source in [seen.flat, *seen.hidden]:
        for number, sentence in enumerate(_sentences(source)):
            for clause, shifted in _clauses(sentence, lexicon):
                segment = _segment(clause, shifted, lexicon, opening=number == 0)
                if segment is not None:
                    found.append(segment)
    return found[:_MAX_SEGMENTS]


def _clauses(sentence: str, lexicon: _Lexicon) -> list[tuple[str, bool]]:
    """The sentence cut before each topic-change marker that opens it or follows a comma or a dash;
    each piece after a marker comes without the marker and is flagged."""
    starts = [0, *(m.end() for m in _PAUSE.finditer(sentence))]
    cuts: list[tuple[int, int]] = []  # (where the previous clause ends, where this one's text starts)
    for start in starts:
        tokens = list(_TOKEN.finditer(sentence, start))
        skip = lexicon.shifted([t.group().lower() for t in tokens[:6]]) if len(tokens) > 1 else 0
        if skip and skip < len(tokens):
            cuts.append((start, tokens[skip].start()))
    if not cuts:
        return [(sentence, False)]
    out = [(sentence[: cuts[0][0]].rstrip(" ,;—–-"), False)] if cuts[0][0] else []
    for (_, begin), (end, _) in zip(cuts, [*cuts[1:], (len(sentence), 0)], strict=True):
        out.append((sentence[begin:end].rstrip(" ,;—–-"), True))
    return out


def _segment(sentence: str, shifted: bool, lexicon: _Lexicon, *, opening: bool = False) -> _Segment | None:
    """A sentence with its signals, None without any. A request that opens the text or follows a
    topic-change marker is a subject of its own (the "unrelated" kind needs no extra margin)."""
    tokens = [t.lower() for t in _TOKEN.findall(sentence)]
    if len(tokens) < 2:
        return None
    takeover = lexicon.takeover(tokens, sentence)
    imperative = lexicon.imperative(tokens)
    directed = takeover or imperative or lexicon.has(tokens, lexicon.address)
    addressed = directed or lexicon.has(tokens, lexicon.requests) or sentence.rstrip().endswith("?")
    insults = sum(lexicon.has([t], lexicon.abuse) for t in tokens)
    if not (addressed or insults):
        return None
    system = takeover or (directed and lexicon.has(tokens, lexicon.system))
    structured = {
        "instructions": system,
        "score": system,
        "unrelated": (shifted and directed) or (opening and imperative and _bare_request(tokens)),
        "abuse": insults > 1 or (insults > 0 and directed),
    }
    return _Segment(sentence, addressed, insults > 0, structured)


def _bare_request(tokens: Sequence[str]) -> bool:
    """An opening imperative that is a whole request: long enough to mean something on its own, and
    not the polite plural a candidate uses to walk the interviewer through an answer ("Представьте…")."""
    return len(tokens) >= _REQUEST_TOKENS and not tokens[0].endswith(("те", "ть"))


def _sentences(text: str) -> list[str]:
    """Sentences; a colon or semicolon also ends one when both sides are long enough to mean something."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        parts = _SOFT_BREAK.split(sentence)
        merged: list[str] = []
        for part in parts:
            if merged and (len(merged[-1].split()) < 4 or len(part.split()) < 4):
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        out.extend(p.strip() for p in merged if p.strip())
    return out


# ---------------------------------------------------------------------------- the guard


class Guard:
    """Judges typed answers; thread-safe, the model and the examples' vectors load on first use."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder
        self._lock = threading.Lock()
        self._vectors: Warm[dict[str, Vectors]] | None = None
        self._source: object = None

    @property
    def embedder(self) -> Embedder:
        return self._embedder or shared_embedder()

    def _examples(self, wait: bool) -> dict[str, Vectors] | None:
        """Each kind's example vectors and the genuine answers' ("answers"), every language pooled;
        None while they are still being computed in the background (`wait=False`)."""
        data = catalog.every(GuardExamples)
        with self._lock:
            if self._vectors is None or self._source != data:  # equal texts: the same vectors
                self._vectors, self._source = Warm(lambda: self._embed_examples(data), "guard examples"), data
            vectors = self._vectors
        return vectors.get(wait=wait)

    def _embed_examples(self, data: dict[str, GuardExamples]) -> dict[str, Vectors]:
        embed = self.embedder.embed
        vectors = {k: embed([t for d in data.values() for t in d.examples[k]]) for k in MISUSE_KINDS}
        vectors["answers"] = embed([t for d in data.values() for t in d.answers])
        return vectors

    def warm_up(self) -> bool:
        """Load the model and the examples now (e.g. at start, in the background); False if it cannot."""
        try:
            self._examples(wait=True)
        except EmbedderUnavailable as exc:
            log.warning("misuse guard without its model, structural checks only: %s", exc)
            return False
        return True

    def check(self, text: str, question: Question | None = None, *, wait: bool = True) -> Verdict | None:
        """The misuse in `text` as an answer to `question`, or None when it may be an answer.

        With `wait=False` (a user is waiting) a guard whose examples are still being embedded judges
        by structure alone, and accepts what only meaning could refuse.
        """
        seen = views(text)
        if _TAGS.search(seen.flat) or any(_TAGS.search(h) for h in seen.hidden):
            return Verdict("instructions", "data tags typed as markup", 1.0)
        data = list(catalog.every(GuardExamples).values())
        segments = _segments(seen, _Lexicon(data))
        if not segments:
            return None
        try:
            examples = self._examples(wait)
            if examples is None:
                return _structural(segments)
            return self._by_meaning(segments, question, examples)
        except EmbedderUnavailable:
            return _structural(segments)

    def _by_meaning(
        self, segments: list[_Segment], question: Question | None, examples: dict[str, Vectors]
    ) -> Verdict | None:
        texts = [s.text for s in segments]
        context = _context(question)
        vectors = self.embedder.embed([*texts, *context])
        sentences, about = vectors[: len(texts)], vectors[len(texts) :]
        best: Verdict | None = None
        for segment, vector in zip(segments, sentences, strict=True):
            genuine = _nearest(examples["answers"], vector)
            if len(about):
                genuine = max(genuine, float((about @ vector).max()))
            for kind in MISUSE_KINDS:
                if not (segment.insulting if kind == "abuse" else segment.addressed):
                    continue
                margin = STRUCTURED_MARGIN[kind] if segment.structured[kind] else MARGIN[kind]
                lead = _nearest(examples[kind], vector) - genuine - margin
                if lead >= 0 and (best is None or lead > best.closeness):
                    best = Verdict(kind, segment.text, lead)
        return best


def _context(question: Question | None) -> list[str]:
    if question is None:
        return []
    topic = f"{question.topic}: {question.text}" if question.topic else question.text
    return [topic, *question.key_points]


def _nearest(examples: Vectors, vector: Vectors) -> float:
    """Mean cosine of the nearest examples."""
    similarities = examples @ vector
    count = min(_NEAREST, len(similarities))
    return float(np.sort(similarities)[-count:].mean())


def _structural(segments: list[_Segment]) -> Verdict | None:
    """Without the model: only an insult addressed to someone is clear enough."""
    for segment in segments:
        if segment.insulting and segment.addressed:
            return Verdict("abuse", segment.text)
    return None


_shared: Guard | None = None
_shared_lock = threading.Lock()


def shared_guard() -> Guard:
    """The process-wide guard (it shares the process-wide embedder)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Guard()
        return _shared
