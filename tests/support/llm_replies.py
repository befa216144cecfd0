"""What a fake LLM answers to the app's structured requests: a generated bank, an evaluation."""

from __future__ import annotations

from typing import Any

from onlyjobless.services.curated import get_curated_bank
from tests.support.fake_ollama_script import RecordedRequest, Reply, Responder


def generated_bank(marker: str = "v1", count: int = 12) -> dict[str, object]:
    """A valid QuestionSet as an LLM would return it (texts marked so versions can be told apart)."""
    source = get_curated_bank().get("backend-python", "en")
    assert source is not None
    questions = []
    for _index, question in enumerate(source[:count]):
        item = question.model_dump()
        item["text"] = f"[{marker}] {item['text']}"[:1000]
        questions.append(item)
    return {"questions": questions}


def bank_replies(marker: str = "v1", count: int = 12, part: int = 3, **framing: Any) -> list[Reply]:
    """A generated bank as the app asks for it: `part` questions per reply."""
    questions = generated_bank(marker, count)["questions"]
    assert isinstance(questions, list)
    return [
        Reply(json={"questions": questions[i : i + part]}, **framing) for i in range(0, len(questions), part)
    ]


def bank_responder(marker: str = "v1") -> Responder:
    """Answers every bank generation part with the next questions (by the topics already covered)."""
    questions = generated_bank(marker)["questions"]
    assert isinstance(questions, list)

    def respond(request: RecordedRequest) -> dict[str, Any]:
        prompt = request.last_user_message
        done = 0
        if "<covered_topics>" in prompt:
            block = prompt.split("<covered_topics>", 1)[1].split("</covered_topics>", 1)[0]
            done = sum(1 for line in block.splitlines() if line.startswith("- "))
        return {"json": {"questions": questions[done : done + 3]}}

    return respond


def grade_json(score: int, number: int = 1) -> dict[str, Any]:
    """One question's grade as the LLM returns it (reasoning first, then the score)."""
    return {"good": f"good {number}", "missing": f"missing {number}", "score": score}


SUMMARY = "A solid interview with a few gaps."


def evaluation_replies(scores: list[int], summary: str = SUMMARY, **framing: Any) -> list[Reply]:
    """An evaluation's replies in the order asked: one grade per answered question, then the summary."""
    grades = [Reply(json=grade_json(score, n), **framing) for n, score in enumerate(scores, start=1)]
    return [*grades, Reply(json={"summary": summary}, **framing)]
