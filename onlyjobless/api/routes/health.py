"""The app's health for operators and load balancers: 503 when it cannot serve."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from onlyjobless.api.deps import ServicesDep
from onlyjobless.api.schemas import HealthOut

router = APIRouter(tags=["health"])
VERSION = "0.1.0"


@router.get(
    "/health",
    response_model=HealthOut,
    responses={
        503: {
            "model": HealthOut,
            "description": "The app cannot serve: the body names the part that is down.",
        }
    },
)
async def health(svc: ServicesDep) -> JSONResponse:
    """200 while the SQL database and the chat store answer (the LLM may be down: the app runs
    offline, "degraded"); 503 otherwise. The body names the state of each part."""
    report = await svc.health()
    body = HealthOut(
        status=report.status,
        database=report.database,
        chat_store=report.chat_store,
        llm=report.llm,
        down=report.down,
        version=VERSION,
    )
    return JSONResponse(body.model_dump(), status_code=200 if report.serving else 503)
