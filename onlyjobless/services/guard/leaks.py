"""Model output that leaks the prompts: the canary planted in every system prompt, or a long verbatim
run of the prompts' instruction texts. Checked before anything the model wrote is stored or shown.

Streams are watched as they arrive: the tail that could still be the start of the canary is held
back, so a leak found mid-stream has shown at most a few words of the prompt (fewer than the run
that counts as a leak) and never the canary itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import PromptTexts
from onlyjobless.llm import canary

log = logging.getLogger(__name__)

RUN_WORDS = 8  # this many consecutive words of a prompt text, in order, is a leak
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@catalog.derived
def _prompt_runs() -> frozenset[tuple[str, ...]]:
    """Every run of RUN_WORDS words in the instruction texts of every language (placeholders break runs)."""
    runs: set[tuple[str, ...]] = set()
    for texts in catalog.every(PromptTexts).values():
        for value in texts.model_dump().values():
            for piece in _PLACEHOLDER.split(str(value)):
                words = _words(piece)
                runs.update(tuple(words[i : i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1))
    return frozenset(runs)


def leak_in(text: str) -> str | None:
    """ "canary" or "prompt" when `text` leaks the prompts, else None."""
    if canary() in text:
        return "canary"
    words = _words(text)
    runs = _prompt_runs()
    if any(tuple(words[i : i + RUN_WORDS]) in runs for i in range(len(words) - RUN_WORDS + 1)):
        return "prompt"
    return None


def leak_in_any(texts: Iterable[str]) -> str | None:
    """The first leak in any of the texts."""
    for text in texts:
        found = leak_in(text)
        if found:
            return found
    return None


def report(where: str, kind: str) -> None:
    """Log a leak without the text (the text may hold the prompt, and the log is not the place for it)."""
    log.warning("model output withheld: it leaked the %s (%s)", kind, where)


class StreamWatch:
    """Feeds a stream through the leak check: `feed` returns the text now safe to show.

    The check is incremental: each chunk is searched for the canary only where it could end, and
    only the words it completes are looked up, against the last words before them; the word the
    text ends in (it may go on in the next chunk) is checked as it stands, and again once complete.
    """

    def __init__(self) -> None:
        self._text = ""
        self._shown = 0
        self._scanned = 0  # the text before this offset is split into words
        self._tail: list[str] = []  # the last RUN_WORDS - 1 complete words (lowercased)
        self.leak: str | None = None

    @property
    def text(self) -> str:
        return self._text

    def feed(self, chunk: str) -> str:
        """Add a chunk; the new text safe to show ("" once a leak is found, and `leak` says which)."""
        start = len(self._text)
        self._text += chunk
        if self.leak is None:
            self.leak = self._check(start)
        if self.leak is not None:
            return ""
        safe = len(self._text) - _held_back(self._text)
        out, self._shown = self._text[self._shown : safe], max(self._shown, safe)
        return out

    def finish(self) -> str:
        """The end of the stream: what is still held back, if the whole text is clean."""
        if self.leak is not None:
            return ""
        out, self._shown = self._text[self._shown :], len(self._text)
        return out

    def _check(self, start: int) -> str | None:
        """A leak that the text from `start` on completes, given what came before it."""
        text, marker = self._text, canary()
        if marker in text[max(0, start - len(marker) + 1) :]:
            return "canary"
        runs, tail = _prompt_runs(), self._tail
        for match in _WORD.finditer(text, self._scanned):
            word = match.group().lower()
            if match.end() == len(text):  # the word may go on: checked as it stands, kept for later
                return "prompt" if tuple([*tail, word][-RUN_WORDS:]) in runs else None
            tail.append(word)
            self._scanned = match.end()
            if tuple(tail[-RUN_WORDS:]) in runs:
                return "prompt"
            if len(tail) >= RUN_WORDS:
                del tail[: len(tail) - RUN_WORDS + 1]
        return None


def _held_back(text: str) -> int:
    """How many characters at the end could be the start of the canary."""
    marker = canary()
    at = text.find(marker[0], max(0, len(text) - len(marker) + 1))
    while at != -1:
        if marker.startswith(text[at:]):
            return len(text) - at
        at = text.find(marker[0], at + 1)
    return 0
