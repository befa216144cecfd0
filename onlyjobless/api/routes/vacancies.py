"""The vacancy catalogue, for autocompletion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from onlyjobless.api.deps import ServicesDep
from onlyjobless.api.errors import request_language
from onlyjobless.api.fields import Language, Search
from onlyjobless.api.responses import errors

router = APIRouter(prefix="/vacancies", tags=["vacancies"])


class VacancyOut(BaseModel):
    slug: str
    title: str
    score: float


@router.get("", response_model=list[VacancyOut], responses=errors(422))
async def search_vacancies(
    request: Request,
    svc: ServicesDep,
    q: Search = "",
    language: Language = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> list[VacancyOut]:
    chosen = language or request_language(request)
    found = svc.catalogue.search(q, chosen, limit=limit)
    return [VacancyOut(slug=s.slug, title=s.title, score=round(s.score, 1)) for s in found]
