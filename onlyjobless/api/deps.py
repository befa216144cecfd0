"""Dependencies shared by the routes: the services, the caller's identity and address."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from onlyjobless.domain.errors import Unauthorized
from onlyjobless.services import throttle
from onlyjobless.services.accounts import Identity
from onlyjobless.services.hub import Services, get_services

_bearer = HTTPBearer(auto_error=False)


def services(request: Request) -> Services:
    """The services this app was built with (tests hand in their own)."""
    provided = getattr(request.app.state, "services", None)
    return provided if provided is not None else get_services()


ServicesDep = Annotated[Services, Depends(services)]


async def identity(
    request: Request,
    svc: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    """The caller, from a Bearer access token; the first check of every private route."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("token_invalid")
    who = await svc.accounts.user_for_access_token(credentials.credentials)
    request.state.language = who.user.preferred_language
    return who


IdentityDep = Annotated[Identity, Depends(identity)]


def client_address(request: Request, svc: ServicesDep) -> str:
    """The caller's address; proxy headers count only when configured as trusted."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    return throttle.client_address(peer, forwarded, trust_proxy=svc.settings.trust_proxy_headers)


AddressDep = Annotated[str, Depends(client_address)]
