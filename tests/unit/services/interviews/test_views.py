"""The values the engine computes once for both edges: progress, report rows, chat views."""

from __future__ import annotations

from datetime import UTC, datetime

from onlyjobless.domain.chats import (
    Chat,
    ChatQuestion,
    ChatStatus,
    Feedback,
    Message,
    MessageKind,
    MessageRole,
)
from onlyjobless.services.interviews.views import (
    SeenQuestion,
    has_mistakes,
    progress_of,
    report_of,
    seen_questions,
    view_of,
)

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def _chat(**changes: object) -> Chat:
    questions = [
        ChatQuestion(index=i, topic=f"t{i}", text=f"q{i}", key_points=["a"], hint="h", model_answer="m")
        for i in range(4)
    ]
    fields: dict[str, object] = {
        "id": "c1",
        "user_id": "u1",
        "title": "DevOps",
        "vacancy": "devops",
        "language": "en",
        "bank_version": 1,
        "questions": questions,
        "round": [0, 1, 2, 3],
        "current": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Chat.model_validate(fields | changes)


def test_progress_counts_the_round_of_this_attempt() -> None:
    chat = _chat(round=[1, 3], current=3)
    chat.questions[1].used = True
    assert progress_of(chat).__dict__ == {"position": 2, "total": 2, "answered": 1}
    done = _chat(round=[1, 3], current=None)
    assert progress_of(done).position == 2


def test_no_report_before_the_evaluation() -> None:
    assert report_of(_chat(status=ChatStatus.EVALUATING, current=None)) == []


def test_report_rows_follow_the_round_numbered_from_one() -> None:
    chat = _chat(status=ChatStatus.FINISHED, current=None, round=[1, 3])
    chat.questions[1].score, chat.questions[1].mistakes = 10, False
    chat.questions[1].feedback = Feedback(good="g", missing="", strong_answer="s")
    chat.questions[3].mistakes = True  # not answered: no score
    rows = report_of(chat)
    assert [(r.number, r.index, r.topic, r.score, r.mistake) for r in rows] == [
        (1, 1, "t1", 10, False),
        (2, 3, "t3", None, True),
    ]
    assert rows[0].feedback is not None and rows[0].feedback.good == "g" and rows[1].feedback is None


def test_a_view_says_what_is_due_and_whether_mistakes_can_be_retried() -> None:
    evaluating = view_of(_chat(status=ChatStatus.EVALUATING, current=None), [], stale=True)
    assert evaluating.evaluation_due and evaluating.stale and not evaluating.has_mistakes
    finished = _chat(status=ChatStatus.FINISHED, current=None)
    finished.questions[2].mistakes = True
    view = view_of(finished, [], stale=False)
    assert not view.evaluation_due and view.has_mistakes and len(view.report) == 4


def _message(seq: int, kind: MessageKind, question: int | None = None) -> Message:
    return Message(
        id=f"m{seq}",
        chat_id="c1",
        seq=seq,
        created_at=NOW,
        role=MessageRole.INTERVIEWER,
        kind=kind,
        content="...",
        question_index=question,
    )


def test_the_current_question_is_its_latest_asking() -> None:
    messages = [
        _message(1, MessageKind.GREETING),
        _message(2, MessageKind.QUESTION, 0),
        _message(3, MessageKind.QUESTION, 1),
        _message(4, MessageKind.NOTICE),
        _message(5, MessageKind.QUESTION, 1),  # asked again in a retry
    ]
    assert view_of(_chat(current=1), messages, stale=False).current_message_id == "m5"
    assert view_of(_chat(current=0), messages, stale=False).current_message_id == "m2"
    assert view_of(_chat(current=2), messages, stale=False).current_message_id is None
    assert view_of(_chat(current=None), messages, stale=False).current_message_id is None


def test_mistakes_are_read_from_the_chat_alone() -> None:
    chat = _chat(status=ChatStatus.FINISHED, current=None)
    assert not has_mistakes(chat)
    chat.questions[3].mistakes = True
    assert has_mistakes(chat)


def _said(
    kind: MessageKind, question: int, content: str, seq: int, complete: bool = True, attempt: int = 1
) -> Message:
    return Message(
        id=f"m{seq}",
        chat_id="c1",
        seq=seq,
        created_at=NOW,
        role=MessageRole.INTERVIEWER,
        kind=kind,
        content=content,
        complete=complete,
        question_index=question,
        attempt=attempt,
    )


def test_seen_questions_are_the_asked_ones_with_only_the_texts_given() -> None:
    chat = _chat(current=1)
    messages = [
        _said(MessageKind.QUESTION, 0, "q0", 1),
        _said(MessageKind.HINT, 0, "cut", 2, complete=False),
        _said(MessageKind.HINT, 0, "nudge", 3),
        _said(MessageKind.QUESTION, 1, "q1", 4),
        _said(MessageKind.MODEL_ANSWER, 1, "partial", 5, complete=False),
    ]
    seen = seen_questions(chat, messages)
    assert [(q.index, q.hint, q.model_answer) for q in seen] == [(0, "nudge", None), (1, None, None)]
    assert "key_points" not in SeenQuestion.__dataclass_fields__


def test_a_retry_shows_only_the_hints_and_model_answers_asked_for_in_it() -> None:
    retried = _chat(current=0, attempt=2)
    messages = [
        _said(MessageKind.QUESTION, 0, "q0", 1),
        _said(MessageKind.HINT, 0, "first nudge", 2),
        _said(MessageKind.MODEL_ANSWER, 0, "first answer", 3),
        _said(MessageKind.QUESTION, 1, "q1", 4),
        _said(MessageKind.QUESTION, 0, "q0", 5, attempt=2),
        _said(MessageKind.HINT, 1, "old nudge", 6),
    ]
    seen = seen_questions(retried, messages)
    assert [(q.index, q.hint, q.model_answer) for q in seen] == [(0, None, None), (1, None, None)]
    messages.append(_said(MessageKind.HINT, 0, "new nudge", 7, attempt=2))
    assert seen_questions(retried, messages)[0].hint == "new nudge"


def test_scores_are_hidden_while_the_evaluation_runs() -> None:
    chat = _chat(status=ChatStatus.EVALUATING, current=None)
    chat.questions[0].score, chat.questions[0].mistakes = 3, True
    chat.questions[0].feedback = Feedback(good="g", missing="m", strong_answer="s")
    asked = [_said(MessageKind.QUESTION, 0, "q0", 1)]
    (running,) = seen_questions(chat, asked)
    assert (running.score, running.mistakes, running.feedback) == (None, False, None)
    (finished,) = seen_questions(chat.model_copy(update={"status": ChatStatus.FINISHED}), asked)
    assert (finished.score, finished.mistakes) == (3, True) and finished.feedback is not None
