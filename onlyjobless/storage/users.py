"""Accounts: users, their sessions (refresh tokens) and one-time login tickets; tables and store."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, bindparam, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import Conflict, NotFound
from onlyjobless.storage.db import in_thread, session_scope
from onlyjobless.storage.types import UTCDateTime


class User(SQLModel, table=True):
    """An account; `username_key` is the case-folded name that must be unique, and so is
    `username_skeleton`, the form the name shares with every name that looks the same
    (Unicode TR39; computed by the services): the unique index settles concurrent registrations."""

    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    username: str = Field(max_length=32)
    username_key: str = Field(max_length=128, unique=True, index=True)
    username_skeleton: str = Field(max_length=1024, unique=True, index=True)
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


class LoginTicket(SQLModel, table=True):
    """A one-time, seconds-long ticket the browser trades for its HttpOnly session cookie."""

    __tablename__ = "login_tickets"

    ticket_hash: str = Field(primary_key=True, max_length=64)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# -- what the store returns ------------------------------------------------------------------


# The user behind an access token, if the token's session is still open (see session_user).
_SESSION_USER = select(User).where(
    User.id == bindparam("user_id"),
    select(RefreshToken.id)
    .where(
        RefreshToken.family_id == bindparam("family_id"),
        RefreshToken.user_id == bindparam("user_id"),
        col(RefreshToken.revoked_at).is_(None),
    )
    .exists(),
)


@dataclass(frozen=True)
class UserRecord:
    """A user as stored (the password hash included: it never leaves the services)."""

    id: uuid.UUID
    username: str
    password_hash: str
    preferred_language: str
    created_at: datetime

    @classmethod
    def of(cls, row: User) -> UserRecord:
        return cls(row.id, row.username, row.password_hash, row.preferred_language, row.created_at)


@dataclass(frozen=True)
class SessionRecord:
    """One refresh token of a session (token family)."""

    id: uuid.UUID
    family_id: uuid.UUID
    user_id: uuid.UUID
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class TicketRecord:
    user_id: uuid.UUID
    expires_at: datetime


def _free_name(session: Session, key: str, skeleton: str, user_id: uuid.UUID | None = None) -> None:
    """Conflict unless no other user has this case-folded name ("username_taken") or a name
    that looks the same ("username_confusable")."""
    for column, value, code in (
        (User.username_key, key, "username_taken"),
        (User.username_skeleton, skeleton, "username_confusable"),
    ):
        query = select(User.id).where(column == value)
        if user_id is not None:
            query = query.where(User.id != user_id)
        if session.exec(query).first() is not None:
            raise Conflict(code)


def _clash(exc: IntegrityError) -> Conflict:
    """The refusal for a name another transaction took first."""
    return Conflict("username_confusable" if "username_skeleton" in str(exc.orig) else "username_taken")


class AccountStore:
    """Users, sessions and tickets; every method is one short transaction in a worker thread.

    Tokens and tickets are kept only as digests: the callers hash them first.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- users ------------------------------------------------------------------------

    @in_thread
    def create_user(
        self, username: str, password_hash: str, preferred_language: str, *, skeleton: str
    ) -> UserRecord:
        """A new user; Conflict("username_taken") when the name is taken whatever its case,
        Conflict("username_confusable") when a user's name has the same skeleton."""
        user = User(
            username=username,
            username_key=username.casefold(),
            username_skeleton=skeleton,
            password_hash=password_hash,
            preferred_language=preferred_language,
        )
        try:
            with session_scope(self._engine) as session:
                _free_name(session, user.username_key, skeleton)
                session.add(user)
        except IntegrityError as exc:
            raise _clash(exc) from exc
        return UserRecord.of(user)

    @in_thread
    def user(self, user_id: uuid.UUID) -> UserRecord | None:
        with session_scope(self._engine) as session:
            row = session.get(User, user_id)
            return UserRecord.of(row) if row else None

    @in_thread
    def user_named(self, username_key: str) -> UserRecord | None:
        """The user with this case-folded name."""
        with session_scope(self._engine) as session:
            row = session.exec(select(User).where(User.username_key == username_key)).first()
            return UserRecord.of(row) if row else None

    @in_thread
    def update_user(
        self,
        user_id: uuid.UUID,
        *,
        username: str | None = None,
        skeleton: str | None = None,
        preferred_language: str | None = None,
    ) -> UserRecord:
        """Rename (the name, given with its skeleton, must be free) and/or set the language;
        NotFound, Conflict."""
        try:
            with session_scope(self._engine) as session:
                user = session.get(User, user_id, with_for_update=True)
                if user is None:
                    raise NotFound("user_not_found")
                if username is not None and skeleton is not None and username != user.username:
                    _free_name(session, username.casefold(), skeleton, user_id)
                    user.username, user.username_key = username, username.casefold()
                    user.username_skeleton = skeleton
                if preferred_language is not None:
                    user.preferred_language = preferred_language
                session.add(user)
                session.flush()
                return UserRecord.of(user)
        except IntegrityError as exc:
            raise _clash(exc) from exc

    @in_thread
    def set_password_hash(self, user_id: uuid.UUID, password_hash: str) -> None:
        with session_scope(self._engine) as session:
            session.execute(update(User).where(col(User.id) == user_id).values(password_hash=password_hash))

    @in_thread
    def replace_password(self, user_id: uuid.UUID, password_hash: str, *, keep: uuid.UUID | None) -> None:
        """A new password hash and every session revoked but `keep`, in one transaction."""
        with session_scope(self._engine) as session:
            session.execute(update(User).where(col(User.id) == user_id).values(password_hash=password_hash))
            query = update(RefreshToken).where(
                col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None)
            )
            if keep is not None:
                query = query.where(col(RefreshToken.family_id) != keep)
            session.execute(query.values(revoked_at=utcnow()))

    # -- sessions (refresh-token families) ----------------------------------------------

    @in_thread
    def add_token(
        self, token_hash: str, family_id: uuid.UUID, user_id: uuid.UUID, expires_at: datetime
    ) -> None:
        with session_scope(self._engine) as session:
            session.add(
                RefreshToken(
                    token_hash=token_hash, family_id=family_id, user_id=user_id, expires_at=expires_at
                )
            )

    @in_thread
    def token(self, token_hash: str) -> SessionRecord | None:
        with session_scope(self._engine) as session:
            row = session.exec(select(RefreshToken).where(RefreshToken.token_hash == token_hash)).first()
            if row is None:
                return None
            return SessionRecord(
                row.id, row.family_id, row.user_id, row.expires_at, row.used_at, row.revoked_at
            )

    @in_thread
    def token_user(self, token_hash: str) -> tuple[SessionRecord, UserRecord] | None:
        """The session token and its user in one read: what every signed-in action checks."""
        with session_scope(self._engine) as session:
            found = session.exec(
                select(RefreshToken, User)
                .join(User, col(User.id) == col(RefreshToken.user_id))
                .where(RefreshToken.token_hash == token_hash)
            ).first()
            if found is None:
                return None
            row, user = found
            record = SessionRecord(
                row.id, row.family_id, row.user_id, row.expires_at, row.used_at, row.revoked_at
            )
            return record, UserRecord.of(user)

    @in_thread
    def rotate(self, token_id: uuid.UUID, new_hash: str) -> bool:
        """Spend a token and add its successor (same family and expiry) in one transaction.

        False, and nothing added, when the token was spent already.
        """
        with session_scope(self._engine) as session:
            spent = session.execute(
                update(RefreshToken)
                .where(col(RefreshToken.id) == token_id, col(RefreshToken.used_at).is_(None))
                .values(used_at=utcnow())
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                return False
            old = session.get(RefreshToken, token_id)
            assert old is not None
            session.add(
                RefreshToken(
                    token_hash=new_hash,
                    family_id=old.family_id,
                    user_id=old.user_id,
                    expires_at=old.expires_at,
                )
            )
            return True

    @in_thread
    def revoke_family(self, family_id: uuid.UUID) -> None:
        with session_scope(self._engine) as session:
            session.execute(
                update(RefreshToken)
                .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
                .values(revoked_at=utcnow())
            )

    @in_thread
    def session_user(self, user_id: uuid.UUID, family_id: uuid.UUID) -> UserRecord | None:
        """The user while their session (`family_id`) has a token that is not revoked, else None.

        One statement, built once: every authenticated request asks it."""
        with session_scope(self._engine) as session:
            row = session.exec(_SESSION_USER, params={"user_id": user_id, "family_id": family_id}).first()
            return UserRecord.of(row) if row else None

    # -- one-time login tickets -----------------------------------------------------------

    @in_thread
    def add_ticket(self, ticket_hash: str, user_id: uuid.UUID, expires_at: datetime) -> None:
        """A ticket for an existing user (NotFound otherwise)."""
        with session_scope(self._engine) as session:
            if session.get(User, user_id) is None:
                raise NotFound("user_not_found")
            session.add(LoginTicket(ticket_hash=ticket_hash, user_id=user_id, expires_at=expires_at))

    @in_thread
    def take_ticket(self, ticket_hash: str) -> TicketRecord | None:
        """Remove a ticket and return it: it can be taken once."""
        with session_scope(self._engine) as session:
            row = session.get(LoginTicket, ticket_hash, with_for_update=True)
            if row is None:
                return None
            session.delete(row)
            return TicketRecord(row.user_id, row.expires_at)
