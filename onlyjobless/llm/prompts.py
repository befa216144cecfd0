"""Every prompt built in one place; their texts per language are data (data/lang/<code>/prompts.json).

Variable text (vacancy, questions, key points, the candidate's words) always travels as
delimited data blocks whose delimiters cannot be forged from inside, and every system
prompt says those blocks are data, never instructions.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import PromptTexts
from onlyjobless.llm.base import ChatMessage

MAX_PART_QUESTIONS = 4  # questions per bank generation reply: each reply stays within ~6k characters

DATA_TAGS = (
    "vacancy_title",
    "vacancy_description",
    "question",
    "key_points",
    "conversation",
    "interviewer",
    "candidate_answer",
    "item",
    "no_answer",
    "reference_answer",
    "covered_topics",
)
_FORGED_TAG = re.compile(r"<(?=\s*/?\s*(?:" + "|".join(DATA_TAGS) + r")\b)", re.IGNORECASE)
_LOOKALIKE = "\u2039"  # single left-pointing angle quotation mark: reads like "<", parses as text
_CANARY = f"cnry-{secrets.token_hex(8)}"  # random per process: never in the repository or the logs


def canary() -> str:
    """The marker planted in every system prompt; output that contains it leaked the prompt."""
    return _CANARY


@dataclass(frozen=True)
class GradingItem:
    """One answered question of a finished interview, with what the grader needs to judge it."""

    question: str
    key_points: Sequence[str]
    model_answer: str
    answer: str
    context: Sequence[ChatMessage] = ()
    """What else was said about the question before the answer (hints, a model answer shown)."""


@dataclass(frozen=True)
class GradedTopic:
    """One question's result, as the summary sees it."""

    topic: str
    score: int
    missing: str


class _Prompts(Mapping[str, PromptTexts]):
    """Every language's prompt texts, read live from the language data (a language is a folder)."""

    def __getitem__(self, language: str) -> PromptTexts:
        try:
            return catalog.text(PromptTexts, language)
        except catalog.UnsupportedLanguage:
            raise KeyError(language) from None

    def __iter__(self) -> Iterator[str]:
        return iter(catalog.codes())

    def __len__(self) -> int:
        return len(catalog.codes())


PROMPTS: Mapping[str, PromptTexts] = _Prompts()


class _Languages(Collection[str]):
    """The supported language codes, read live from the language data."""

    def __contains__(self, language: object) -> bool:
        return language in catalog.codes()

    def __iter__(self) -> Iterator[str]:
        return iter(catalog.codes())

    def __len__(self) -> int:
        return len(catalog.codes())


SUPPORTED_LANGUAGES: Collection[str] = _Languages()


def prompt_texts(language: str) -> PromptTexts:
    """The texts of a supported language; unknown codes are a programming error."""
    try:
        return catalog.text(PromptTexts, language)
    except catalog.UnsupportedLanguage:
        raise ValueError(f"unsupported prompt language: {language!r}") from None


def neutralise(text: str) -> str:
    """Defang anything in user text that looks like one of our data tags."""
    return _FORGED_TAG.sub(_LOOKALIKE, text)


def data_block(tag: str, text: str, attrs: str = "") -> str:
    """Wrap text as a data block whose closing tag cannot appear inside it."""
    opening = f"<{tag} {attrs}>" if attrs else f"<{tag}>"
    return f"{opening}\n{neutralise(text.strip())}\n</{tag}>"


def _points_block(key_points: Sequence[str]) -> str:
    """Key points as a bulleted data block."""
    return data_block("key_points", "\n".join(f"- {p.strip()}" for p in key_points))


def _system(texts: PromptTexts, template: str) -> ChatMessage:
    """The system message with the language and the data rule filled in."""
    content = template.format(language=texts.language_name, data_rule=texts.data_rule)
    return ChatMessage("system", f"{content}\n[ref {canary()}]")


def bank_generation_messages(
    vacancy_title: str,
    description: str,
    language: str,
    count: int = MAX_PART_QUESTIONS,
    covered: Sequence[str] = (),
) -> list[ChatMessage]:
    """Ask for a QuestionPart of `count` questions for a vacancy, on topics other than `covered`."""
    if not 1 <= count <= MAX_PART_QUESTIONS:
        raise ValueError(f"count must be 1..{MAX_PART_QUESTIONS}")
    texts = prompt_texts(language)
    parts = [
        texts.bank_user.format(count=count),
        data_block("vacancy_title", vacancy_title),
        data_block("vacancy_description", description),
    ]
    if covered:
        parts.append(texts.bank_more)
        parts.append(data_block("covered_topics", "\n".join(f"- {t.strip()}" for t in covered)))
    return [_system(texts, texts.bank_system), ChatMessage("user", "\n\n".join(parts))]


def _conversation_block(history: Sequence[ChatMessage]) -> str | None:
    """The conversation so far, each turn in its own data block."""
    turns = []
    for message in history:
        if message.role == "user":
            turns.append(data_block("candidate_answer", message.content))
        elif message.role == "assistant":
            turns.append(data_block("interviewer", message.content))
    if not turns:
        return None
    return "<conversation>\n" + "\n".join(turns) + "\n</conversation>"


def hint_messages(
    question: str,
    key_points: Sequence[str],
    history: Sequence[ChatMessage],
    language: str,
) -> list[ChatMessage]:
    """Ask for a nudge on the current question that does not give the answer away."""
    texts = prompt_texts(language)
    parts = [texts.hint_user, data_block("question", question), _points_block(key_points)]
    conversation = _conversation_block(history)
    if conversation is not None:
        parts.append(conversation)
    return [_system(texts, texts.hint_system), ChatMessage("user", "\n\n".join(parts))]


def model_answer_messages(question: str, key_points: Sequence[str], language: str) -> list[ChatMessage]:
    """Ask for a strong answer covering the key points."""
    texts = prompt_texts(language)
    user = "\n\n".join([texts.answer_user, data_block("question", question), _points_block(key_points)])
    return [_system(texts, texts.answer_system), ChatMessage("user", user)]


def grading_messages(item: GradingItem, language: str) -> list[ChatMessage]:
    """Ask for a QuestionGrade of one answer, against its key points and the stored model answer."""
    texts = prompt_texts(language)
    parts = [
        texts.grade_user,
        data_block("question", item.question),
        _points_block(item.key_points),
        data_block("reference_answer", item.model_answer),
    ]
    conversation = _conversation_block(item.context)
    if conversation is not None:
        parts.append(conversation)
    parts.append(data_block("candidate_answer", item.answer))
    return [_system(texts, texts.grade_system), ChatMessage("user", "\n\n".join(parts))]


def summary_messages(results: Sequence[GradedTopic], language: str) -> list[ChatMessage]:
    """Ask for a SummaryText of the interview from its per-question results."""
    if not results:
        raise ValueError("nothing to summarise")
    texts = prompt_texts(language)
    blocks = [data_block("item", f"{r.topic}: {r.score}/10. {r.missing}".strip()) for r in results]
    user = "\n\n".join([texts.summary_user, *blocks])
    return [_system(texts, texts.summary_system), ChatMessage("user", user)]
