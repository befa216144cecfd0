"""Recognise answers that try to use the interview for something else.

Such text is refused before it is stored or sent anywhere; answers that pass still reach
the LLM only as delimited data. The patterns aim at instructions to the model, demands
for a score, requests for unrelated work and abuse, in every supported language, while
leaving ordinary technical answers alone ("act as a reverse proxy" is an answer).
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE | re.UNICODE

_INSTRUCTIONS = [
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instruction|instructions|rules|prompt|above|previous)\b",
    r"\b(system|developer)\s+(prompt|message|instructions?)\b",
    r"\byou\s+are\s+now\b",
    r"\bfrom\s+now\s+on\s+you\b",
    r"\bpretend\s+(to\s+be|you\s+are)\b",
    r"\b(act|behave)\s+as\s+(an?\s+)?(ai|assistant|chat\s*bot|gpt|llm|language\s+model|dan)\b",
    r"\bjailbreak\b",
    r"</?\s*(system|candidate_answer|question|key_points|conversation|item|interviewer)\b",
    r"(игнорир\w*|забудь\w*|отмени\w*|не\s+обращай\s+внимания)\W+(\w+\W+){0,4}(инструкци\w*|правил\w*|промпт\w*|указани\w*)",
    r"\b(системн\w+)\s+(промпт\w*|сообщени\w*|инструкци\w*)",
    r"\bты\s+теперь\b",
    r"\bпритворись\b",
    r"\bпредставь,?\s+что\s+ты\b",
]

_SCORE_DEMANDS = [
    r"\b(give|rate|score|grade|mark)\s+(me|this|my\s+answer|it)\b.{0,20}\b(10|ten|full|maximum|max|perfect)\b",
    r"\b(10|ten)\s*(/|out\s+of|из)\s*(10|ten)\b",
    r"\b(full|maximum|max|perfect)\s+(score|marks|points)\b",
    r"\bпоставь\w*\s+(мне\s+)?(\w+\s+)?(10|десять|десятку|максимум|высш\w+)",
    r"\b(оцени|оценить)\s+(на\s+)?(10|десять|максимум)\b",
    r"\bмаксимальн\w+\s+(балл\w*|оценк\w*)\b",
]

_UNRELATED = [
    r"\b(write|compose|generate)\s+(me\s+)?(a|an|some)?\s*(poem|song|story|essay|novel|joke|cover\s+letter|homework)\b",
    r"\b(translate|summari[sz]e)\s+(this|the\s+following)\s+(text|article|document)\b",
    r"\b(do|solve)\s+my\s+(homework|assignment)\b",
    r"\bнапиши\s+(мне\s+)?(стих\w*|песн\w*|рассказ\w*|сочинени\w*|реферат\w*|анекдот\w*|курсов\w*|диплом\w*)",
    r"\b(переведи|перевести)\s+(этот|следующий)\s+текст\b",
    r"\bреши\s+(мне\s+)?(домашк\w*|задани\w*|контрольн\w*)",
]

_ABUSE = [
    r"\bf+u+c+k+(ing|er|ers)?\b",
    r"\bmotherf\w*",
    r"\b(stupid|dumb)\s+(bot|ai|machine|bitch)\b",
    r"\bshit\s*head\b",
    r"\bидиот\w*\b",
    r"\bдебил\w*\b",
    r"\b(х[уy][йяеёи]\w*|пизд\w*|ебан\w*|ёбан\w*|бля(дь|ть)?\b|сука\b|мудак\w*)",
]

_CATEGORIES: dict[str, list[re.Pattern[str]]] = {
    "instructions": [re.compile(p, _FLAGS) for p in _INSTRUCTIONS],
    "score": [re.compile(p, _FLAGS) for p in _SCORE_DEMANDS],
    "unrelated": [re.compile(p, _FLAGS) for p in _UNRELATED],
    "abuse": [re.compile(p, _FLAGS) for p in _ABUSE],
}


def detect(text: str) -> str | None:
    """The kind of misuse in `text` ("instructions", "score", "unrelated", "abuse"), or None."""
    flat = " ".join(text.split())
    for category, patterns in _CATEGORIES.items():
        if any(pattern.search(flat) for pattern in patterns):
            return category
    return None
