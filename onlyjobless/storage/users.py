"""Tables for accounts: users, refresh tokens, login throttling and one-time login tickets."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from onlyjobless.domain.clock import utcnow
from onlyjobless.storage.types import UTCDateTime


class User(SQLModel, table=True):
    """An account; `username_key` is the case-folded name that must be unique."""

    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    username: str = Field(max_length=32)
    username_key: str = Field(max_length=128, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    preferred_language: str = Field(max_length=8, default="en")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class RefreshToken(SQLModel, table=True):
    """A refresh token kept only as its SHA-256; one family per login, rotated on use."""

    __tablename__ = "refresh_tokens"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    family_id: uuid.UUID = Field(index=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class LoginFailure(SQLModel, table=True):
    """Failed logins counted per key ("user:<name>" or "ip:<address>") for throttling."""

    __tablename__ = "login_failures"

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    first_failure_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    blocked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class LoginTicket(SQLModel, table=True):
    """A one-time, seconds-long ticket the browser trades for its HttpOnly session cookie."""

    __tablename__ = "login_tickets"

    ticket_hash: str = Field(primary_key=True, max_length=64)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
