"""Liveness and database reachability, for operators and load balancers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine

from onlyjobless.api.deps import ServicesDep
from onlyjobless.api.schemas import HealthOut
from onlyjobless.services.threads import in_thread

router = APIRouter(tags=["health"])
VERSION = "0.1.0"


@in_thread
def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "down" here
        return False


@router.get("/health", response_model=HealthOut)
async def health(svc: ServicesDep) -> JSONResponse:
    ok = await _database_ok(svc.engine)
    body = HealthOut(status="ok" if ok else "degraded", database="ok" if ok else "down", version=VERSION)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
