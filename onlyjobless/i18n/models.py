"""The shape of every per-language file in onlyjobless/data/lang/<code>/, one pydantic model each.

A new kind of language data is a model here and one line in FILES; every language folder must
then hold that file, and the loader validates it with the others.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

Words = list[str]
MISUSE_KINDS = ("instructions", "score", "unrelated", "abuse")  # in the order a tie is resolved


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
    return pattern


class _LanguageFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UiStrings(RootModel[dict[str, str]]):
    """ui.json: the interface strings, key to text; `{name}` placeholders are filled when shown."""

    @field_validator("root")
    @classmethod
    def _named(cls, value: dict[str, str]) -> dict[str, str]:
        if not value.get("language.name", "").strip():
            raise ValueError("ui.json needs the language's own name under 'language.name'")
        return value


class PromptTexts(_LanguageFile):
    """prompts.json: the instruction texts of the LLM prompts; `{language}`, `{data_rule}`, `{count}`
    are filled in."""

    language_name: str = Field(min_length=1)
    data_rule: str = Field(min_length=1)
    bank_system: str = Field(min_length=1)
    bank_user: str = Field(min_length=1)
    bank_more: str = Field(min_length=1)
    hint_system: str = Field(min_length=1)
    hint_user: str = Field(min_length=1)
    answer_system: str = Field(min_length=1)
    answer_user: str = Field(min_length=1)
    grade_system: str = Field(min_length=1)
    """Grading one answer, with the rubric's score anchors."""
    grade_user: str = Field(min_length=1)
    summary_system: str = Field(min_length=1)
    summary_user: str = Field(min_length=1)


class GuardExamples(_LanguageFile):
    """guard.json: what the misuse guard compares an answer with, and the words of its cheap signals.

    examples: requests of each kind of misuse, written in this language (the guard compares
    meaning, so they are examples, not patterns); answers: genuine answers that talk about the same
    things (injection, prompts, scores, limits, ignoring, role-play). The word lists are signals
    that a sentence is addressed to someone (address, requests), names the system (system_nouns)
    or insults (abuse); a list entry of 7+ letters also matches words it begins, less its last two.
    topic_shifts: phrases that start a new request inside an answer ("by the way", "instead of
    this"), after which the clause is judged on its own; takeovers: phrases that set rules for the
    rest of the conversation ("from now on"), so the sentence is addressed to the system.
    imperative_endings: word endings of this language's imperative mood, for a clause's first word.
    modals: request words that only say someone should do something ("must", "нужно"): a request
    when addressed to "you", a description when its subject is a thing ("the system must reject").
    """

    address: Words
    requests: Words
    system_nouns: Words
    abuse: Words
    topic_shifts: Words = Field(default_factory=list)
    takeovers: Words = Field(default_factory=list)
    imperative_endings: Words = Field(default_factory=list)
    modals: Words = Field(default_factory=list)
    examples: dict[str, list[str]]
    answers: list[str] = Field(min_length=1)

    @field_validator("examples")
    @classmethod
    def _kinds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(MISUSE_KINDS) or any(not texts for texts in value.values()):
            raise ValueError(f"examples needs texts for each of {', '.join(MISUSE_KINDS)}")
        return value


class MatcherWords(_LanguageFile):
    """matcher.json: the vacancy matcher's word lists, and how this language's text is folded.

    transliteration maps letters to Latin, so a name written in this language is also found when
    typed in Latin letters; folding maps letters that are spelled either way ("ё" as "е");
    symbols are (pattern, replacement) rewrites applied before splitting into words ("C#").
    """

    seniority: Words  # always dropped: a junior and a senior take the same interview
    leadership: Words  # dropped in one reading ("Lead Python Developer"), kept in the other ("Team Lead")
    fillers: Words  # role nouns that say nothing about which role ("developer")
    broad_fillers: Words  # of those, the ones every industry uses too ("specialist"): no sign of IT
    agent_suffixes: dict[str, str]  # a technology made a person ("питонист"): suffix → the role noun
    stop_words: Words
    weak: Words  # too common to name a role alone ("manager")
    veto: Words  # non-IT qualifiers that refuse a partial hit ("sales")
    technologies: Words  # languages, frameworks, tools: they qualify a role ("Data engineer (Scala)")
    everyday: Words  # technology names that are everyday words too ("java" coffee, "ruby" gems)
    management: Words  # management nouns every industry has ("manager"): not IT on their own
    phonetic: list[tuple[str, str]]  # rewrites of Latin spellings to a sound key ("ph" → "f")
    transliteration: dict[str, str]
    folding: dict[str, str]
    symbols: list[tuple[str, str]]

    @field_validator("symbols", "phonetic")
    @classmethod
    def _patterns(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(_compiles(pattern), replacement) for pattern, replacement in value]


# Every file a language folder holds, by model; TEMPLATES are the ones whose texts are
# str.format templates, so their {placeholders} must be the same in every language.
FILES: dict[type[BaseModel], str] = {
    UiStrings: "ui.json",
    PromptTexts: "prompts.json",
    GuardExamples: "guard.json",
    MatcherWords: "matcher.json",
}
TEMPLATES: frozenset[type[BaseModel]] = frozenset({UiStrings, PromptTexts})
