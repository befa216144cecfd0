"""Request and response bodies of the REST API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from onlyjobless.services.accounts import TokenPair, UserPublic


class Body(BaseModel):
    """Request bodies refuse unknown fields so typos are caught, not ignored."""

    model_config = ConfigDict(extra="forbid")


class RegisterIn(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    preferred_language: str = Field(default="en", max_length=16)


class LoginIn(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class RefreshIn(Body):
    refresh_token: str = Field(max_length=500)


class TicketIn(Body):
    ticket: str = Field(max_length=500)


class ProfileIn(Body):
    username: str | None = Field(default=None, max_length=200)
    preferred_language: str | None = Field(default=None, max_length=16)


class PasswordIn(Body):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


class UserOut(BaseModel):
    id: uuid.UUID
    username: str
    preferred_language: str
    created_at: datetime

    @classmethod
    def of(cls, user: UserPublic) -> UserOut:
        return cls(**user.__dict__)


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int

    @classmethod
    def of(cls, pair: TokenPair) -> TokensOut:
        return cls(**pair.__dict__)


class HealthOut(BaseModel):
    status: str
    database: str
    version: str
