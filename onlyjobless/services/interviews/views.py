"""What the engine hands the edges: chat views, chat-list lines, report rows and stream events.

Everything a screen or an API client shows is computed here once; the REST routes and the
UI states only map these values to JSON or to display strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from onlyjobless.domain.chats import (
    Chat,
    ChatQuestion,
    ChatStatus,
    ChatSummary,
    Feedback,
    Message,
    MessageKind,
)


@dataclass(frozen=True)
class Progress:
    """Where the candidate is: question `position` of `total` in this attempt."""

    position: int
    total: int
    answered: int


@dataclass(frozen=True)
class ReportRow:
    """One question of the evaluated round, as the report, its chart and the API show it."""

    number: int  # 1, 2, … in the order the questions were asked
    index: int  # the question's place in the chat
    topic: str
    text: str
    score: int | None  # 0..10; None when it was not answered
    mistake: bool
    feedback: Feedback | None

    @property
    def estimate(self) -> bool:
        """Scored by the offline estimate, not by the LLM."""
        return self.feedback is not None and self.feedback.estimate


@dataclass(frozen=True)
class SeenQuestion:
    """A question as far as the user has seen it: asked; its hint and model answer only once
    requested (the stored text); its score and feedback only from a finished evaluation.
    Key points, and the bank's hint and model answer, never leave the server."""

    index: int
    topic: str
    text: str
    used: bool
    mistakes: bool
    score: int | None
    feedback: Feedback | None
    hint: str | None
    model_answer: str | None


@dataclass(frozen=True)
class ChatView:
    """Everything a screen or an API client needs to show a chat.

    `chat` is the whole stored chat, rubric included: the edges show `questions` (what the user
    has seen), `messages`, `progress` and `report`, never `chat.questions`. `messages` is the
    newest page of a long chat; `before` reads the page before it (None: it is the whole chat).
    """

    chat: Chat
    messages: list[Message]
    stale: bool  # its questions come from an older bank version than today's
    progress: Progress
    report: list[ReportRow]  # empty until the chat is evaluated
    questions: list[SeenQuestion]  # the asked ones, in the chat's order
    before: int | None = None
    # The latest question, hint and model answer of each question (from the whole chat).
    landmarks: list[Message] = field(default_factory=list)
    # The latest answer of the current attempt to each question (read for an evaluated chat).
    answers: dict[int, str] = field(default_factory=dict)
    # A hint or model answer is being written in this chat by a stream that is still running.
    writing: bool = False

    @property
    def evaluation_due(self) -> bool:
        return self.chat.status == ChatStatus.EVALUATING

    @property
    def has_mistakes(self) -> bool:
        """A retry of the mistakes alone is possible."""
        return has_mistakes(self.chat)

    @property
    def current_message_id(self) -> str | None:
        """The message asking the current question (its latest asking), if a question is open."""
        current = self.chat.current
        if current is None:
            return None
        asking = [m for m in self.landmarks if m.kind == MessageKind.QUESTION and m.question_index == current]
        return max(asking, key=lambda m: m.seq).id if asking else None


@dataclass(frozen=True)
class ChatLine:
    """One line of a user's chat list."""

    id: str
    title: str
    vacancy: str
    language: str
    status: ChatStatus
    stale: bool
    created_at: datetime
    overall_score: float | None


@dataclass(frozen=True)
class ChatList:
    """A page of chat lines, newest first, and the cursor of the next page."""

    items: list[ChatLine]
    next_cursor: str | None


def has_mistakes(chat: Chat) -> bool:
    """Some question of the chat was flagged as a mistake by its latest evaluation."""
    return any(q.mistakes for q in chat.questions)


def progress_of(chat: Chat) -> Progress:
    total = len(chat.round)
    answered = sum(1 for index in chat.round if chat.questions[index].used)
    position = chat.round.index(chat.current) + 1 if chat.current is not None else total
    return Progress(position=position, total=total, answered=answered)


def row_of(question: ChatQuestion, number: int) -> ReportRow:
    """One evaluated question as a report row."""
    return ReportRow(
        number=number,
        index=question.index,
        topic=question.topic,
        text=question.text,
        score=question.score,
        mistake=question.mistakes,
        feedback=question.feedback,
    )


