"""The report of an evaluated chat as Markdown and as PDF (its text extracted back with pypdf)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from onlyjobless import i18n
from onlyjobless.domain.chats import (
    Chat,
    ChatQuestion,
    ChatStatus,
    Feedback,
    Message,
    MessageKind,
    MessageRole,
)
from onlyjobless.domain.errors import Conflict, Unavailable
from onlyjobless.services.interviews.views import view_of
from onlyjobless.services.reports import Report, build_report
from onlyjobless.services.reports.markdown import render_markdown
from onlyjobless.services.reports.pdf import render_pdf

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def _question(index: int, score: int | None, topic: str) -> ChatQuestion:
    feedback = (
        None
        if score is None
        else Feedback(good="Ясно про GIL", missing="Нет примера с asyncio", strong_answer="Пример с очередью")
    )
    return ChatQuestion(
        index=index,
        topic=topic,
        text=f"Вопрос {index}: как работает GIL?",
        key_points=["GIL"],
        hint="",
        model_answer="",
        used=True,
        mistakes=score != 10,
        score=score,
        feedback=feedback,
    )


def _chat(status: ChatStatus = ChatStatus.FINISHED, source: str = "llm") -> Chat:
    return Chat(
        id="c1",
        user_id="u1",
        title="Python-разработчик",
        vacancy="backend-python",
        language="ru",
        bank_version=1,
        questions=[_question(0, 7, "Многопоточность"), _question(1, None, "Базы данных")],
        round=[0, 1],
        current=None,
        attempt=2,
        status=status,
        created_at=NOW,
        updated_at=NOW,
        overall_score=3.5,
        summary="Хорошая база, мало примеров.",
        evaluation_source=source,  # type: ignore[arg-type]
    )


def _answer(seq: int, attempt: int, text: str) -> Message:
    return Message(
        id=f"m{seq}",
        chat_id="c1",
        seq=seq,
        created_at=NOW,
        role=MessageRole.CANDIDATE,
        kind=MessageKind.ANSWER,
        content=text,
        question_index=0,
        attempt=attempt,
    )


def _report(status: ChatStatus = ChatStatus.FINISHED, source: str = "llm") -> Report:
    messages = [
        _answer(1, 1, "Старый ответ"),
        _answer(2, 2, "Глобальная блокировка интерпретатора\nвторая строка"),
    ]
    return build_report(view_of(_chat(status, source), messages, stale=False))


def test_the_report_takes_the_latest_answer_of_the_attempt_and_the_rows_in_order() -> None:
    report = _report()
    assert [e.row.number for e in report.entries] == [1, 2]
    assert report.entries[0].answer.startswith("Глобальная блокировка")
    assert report.entries[1].answer == ""
    assert report.slug == "python-разработчик-attempt-2"


def test_no_report_before_the_evaluation() -> None:
    with pytest.raises(Conflict) as raised:
        _report(ChatStatus.EVALUATING)
    assert raised.value.code == "report_not_ready"


def test_scores_are_written_as_the_language_writes_them() -> None:
    assert i18n.score_text(7.5, "en") == "7.5/10"
    assert i18n.score_text(7.5, "ru") == "7,5/10"
    assert i18n.score_text(None, "ru") == "нет ответа"


def test_markdown_has_every_part_of_the_report() -> None:
    text = render_markdown(_report())
    assert text.startswith("# Отчёт: Python-разработчик\n")
    assert "**Общая оценка: 3,5/10**" in text
    assert "## 1. Многопоточность — 7/10" in text
    assert "> Глобальная блокировка интерпретатора\n> вторая строка" in text
    assert "Старый ответ" not in text  # an earlier attempt's answer
    assert "Нет примера с asyncio" in text and "Пример с очередью" in text
    assert "Хорошая база, мало примеров." in text
    assert "Ответа не было." in text  # the unanswered question


def test_an_offline_estimate_says_so() -> None:
    head = render_markdown(_report(source="offline")).split("## 1.")[0]
    assert "\n> Офлайн-оценка" in head
    assert "\n> " not in render_markdown(_report()).split("## 1.")[0]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_keeps_the_russian_text() -> None:
    data = render_pdf(_report())
    assert data.startswith(b"%PDF-")
    text = " ".join(_pdf_text(data).split())
    for expected in (
        "Отчёт: Python-разработчик",
        "3,5/10",
        "1. Многопоточность — 7/10",
        "Глобальная блокировка интерпретатора",
        "Нет примера с asyncio",
        "Хорошая база, мало примеров.",
        "Ответа не было.",
    ):
        assert expected in text, expected


def test_a_long_report_flows_onto_more_pages() -> None:
    report = _report()
    long = type(report.entries[0])(report.entries[0].row, "Длинный ответ. " * 600)
    data = render_pdf(type(report)(**{**report.__dict__, "entries": [long, *report.entries]}))
    assert len(PdfReader(io.BytesIO(data)).pages) > 1


def test_without_the_font_the_pdf_is_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FONT_DIR", str(tmp_path))
    with pytest.raises(Unavailable) as raised:
        render_pdf(_report())
    assert raised.value.code == "report_font_missing"


def test_an_offline_estimate_says_so_in_the_pdf() -> None:
    text = " ".join(_pdf_text(render_pdf(_report(source="offline"))).split())
    assert "Офлайн-оценка: модель интервьюера недоступна" in text
    assert "Офлайн-оценка" not in _pdf_text(render_pdf(_report()))
