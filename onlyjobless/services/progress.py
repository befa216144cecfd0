"""Progress across attempts: for each role a user practised, every evaluated attempt's score over
time, the topics with the lowest average scores and how many questions were answered.

Everything is read through the chat store (chats and their messages), whichever backend it is.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from onlyjobless.domain.chats import Chat, ChatStatus, Message, MessageKind
from onlyjobless.domain.errors import InvalidInput
from onlyjobless.services.interviews import ChatView, Interviews
from onlyjobless.storage.chats import ChatStore

WEAKEST = 3  # topics listed per role
PAGE = 100


@dataclass(frozen=True)
class AttemptScore:
    """One evaluated attempt of a chat: its overall score and when it was evaluated."""

    chat_id: str
    attempt: int
    score: float
    finished_at: datetime


@dataclass(frozen=True)
class TopicScore:
    """A topic's average latest score over the role's questions on it."""

    topic: str
    average: float
    questions: int


@dataclass(frozen=True)
class RoleProgress:
    """One role the user practised."""

    vacancy: str
    title: str  # the newest chat's title (in that chat's language)
    language: str  # the newest chat's language
    attempts: list[AttemptScore]  # oldest first
    weakest: list[TopicScore]  # lowest average first
    answered: int  # answers given, every attempt counted

    @property
    def average(self) -> float | None:
        if not self.attempts:
            return None
        return round(sum(a.score for a in self.attempts) / len(self.attempts), 1)


@dataclass(frozen=True)
class ProgressReport:
    """Every role the user practised, the most recently practised first; empty for a new user."""

    roles: list[RoleProgress]


@dataclass
class _Role:
    chats: list[Chat]
    attempts: list[AttemptScore]
    topics: dict[str, list[int]]
    answered: int = 0


def _attempts(chat: Chat, messages: list[Message]) -> list[AttemptScore]:
    """Each evaluated attempt's score, from its evaluation message (one per attempt), or the chat."""
    found: dict[int, AttemptScore] = {}
    for message in messages:
        score = message.meta.get("overall_score")
        if message.kind == MessageKind.EVALUATION and isinstance(score, int | float) and message.complete:
            found[message.attempt] = AttemptScore(chat.id, message.attempt, float(score), message.created_at)
    if chat.status == ChatStatus.FINISHED and chat.attempt not in found and chat.overall_score is not None:
        found[chat.attempt] = AttemptScore(chat.id, chat.attempt, chat.overall_score, chat.updated_at)
    return list(found.values())


def _answered(messages: list[Message]) -> int:
    """Questions answered: one per question and attempt (a repeated answer counts once)."""
    return len(
        {
            (m.attempt, m.question_index)
            for m in messages
            if m.kind == MessageKind.ANSWER and m.question_index is not None
        }
    )


def _weakest(topics: dict[str, list[int]]) -> list[TopicScore]:
    scored = [TopicScore(topic, round(sum(s) / len(s), 1), len(s)) for topic, s in topics.items() if s]
    return sorted(scored, key=lambda t: (t.average, t.topic))[:WEAKEST]


def _role(vacancy: str, role: _Role) -> RoleProgress:
    newest = role.chats[0]
    return RoleProgress(
        vacancy=vacancy,
        title=newest.title,
        language=newest.language,
        attempts=sorted(role.attempts, key=lambda a: a.finished_at),
        weakest=_weakest(role.topics),
        answered=role.answered,
    )


class Progress:
    """A user's progress, read from their own chats; practising starts an interview like any start."""

    def __init__(self, store: ChatStore, interviews: Interviews) -> None:
        self._store = store
        self._interviews = interviews

    async def _chats(self, user_id: str) -> list[Chat]:
        """Every chat of the user, newest first."""
        chats: list[Chat] = []
        cursor: str | None = None
        while True:
            page = await self._store.list_chats(user_id, limit=PAGE, cursor=cursor)
            chats += [await self._store.get_chat(user_id, line.id) for line in page.items]
            cursor = page.next_cursor
            if cursor is None:
                return chats

    async def report(self, user_id: uuid.UUID) -> ProgressReport:
        owner = str(user_id)
        roles: dict[str, _Role] = {}
        for chat in await self._chats(owner):
            messages = await self._store.list_messages(owner, chat.id)
            role = roles.setdefault(chat.vacancy, _Role([], [], defaultdict(list)))
            role.chats.append(chat)
            role.attempts += _attempts(chat, messages)
            role.answered += _answered(messages)
            for question in chat.questions:
                if question.score is not None:
                    role.topics[question.topic].append(question.score)
        return ProgressReport([_role(vacancy, role) for vacancy, role in roles.items()])

    async def practise(self, user_id: uuid.UUID, vacancy: object, language: str) -> ChatView:
        """A new interview for a role the user practised (counted toward today's limit).

        The bank asks every topic of the role: the weakest ones cannot be picked alone yet.
        """
        report = await self.report(user_id)
        role = next((r for r in report.roles if r.vacancy == vacancy), None)
        if role is None:
            raise InvalidInput("vacancy_unknown")
        return await self._interviews.start(user_id, role.title, language)