def report_of(chat: Chat) -> list[ReportRow]:
    """The rows of the latest evaluation, in the order asked; none before the chat is finished."""
    if chat.status != ChatStatus.FINISHED:
        return []
    return [row_of(chat.questions[index], number) for number, index in enumerate(chat.round, start=1)]


def seen_questions(chat: Chat, messages: list[Message]) -> list[SeenQuestion]:
    """The questions asked so far, with only what the user has been shown of each: the hint and
    model answer asked for in this attempt (a retry starts without them, as asking costs anew)."""
    asked = {m.question_index for m in messages if m.kind == MessageKind.QUESTION}
    given: dict[tuple[int | None, MessageKind], str] = {}
    for message in sorted(messages, key=lambda m: m.seq):  # the latest complete one wins
        if (
            message.kind in (MessageKind.HINT, MessageKind.MODEL_ANSWER)
            and message.complete
            and message.attempt == chat.attempt
        ):
            given[(message.question_index, message.kind)] = message.content
    judged = chat.status != ChatStatus.EVALUATING  # scores of a running evaluation are not final
    return [
        SeenQuestion(
            index=q.index,
            topic=q.topic,
            text=q.text,
            used=q.used,
            mistakes=q.mistakes and judged,
            score=q.score if judged else None,
            feedback=q.feedback if judged else None,
            hint=given.get((q.index, MessageKind.HINT)),
            model_answer=given.get((q.index, MessageKind.MODEL_ANSWER)),
        )
        for q in chat.questions
        if q.index in asked
    ]


# The kinds a view reads from the whole chat, however long: what was asked and given.
LANDMARKS = (MessageKind.QUESTION, MessageKind.HINT, MessageKind.MODEL_ANSWER)


def answers_of(chat: Chat, messages: list[Message]) -> dict[int, str]:
    """The latest answer of the chat's current attempt to each question."""
    found: dict[int, str] = {}
    for message in sorted(messages, key=lambda m: m.seq):
        if (
            message.kind == MessageKind.ANSWER
            and message.attempt == chat.attempt
            and message.question_index is not None
        ):
            found[message.question_index] = message.content
    return found


def view_of(
    chat: Chat,
    messages: list[Message],
    stale: bool,
    *,
    before: int | None = None,
    landmarks: list[Message] | None = None,
    answers: dict[int, str] | None = None,
) -> ChatView:
    """A chat's view; without `landmarks` and `answers`, `messages` is the whole chat."""
    marks = [m for m in messages if m.kind in LANDMARKS] if landmarks is None else landmarks
    return ChatView(
        chat,
        messages,
        stale,
        progress_of(chat),
        report_of(chat),
        seen_questions(chat, marks),
        before=before,
        landmarks=marks,
        answers=answers_of(chat, messages) if answers is None else answers,
    )


def newer(active: int | None, version: int) -> bool:
    """A chat is stale when its bank has a newer active version than the one it started with."""
    return active is not None and active > version


def line_of(chat: ChatSummary, active: int | None) -> ChatLine:
    """A chat-list line; `active` is the active bank version of its role and language."""
    return ChatLine(
        id=chat.id,
        title=chat.title,
        vacancy=chat.vacancy,
        language=chat.language,
        status=chat.status,
        stale=newer(active, chat.bank_version),
        created_at=chat.created_at,
        overall_score=chat.overall_score,
    )


# -- stream events --------------------------------------------------------------------------


@dataclass(frozen=True)
class Delta:
    """A chunk of text as it arrives from the LLM."""

    text: str


@dataclass(frozen=True)
class Reset:
    """The text shown so far is void (structured output is being retried)."""


@dataclass(frozen=True)
class Graded:
    """One question of an evaluation is scored: its report row, ready to show before the others."""

    row: ReportRow


@dataclass(frozen=True)
class Done:
    """The stored result of a generation; an evaluation also brings the chat and its report."""

    message: Message
    offline: bool = False
    chat: Chat | None = None
    report: tuple[ReportRow, ...] = ()


@dataclass(frozen=True)
class Failed:
    """The generation failed (`code` is translatable); what arrived is stored, incomplete, if any."""

    code: str
    partial: Message | None = None


Event = Delta | Reset | Graded | Done | Failed
