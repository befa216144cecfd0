"""Progress across attempts, and a new interview for a role practised before."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from onlyjobless.api.deps import IdentityDep, ServicesDep
from onlyjobless.api.fields import Checked
from onlyjobless.api.responses import PRIVATE, errors
from onlyjobless.api.schemas import ChatOut, ProgressReportOut

router = APIRouter(tags=["progress"])
Vacancy = Annotated[
    str, Path(max_length=64, description="A role's slug, as listed in the progress report."), Checked
]


@router.get("/progress", response_model=ProgressReportOut, responses=errors(*PRIVATE))
async def read_progress(who: IdentityDep, svc: ServicesDep) -> ProgressReportOut:
    """For each role practised: every evaluated attempt's score over time, the weakest topics, the
    number of questions answered. `roles` is empty for a new user."""
    return ProgressReportOut.model_validate(await svc.progress.report(who.user.id))


@router.post(
    "/progress/{vacancy}/practise",
    status_code=status.HTTP_201_CREATED,
    response_model=ChatOut,
    responses=errors(*PRIVATE, 404, 409, 422, 429),
)
async def practise(vacancy: Vacancy, who: IdentityDep, svc: ServicesDep) -> ChatOut:
    """A new interview for a role practised before (it counts toward the daily limit). Every topic
    of the role is asked: the weakest topics cannot be chosen alone."""
    view = await svc.progress.practise(who.user.id, vacancy, who.user.preferred_language)
    return ChatOut.of(view)
