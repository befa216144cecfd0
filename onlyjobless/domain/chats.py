"""The chat documents (DESIGN §3), the same whichever store keeps them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ChatStatus(StrEnum):
    """Where a chat is: being answered, waiting for its evaluation, evaluated."""

    ACTIVE = "active"
    EVALUATING = "evaluating"
    FINISHED = "finished"


class MessageRole(StrEnum):
    """Who speaks."""

    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    SYSTEM = "system"


class MessageKind(StrEnum):
    """What a message is; the stored value and the API's."""

    GREETING = "greeting"
    QUESTION = "question"
    ANSWER = "answer"
    HINT = "hint"
    MODEL_ANSWER = "model_answer"
    EVALUATION = "evaluation"
    REFUSAL = "refusal"
    NOTICE = "notice"


class Feedback(BaseModel):
    """The evaluation of one answered question."""

    model_config = ConfigDict(extra="forbid")

    good: str = ""
    missing: str = ""
    strong_answer: str = ""
    estimate: bool = False  # scored offline by meaning, not by the LLM (which failed or was away)


class ChatQuestion(BaseModel):
    """A bank question copied into the chat, with its flags and its evaluation."""

    model_config = ConfigDict(extra="forbid")

    index: int
    topic: str
    text: str
    key_points: list[str]
    hint: str
    model_answer: str
    used: bool = False  # asked and answered in the current attempt
    mistakes: bool = False  # scored below 10 in the latest evaluation
    score: int | None = None  # 0..10, None when not evaluated or not answered
    feedback: Feedback | None = None


class NewChat(BaseModel):
    """What the engine hands the store to create a chat."""

    model_config = ConfigDict(extra="forbid")

    user_id: str
    title: str
    vacancy: str
    language: str
    bank_version: int
    questions: list[ChatQuestion]
    round: list[int]  # question indexes asked in the current attempt, in order
    current: int | None  # the question index being asked now, None when none
    attempt: int = 1
    status: ChatStatus = ChatStatus.ACTIVE


class Chat(NewChat):
    """A stored chat; `revision` grows with every update (optimistic concurrency)."""

    id: str
    created_at: datetime
    updated_at: datetime
    revision: int = 0
    overall_score: float | None = None
    summary: str | None = None
    evaluation_source: Literal["llm", "offline", "mixed"] | None = None
    """Who scored the answers: the LLM, the offline estimate, or each some of them."""


class ChatSummary(BaseModel):
    """A line of the sidebar."""

    id: str
    title: str
    vacancy: str
    language: str
    status: ChatStatus
    bank_version: int
    created_at: datetime
    overall_score: float | None = None


class ChatPage(BaseModel):
    """One page of a user's chats, newest first, and the cursor of the next page."""

    items: list[ChatSummary]
    next_cursor: str | None = None


class NewMessage(BaseModel):
    """What the engine hands the store to append a message."""

    model_config = ConfigDict(extra="forbid")

    role: MessageRole
    kind: MessageKind
    content: str
    complete: bool = True
    question_index: int | None = None
    attempt: int = 1
    meta: dict[str, Any] = Field(default_factory=dict)
    # Appending twice with the same key returns the first message: retries never duplicate.
    dedupe_key: str | None = None


class Message(NewMessage):
    """A stored message; `seq` orders a chat's messages."""

    id: str
    chat_id: str
    seq: int
    created_at: datetime


class MessagePage(BaseModel):
    """A page of a chat's messages in order (seq ascending); `before` reads the page before it.

    `before` is the seq of the page's first message when older messages exist, else None.
    """

    items: list[Message]
    before: int | None = None
