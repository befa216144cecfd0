"""A retry's new round: which questions are asked again, and how a refused retry is put back."""

from __future__ import annotations

from typing import Any

from onlyjobless.domain.chats import Chat, ChatQuestion
from onlyjobless.domain.errors import Conflict, Unavailable
from onlyjobless.storage.chats import ChatStore, RevisionConflict

# What a retry changes, and its undo puts back.
RETRY_FIELDS = (
    "questions",
    "round",
    "current",
    "attempt",
    "status",
    "overall_score",
    "summary",
    "evaluation_source",
)


def next_round(questions: list[ChatQuestion], *, all_questions: bool) -> tuple[list[ChatQuestion], list[int]]:
    """The questions with their flags reset for the next attempt, and the round to ask."""
    fresh = [q.model_copy() for q in questions]
    if all_questions:
        for question in fresh:
            question.used = question.mistakes = False
            question.score, question.feedback = None, None
        return fresh, [q.index for q in fresh]
    round_ = [q.index for q in fresh if q.mistakes]
    if not round_:
        raise Conflict("no_mistakes")
    for index in round_:
        fresh[index].used = False
    return fresh, round_


async def undo_retry(store: ChatStore, finished: Chat, retried: Chat) -> None:
    """Put back the finished chat a retry claimed when the retry was refused after all."""
    changes: dict[str, Any] = {field: getattr(finished, field) for field in RETRY_FIELDS}
    revision = retried.revision
    for _ in range(5):
        try:
            await store.update_chat(finished.user_id, finished.id, revision, changes)
            return
        except RevisionConflict:  # touched in the moment it was claimed: put it back still
            revision = (await store.get_chat(finished.user_id, finished.id)).revision
    raise Unavailable("chat_busy")  # pragma: no cover - five lost races in a row
