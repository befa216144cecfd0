"""The signed-in user's own profile and password."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from onlyjobless.api.deps import IdentityDep, ServicesDep
from onlyjobless.api.responses import PRIVATE, errors
from onlyjobless.api.schemas import PasswordIn, ProfileIn, UserOut
from onlyjobless.domain.errors import InvalidInput

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", response_model=UserOut, responses=errors(*PRIVATE))
async def read_me(who: IdentityDep) -> UserOut:
    return UserOut.of(who.user)


@router.patch("", response_model=UserOut, responses=errors(*PRIVATE, 400, 404, 409, 422))
async def update_me(body: ProfileIn, who: IdentityDep, svc: ServicesDep) -> UserOut:
    if body.username is None and body.preferred_language is None:
        raise InvalidInput("nothing_to_change")
    user = await svc.accounts.update_profile(
        who.user.id, username=body.username, preferred_language=body.preferred_language
    )
    return UserOut.of(user)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT, responses=errors(*PRIVATE, 400, 404, 422))
async def change_password(body: PasswordIn, who: IdentityDep, svc: ServicesDep) -> Response:
    await svc.accounts.change_password(
        who.user.id, body.current_password, body.new_password, keep_session=who.session_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
