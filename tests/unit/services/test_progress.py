"""How progress reads one chat: its evaluated attempts, its answers, and the weakest topics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onlyjobless.domain.chats import Chat, ChatStatus, Message, MessageKind, MessageRole
from onlyjobless.services.progress import _answered, _attempts, _weakest

START = datetime(2026, 11, 1, tzinfo=UTC)


def _chat(status: ChatStatus, attempt: int, score: float | None) -> Chat:
    return Chat(
        id="c1",
        user_id="u1",
        title="DevOps",
        vacancy="devops",
        language="en",
        bank_version=1,
        questions=[],
        round=[],
        current=None,
        attempt=attempt,
        status=status,
        created_at=START,
        updated_at=START + timedelta(days=5),
        overall_score=score,
    )


def _message(seq: int, kind: MessageKind, attempt: int, **extra: object) -> Message:
    return Message(
        id=f"m{seq}",
        chat_id="c1",
        seq=seq,
        created_at=START + timedelta(days=seq),
        role=MessageRole.CANDIDATE if kind == MessageKind.ANSWER else MessageRole.INTERVIEWER,
        kind=kind,
        content="text",
        attempt=attempt,
        **extra,  # type: ignore[arg-type]
    )


def test_each_evaluated_attempt_counts_once_with_its_own_score_and_time() -> None:
    messages = [
        _message(1, MessageKind.EVALUATION, 1, meta={"overall_score": 4.5}),
        _message(2, MessageKind.EVALUATION, 2, meta={"overall_score": 8}),
        _message(3, MessageKind.EVALUATION, 3, meta={"overall_score": 9.0}, complete=False),  # cut off
        _message(4, MessageKind.HINT, 3, meta={"overall_score": 1.0}),
    ]
    attempts = _attempts(_chat(ChatStatus.ACTIVE, 3, None), messages)
    assert [(a.attempt, a.score, a.finished_at.day) for a in attempts] == [(1, 4.5, 2), (2, 8.0, 3)]


def test_a_finished_chat_without_its_evaluation_message_counts_with_the_chats_score() -> None:
    attempts = _attempts(_chat(ChatStatus.FINISHED, 2, 6.5), [])
    assert [(a.attempt, a.score, a.finished_at.day) for a in attempts] == [(2, 6.5, 6)]
    assert _attempts(_chat(ChatStatus.EVALUATING, 2, None), []) == []


def test_an_answer_given_twice_to_one_question_in_one_attempt_counts_once() -> None:
    messages = [
        _message(1, MessageKind.ANSWER, 1, question_index=0),
        _message(2, MessageKind.ANSWER, 1, question_index=0),
        _message(3, MessageKind.ANSWER, 1, question_index=1),
        _message(4, MessageKind.ANSWER, 2, question_index=0),
        _message(5, MessageKind.QUESTION, 2, question_index=1),
    ]
    assert _answered(messages) == 3


def test_the_weakest_topics_are_the_lowest_averages_at_most_three() -> None:
    weakest = _weakest({"b": [4, 6], "a": [5], "c": [9], "d": [2, 10], "e": []})
    assert [(t.topic, t.average, t.questions) for t in weakest] == [
        ("a", 5.0, 1),
        ("b", 5.0, 2),
        ("d", 6.0, 2),
    ]
