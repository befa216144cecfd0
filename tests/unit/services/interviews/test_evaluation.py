"""The evaluation's pure parts: the score cap, a verdict becoming a report row, the source, the summary."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from onlyjobless.domain.chats import Chat, ChatQuestion, ChatStatus
from onlyjobless.semantic import E5Embedder, SemanticScorer
from onlyjobless.services.interviews import evaluation, grading, offline
from onlyjobless.services.interviews.offline import Verdict
from onlyjobless.services.interviews.report import render, results, scored, source_of


def _question(index: int, topic: str = "Topic") -> ChatQuestion:
    return ChatQuestion(
        index=index,
        topic=f"{topic} {index}",
        text=f"Question {index}?",
        key_points=["a", "b", "c"],
        hint="h",
        model_answer=f"The stored model answer {index}.",
        used=True,
    )


def _chat(count: int, language: str = "en") -> Chat:
    now = datetime.now(UTC)
    return Chat(
        id="c1",
        user_id="u1",
        title="Role",
        vacancy="devops",
        language=language,
        bank_version=1,
        questions=[_question(i) for i in range(count)],
        round=list(range(count)),
        current=None,
        status=ChatStatus.EVALUATING,
        created_at=now,
        updated_at=now,
    )


def test_a_few_words_cannot_be_a_ten() -> None:
    assert grading.score_cap("yes") == 1
    assert grading.score_cap("word " * 12) == 5
    assert grading.score_cap("word " * 30) == 10


def test_a_verdict_keeps_its_label_and_the_stored_model_answer() -> None:
    question = scored(_question(0), Verdict(6, "good", "missing", estimate=True))
    assert question.score == 6 and question.mistakes is True
    assert question.feedback is not None and question.feedback.estimate is True
    assert question.feedback.strong_answer == "The stored model answer 0."
    unanswered = scored(_question(1), None)
    assert (unanswered.score, unanswered.feedback, unanswered.mistakes) == (None, None, True)


def test_the_source_says_who_scored() -> None:
    llm, estimate = Verdict(5, "", "", estimate=False), Verdict(5, "", "", estimate=True)
    assert source_of({0: llm, 1: llm}) == "llm"
    assert source_of({0: estimate}) == "offline"
    assert source_of({0: llm, 1: estimate}) == "mixed"
    assert source_of({}) == "llm"  # nothing answered: nothing estimated, nothing labelled


def test_results_and_markdown_mark_the_estimated_rows() -> None:
    chat = _chat(3)
    verdicts = {0: Verdict(10, "all", "", estimate=False), 1: Verdict(4, "", "most", estimate=True)}
    changes = results(chat, verdicts, "Summary.")
    assert changes["overall_score"] == round(14 / 3, 1) and changes["evaluation_source"] == "mixed"
    finished = chat.model_copy(update=changes)
    text = render(finished)
    assert "### 2. Topic 1 — 4/10 (estimate)" in text and "### 1. Topic 0 — 10/10\n" in text
    assert "could not be graded" in text and "not answered" in text and text.endswith("Summary.")
    assert "**Overall score: 4.7/10**" in text
    russian = render(finished.model_copy(update={"language": "ru"}))
    assert "(оценка офлайн)" in russian and ": 4,7/10**" in russian  # the decimal comma, as everywhere


def test_a_composed_summary_names_the_best_topics_and_what_to_study() -> None:
    questions = [scored(_question(i), Verdict(s, "", "", estimate=False)) for i, s in enumerate([9, 3, 7, 2])]
    text = grading.composed_summary(questions, "en")
    assert text == "Strongest answers: Topic 0, Topic 2. Study next: Topic 3, Topic 1."
    assert grading.composed_summary([_question(0)], "ru").startswith("Ни на один вопрос")


async def test_without_a_model_the_estimate_is_an_honest_zero_naming_every_key_point() -> None:
    def broken(_path: str | None) -> None:
        raise OSError("model missing")

    scorer = SemanticScorer(embedder=E5Embedder(loader=broken))  # type: ignore[arg-type]
    verdict = await offline.estimate(scorer, _question(0), "A long and careful answer.", "en")
    assert verdict == Verdict(0, "", "a; b; c", estimate=True)


async def test_an_estimate_by_meaning_lists_what_was_covered_and_says_why_when_nothing_was() -> None:
    scorer = SemanticScorer()
    question = _question(0).model_copy(
        update={
            "text": "What does a database index do?",
            "key_points": ["speeds up lookups", "costs extra writes"],
            "model_answer": "An index speeds up lookups with a sorted structure; it costs extra writes.",
        }
    )
    strong = await offline.estimate(scorer, question, question.model_answer, "en")
    assert strong.estimate is True and strong.score >= 5 and "speeds up lookups" in strong.good
    empty = await offline.estimate(scorer, question, "   ", "en")
    assert (empty.score, empty.good, empty.missing.startswith("No answer was given.")) == (0, "", True)


async def test_no_llm_call_starts_with_too_little_of_the_lease_left() -> None:
    loop = asyncio.get_running_loop()
    assert evaluation._Run(loop.time() + 1).time_left(30) is None
    left = evaluation._Run(loop.time() + 100).time_left(30)
    assert left == 30
