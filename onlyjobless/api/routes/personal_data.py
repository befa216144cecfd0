"""The signed-in user's data: download all of it, or delete the account with all of it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from onlyjobless.api.deps import IdentityDep, ServicesDep
from onlyjobless.api.fields import Password, Timestamp
from onlyjobless.api.responses import PRIVATE, errors
from onlyjobless.api.schemas import Body, UserOut
from onlyjobless.settings import SESSION_COOKIE

router = APIRouter(prefix="/me", tags=["me"])


class ExportOut(BaseModel):
    """Everything stored about the user, chat contents decrypted; never the password hash."""

    format: int
    exported_at: Timestamp
    account: UserOut
    chats: list[dict[str, Any]] = Field(
        description="Every chat (questions, evaluations, summary) with its `messages`, oldest last"
    )


class DeleteAccountIn(Body):
    password: Password = Field(description="The account's current password")


@router.get(
    "/export",
    response_model=ExportOut,
    summary="Download my data",
    responses={200: {"description": "A JSON file (Content-Disposition: attachment)"}, **errors(*PRIVATE)},
)
async def export_my_data(who: IdentityDep, svc: ServicesDep) -> JSONResponse:
    document = ExportOut.model_validate(await svc.personal_data.export(who.user.id))
    stamp = document.exported_at.date().isoformat()
    return JSONResponse(
        document.model_dump(mode="json"),
        headers={
            "Content-Disposition": f'attachment; filename="onlyjobless-data-{stamp}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my account",
    description="Needs the password. Removes the account, its sessions, quota rows and every chat "
    "and message; the username becomes free. The browser's session cookie is dropped.",
    responses=errors(*PRIVATE, 400, 422),
)
async def delete_my_account(body: DeleteAccountIn, who: IdentityDep, svc: ServicesDep) -> Response:
    await svc.personal_data.delete_account(who.user.id, body.password)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
