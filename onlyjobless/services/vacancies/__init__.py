"""The vacancy catalogue (model, loading, lookup) and the matcher that maps a typed title to an IT role."""

from onlyjobless.services.vacancies.catalogue import (
    CATALOGUE_PATH,
    DEFAULT_LANGUAGE,
    FAMILIES,
    POPULAR_SLUGS,
    Catalogue,
    MatchReason,
    MatchResult,
    Suggestion,
    Vacancy,
    get_catalogue,
)
from onlyjobless.services.vacancies.matcher import MATCH_THRESHOLD, MAX_POSITION_LENGTH
from onlyjobless.services.vacancies.words import normalize

__all__ = [
    "CATALOGUE_PATH",
    "DEFAULT_LANGUAGE",
    "FAMILIES",
    "MATCH_THRESHOLD",
    "MAX_POSITION_LENGTH",
    "POPULAR_SLUGS",
    "Catalogue",
    "MatchReason",
    "MatchResult",
    "Suggestion",
    "Vacancy",
    "get_catalogue",
    "normalize",
]
