"""What a fake LLM answers to the app's structured requests: a generated bank, an evaluation."""

from __future__ import annotations

from typing import Any

from onlyjobless.services.curated import get_curated_bank


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


def evaluation_json(count: int, scores: list[int]) -> dict[str, Any]:
    return {
        "questions": [
            {
                "index": i + 1,
                "score": scores[i],
                "good": f"good {i + 1}",
                "missing": f"missing {i + 1}",
                "strong_answer": f"strong {i + 1}",
            }
            for i in range(count)
        ],
        "summary": "A solid interview with a few gaps.",
        "overall_score": 7.5,
    }
