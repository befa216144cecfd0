"""Recognise answers that try to use the interview for something else.

Such text is refused before it is stored or sent anywhere; answers that pass still reach
the LLM only as delimited data. The patterns aim at instructions to the model, demands
for a score, requests for unrelated work and abuse, in every supported language, while
leaving ordinary technical answers alone ("act as a reverse proxy" is an answer). The patterns
of each language are data: data/lang/<code>/misuse.json.
"""

from __future__ import annotations

import re

from onlyjobless.i18n import catalog
from onlyjobless.i18n.models import MisusePatterns

_FLAGS = re.IGNORECASE | re.UNICODE
_CATEGORIES = tuple(MisusePatterns.model_fields)  # checked in this order
# Not a language's: our own data tags (and "system") typed as markup.
_TAGS = r"</?\s*(system|candidate_answer|question|key_points|conversation|item|interviewer)\b"


@catalog.derived
def _patterns() -> dict[str, list[re.Pattern[str]]]:
    """Each kind of misuse with the compiled patterns of every language (the answer's language is unknown)."""
    found: dict[str, list[re.Pattern[str]]] = {category: [] for category in _CATEGORIES}
    found["instructions"].append(re.compile(_TAGS, _FLAGS))
    for patterns in catalog.every(MisusePatterns).values():
        for category in _CATEGORIES:
            found[category].extend(re.compile(p, _FLAGS) for p in getattr(patterns, category))
    return found


def detect(text: str) -> str | None:
    """The kind of misuse in `text` ("instructions", "score", "unrelated", "abuse"), or None."""
    flat = " ".join(text.split())
    for category, patterns in _patterns().items():
        if any(pattern.search(flat) for pattern in patterns):
            return category
    return None
