"""Short-lived JWT access tokens: HS256, pinned, with issuer, audience and a token type."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import Unauthorized

ALGORITHM = "HS256"
ACCESS_TYPE = "access"


@dataclass(frozen=True)
class TokenConfig:
    """What signing and checking need; built from the settings."""

    secret: str
    issuer: str
    audience: str
    access_minutes: int


@dataclass(frozen=True)
class AccessClaims:
    """Who the token speaks for, and which session (refresh-token family) issued it."""

    user_id: uuid.UUID
    session_id: uuid.UUID


def create_access_token(config: TokenConfig, user_id: uuid.UUID, session_id: uuid.UUID) -> tuple[str, int]:
    """A signed access token for the user and its lifetime in seconds."""
    now = utcnow()
    lifetime = timedelta(minutes=config.access_minutes)
    claims = {
        "iss": config.issuer,
        "aud": config.audience,
        "sub": str(user_id),
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TYPE,
        "sid": str(session_id),
    }
    return jwt.encode(claims, config.secret, algorithm=ALGORITHM), int(lifetime.total_seconds())


def read_access_token(config: TokenConfig, token: object) -> AccessClaims:
    """The user id of a valid access token; any flaw is the same 401."""
    if not isinstance(token, str) or not token:
        raise Unauthorized("token_invalid")
    try:
        claims = jwt.decode(
            token,
            config.secret,
            algorithms=[ALGORITHM],
            audience=config.audience,
            issuer=config.issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti", "typ", "sid"]},
        )
        if claims.get("typ") != ACCESS_TYPE:
            raise Unauthorized("token_invalid")
        return AccessClaims(uuid.UUID(str(claims["sub"])), uuid.UUID(str(claims["sid"])))
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthorized("token_invalid") from exc
