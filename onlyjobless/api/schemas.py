"""Request and response bodies of the REST API."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onlyjobless.api.fields import (
    Answer,
    NewPassword,
    NewUsername,
    Password,
    ShortText,
    Text,
    Timestamp,
    Token,
    Username,
)
from onlyjobless.services.accounts import TokenPair, UserPublic
from onlyjobless.services.interviews import ChatView, ReportRow


class Body(BaseModel):
    """Request bodies refuse unknown fields so typos are caught, not ignored."""

    model_config = ConfigDict(extra="forbid")


class RegisterIn(Body):
    username: NewUsername
    password: NewPassword
    preferred_language: ShortText = "en"


class LoginIn(Body):
    username: Username
    password: Password


class RefreshIn(Body):
    refresh_token: Token


class TicketIn(Body):
    ticket: Token


class ProfileIn(Body):
    username: NewUsername | None = None
    preferred_language: ShortText | None = None


class PasswordIn(Body):
    current_password: Password
    new_password: NewPassword


class UserOut(BaseModel):
    id: uuid.UUID
    username: str
    preferred_language: str
    created_at: Timestamp

    @classmethod
    def of(cls, user: UserPublic) -> UserOut:
        return cls(**user.__dict__)


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int

    @classmethod
    def of(cls, pair: TokenPair) -> TokensOut:
        return cls(**pair.__dict__)


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "down"]
    chat_store: Literal["ok", "down"]
    llm: Literal["ok", "down"]
    down: list[Literal["database", "chat_store", "llm"]] = Field(
        default_factory=list, description="The parts that do not answer (empty when all are ok)."
    )
    version: str


# -- interviews -----------------------------------------------------------------------------


class StartIn(Body):
    position: Text


class AnswerIn(Body):
    content: Answer


class RetryIn(Body):
    mode: Literal["all", "mistakes"]


class Out(BaseModel):
    """Response bodies are read from the services' objects by attribute."""

    model_config = ConfigDict(from_attributes=True)


class QuotaOut(Out):
    limit: int
    used: int
    remaining: int
    resets_at: Timestamp


class FeedbackOut(Out):
    good: str
    missing: str
    strong_answer: str
    estimate: bool


class ReportRowOut(BaseModel):
    """One evaluated question: a `row` event of Finish's stream, and an entry of its `done` event."""

    number: int
    index: int
    topic: str
    score: int | None
    mistakes: bool
    estimate: bool
    feedback: FeedbackOut | None

    @classmethod
    def of(cls, row: ReportRow) -> ReportRowOut:
        return cls(
            number=row.number,
            index=row.index,
            topic=row.topic,
            score=row.score,
            mistakes=row.mistake,
            estimate=row.estimate,
            feedback=FeedbackOut.model_validate(row.feedback) if row.feedback else None,
        )


class QuestionOut(Out):
    """An asked question, with only what its user has seen: the hint and model answer they asked
    for (null before), the score and feedback of a finished evaluation. No key points."""

    index: int
    topic: str
    text: str
    hint: str | None
    model_answer: str | None
    used: bool
    mistakes: bool
    score: int | None
    feedback: FeedbackOut | None


class MessageOut(Out):
    role: str
    kind: str
    content: str
    complete: bool
    question_index: int | None
    attempt: int
    meta: dict[str, Any]
    dedupe_key: str | None
    id: str
    chat_id: str
    seq: int
    created_at: Timestamp


class ChatListItem(Out):
    id: str
    title: str
    vacancy: str
    language: str
    status: str
    stale: bool
    created_at: Timestamp
    overall_score: float | None


class ChatListOut(Out):
    items: list[ChatListItem]
    next_cursor: str | None


class ProgressOut(Out):
    position: int
    total: int
    answered: int


class ChatOut(BaseModel):
    id: str
    title: str
    vacancy: str
    language: str
    status: str
    stale: bool
    evaluation_due: bool
    writing: bool = Field(
        description="A hint or model answer is being written in this chat right now (asking another one "
        "is refused with generation_busy until it ends). A try cut off because its server stopped is "
        'in `messages` as an incomplete message with meta {"cut": true} and a note in its content.'
    )
    attempt: int
    bank_version: int
    current: int | None
    round: list[int]
    progress: ProgressOut
    overall_score: float | None
    summary: str | None
    evaluation_source: str | None
    questions: list[QuestionOut]
    messages: list[MessageOut] = Field(
        description="The newest page of messages in order (seq ascending), not the whole of a long chat."
    )
    before: int | None = Field(
        description="Older messages exist: pass this as `before` to GET /api/chats/{id} for the page "
        "before; null when `messages` starts at the chat's first message."
    )
    created_at: Timestamp

    @classmethod
    def of(cls, view: ChatView) -> ChatOut:
        chat = view.chat
        return cls(
            id=chat.id,
            title=chat.title,
            vacancy=chat.vacancy,
            language=chat.language,
            status=chat.status,
            stale=view.stale,
            evaluation_due=view.evaluation_due,
            writing=view.writing,
            attempt=chat.attempt,
            bank_version=chat.bank_version,
            current=chat.current,
            round=chat.round,
            progress=ProgressOut.model_validate(view.progress),
            overall_score=chat.overall_score,
            summary=chat.summary,
            evaluation_source=chat.evaluation_source,
            questions=[QuestionOut.model_validate(q) for q in view.questions],
            messages=[MessageOut.model_validate(m) for m in view.messages],
            before=view.before,
            created_at=chat.created_at,
        )


class AttemptScoreOut(Out):
    chat_id: str
    attempt: int
    score: float
    finished_at: Timestamp


class TopicScoreOut(Out):
    topic: str
    average: float
    questions: int


class RoleProgressOut(Out):
    vacancy: str
    title: str
    language: str
    attempts: list[AttemptScoreOut]
    weakest: list[TopicScoreOut]
    answered: int
    average: float | None


class ProgressReportOut(Out):
    roles: list[RoleProgressOut]
