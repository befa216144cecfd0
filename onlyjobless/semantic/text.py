"""Plain-text helpers for the scorer: sentences, comparison windows, words. No language is special-cased."""

from __future__ import annotations

import itertools
import re
import unicodedata

_MARKUP = re.compile(r"`+|\*+|^\s*[#>]+\s*|\|", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-•·–—]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:\w\.){2,}$")  # e.g. i.e. т.е. т.д.: not the end of a sentence
_WORD = re.compile(r"[^\W_](?:[\w'’+#.\-/]*[\w+#])?")
_CLAUSE_BREAK = re.compile(r"[.!?;:—–()\[\]\"«»]|\s-\s|\n")
_ITEM_BREAK = re.compile(r"[.!?;,()\[\]\"«»\n]")
_RELATION = re.compile(r"[:—–=→]|\s-\s")  # "Процессы — для CPU", "Write: update the database"
_COMMA_WORD = re.compile(r"[,;—–]\s*([^\W\d_]+)\b")
RELATION = ":"
"""Stands in a list item for a dash or colon: it relates the words on its sides, like a verb."""
_CODE_WORD = re.compile(r"\b([^\W\d_a-zа-яё]{2,})\b")  # upper case: SQL's ON or IS, acronyms such as IT
_MAX_SENTENCES = 40


def normalise(text: str) -> str:
    """NFKC, markdown marks and list bullets removed, runs of spaces collapsed (line breaks kept)."""
    text = unicodedata.normalize("NFKC", text)
    text = _BULLET.sub("", _MARKUP.sub("", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def sentences(text: str) -> list[str]:
    """The text's sentences (a line break or a semicolon also ends one), at most a fixed number."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(normalise(text)):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    cleaned = (part.strip(" \t-–—:,") for part in parts)
    return [part for part in cleaned if words(part)][:_MAX_SENTENCES]


def windows(parts: list[str]) -> list[str]:
    """Each sentence and each pair of neighbours: a key point is sometimes made across two sentences."""
    return parts + [f"{first} {second}" for first, second in itertools.pairwise(parts)]


def words(text: str) -> list[str]:
    """Lower-cased words, keeping technical tokens such as C#, I/O or e-mail whole (snake_case is split)."""
    return [match.group().lower().replace("’", "'") for match in _WORD.finditer(text.replace("_", " "))]


def share_of(text: str, vocabulary: frozenset[str]) -> float:
    """The share of the text's words that belong to a vocabulary (0 for a text without words)."""
    found = words(text)
    return sum(word in vocabulary for word in found) / len(found) if found else 0.0


def in_long_runs(text: str, function_words: frozenset[str], length: int) -> float:
    """The share of words standing in runs of at least `length` words with no function word and no
    clause break between them: most of a keyword list, almost none of a sentence or of terse notes."""
    total = inside = 0
    for clause in _CLAUSE_BREAK.split(normalise(text)):
        run = 0
        found = words(clause)
        total += len(found)
        for word in [*found, ""]:
            if word and word not in function_words:
                run += 1
                continue
            inside += run if run >= length else 0
            run = 0
    return inside / total if total else 0.0


def mark_code_words(text: str) -> str:
    """Upper-case words (SQL's ON, IS, AND, or IT) are keywords and acronyms, never function words:
    marked so that no vocabulary of function words matches them."""
    return _CODE_WORD.sub(r"\g<1>0", text)


def list_items(text: str, joiners: frozenset[str]) -> list[list[str]]:
    """The text's pieces between sentence ends, commas, line breaks and joining words ("and", "или");
    a dash or colon inside a piece stays in it as RELATION."""
    items: list[list[str]] = []
    for piece in _ITEM_BREAK.split(normalise(text)):
        current: list[str] = []
        tokens = [token for part in _RELATION.split(piece) for token in [RELATION, *words(part)]][1:]
        for word in tokens:
            if word in joiners:
                items.append(current)
                current = []
            else:
                current.append(word)
        items.append(current)
    return [item for item in items if item]


def in_bare_items(
    text: str, function_words: frozenset[str], joiners: frozenset[str], size: int
) -> tuple[int, float]:
    """How many list items are bare, at most `size` content words with function words only at their
    edges ("the locks", "для коротких транзакций"), and the share of all content words standing in
    them: nearly all of a keyword list however it is joined, little of a sentence. A dash or colon
    between words relates them ("Процессы — для CPU")."""
    relating_words = function_words | {RELATION}
    bare = inside = total = 0
    for item in list_items(text, joiners):
        content = [n for n, word in enumerate(item) if word not in relating_words]
        if not content:
            continue
        total += len(content)
        relating = any(word in relating_words for word in item[content[0] : content[-1] + 1])
        if not relating and len(content) <= size:
            bare += 1
            inside += len(content)
    return bare, inside / total if total else 0.0


def contrast_split(sentence: str, contrast_words: frozenset[str]) -> tuple[str, str, str]:
    """The sentence around its first comma followed by a contrast word ("…, but …", "…, но …"):
    (before, the contrast word, after); ("sentence", "", "") when there is none."""
    for match in _COMMA_WORD.finditer(sentence):
        if match.group(1).lower() in contrast_words:
            return sentence[: match.start()], match.group(1), sentence[match.end() :].strip()
    return sentence, "", ""


def content_words(text: str, function_words: frozenset[str]) -> set[str]:
    """The words that carry meaning: not function words, not single characters."""
    return {word for word in words(text) if word not in function_words and len(word) > 1}


def same_stem(first: str, second: str) -> bool:
    """Crude language-neutral stemming: two words agree up to the last letter of the shorter one,
    at most five letters and at least three ("lock"/"locks", "базу"/"базы", "influence"/"influences")."""
    needed = max(3, min(5, len(first) - 1, len(second) - 1))
    return len(first) >= needed and first[:needed] == second[:needed]


def share_from(said: set[str], source: set[str]) -> float:
    """The share of the words said that the source already has (up to stemming); 0 when nothing was said."""
    if not said:
        return 0.0
    return sum(any(same_stem(word, known) for known in source) for word in said) / len(said)
