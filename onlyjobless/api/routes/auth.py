"""Registration, login, token refresh and logout; plus the browser's cookie session."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from onlyjobless.api.deps import AddressDep, ServicesDep
from onlyjobless.api.responses import errors
from onlyjobless.api.schemas import LoginIn, RefreshIn, RegisterIn, TicketIn, TokensOut, UserOut
from onlyjobless.domain.errors import Unauthorized
from onlyjobless.settings import SESSION_COOKIE

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=errors(400, 409, 422, 429, 503),
)
async def register(body: RegisterIn, svc: ServicesDep, address: AddressDep) -> UserOut:
    user = await svc.accounts.register(body.username, body.password, body.preferred_language, address)
    return UserOut.of(user)


@router.post("/login", response_model=TokensOut, responses=errors(400, 401, 422, 429, 503))
async def login(body: LoginIn, svc: ServicesDep, address: AddressDep) -> TokensOut:
    return TokensOut.of(await svc.accounts.login(body.username, body.password, address))


@router.post("/refresh", response_model=TokensOut, responses=errors(400, 401, 422, 503))
async def refresh(body: RefreshIn, svc: ServicesDep) -> TokensOut:
    return TokensOut.of(await svc.accounts.refresh(body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=errors(400, 422, 503))
async def logout(body: RefreshIn, svc: ServicesDep) -> Response:
    await svc.accounts.logout(body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _same_origin(request: Request) -> None:
    """Cookie routes answer only the app's own pages: JSON from the same origin."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise Unauthorized("session_invalid")
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if origin and host and origin.split("://", 1)[-1] != host:
        raise Unauthorized("session_invalid")


@router.post("/session", status_code=status.HTTP_204_NO_CONTENT, include_in_schema=False)
async def open_session(body: TicketIn, request: Request, svc: ServicesDep) -> Response:
    """Trade a one-time ticket from the UI for an HttpOnly session cookie."""
    _same_origin(request)
    pair = await svc.accounts.redeem_ticket(body.ticket)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.set_cookie(
        SESSION_COOKIE,
        pair.refresh_token,
        max_age=svc.settings.refresh_token_days * 86400,
        httponly=True,
        secure=svc.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


@router.post("/session/end", status_code=status.HTTP_204_NO_CONTENT, include_in_schema=False)
async def end_session(request: Request, svc: ServicesDep) -> Response:
    """Revoke the browser's session and drop its cookie."""
    _same_origin(request)
    await svc.accounts.logout(request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
