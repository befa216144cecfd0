"""Accounts: registration, login, sessions (refresh-token families), profile and password."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized
from onlyjobless.services import passwords, throttle
from onlyjobless.services.threads import in_thread
from onlyjobless.services.tokens import TokenConfig, create_access_token, read_access_token
from onlyjobless.storage.db import session_scope
from onlyjobless.storage.users import LoginTicket, RefreshToken, User

_USERNAME_CHARS = re.compile(r"^[\w.\-]{3,32}$", re.UNICODE)
TICKET_SECONDS = 60


@dataclass(frozen=True)
class UserPublic:
    """What may leave the server about a user: never the password hash."""

    id: uuid.UUID
    username: str
    preferred_language: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(user.id, user.username, user.preferred_language, user.created_at)


@dataclass(frozen=True)
class Identity:
    """A signed-in user and the session (token family) they signed in with."""

    user: UserPublic
    session_id: uuid.UUID


@dataclass(frozen=True)
class TokenPair:
    """An access token for the API and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_username(raw: object) -> str:
    """Trimmed username, or a refusal naming the rule it breaks."""
    if not isinstance(raw, str):
        raise InvalidInput("username_invalid")
    name = raw.strip()
    if not _USERNAME_CHARS.match(name):
        raise InvalidInput("username_invalid")
    return name


class Accounts:
    """Account operations over one SQL database; every method is async and non-blocking."""

    def __init__(
        self, engine: Engine, tokens: TokenConfig, *, refresh_days: int, languages: Collection[str]
    ) -> None:
        self._engine = engine
        self._tokens = tokens
        self._refresh_lifetime = timedelta(days=refresh_days)
        self._languages = frozenset(languages)

    # -- registration and login -------------------------------------------------------

    def _check_language(self, language: object) -> str:
        if not isinstance(language, str) or language not in self._languages:
            raise InvalidInput("language_unsupported")
        return language

    @in_thread
    def register(self, username: object, password: object, preferred_language: object) -> UserPublic:
        """Create an account; the name must be free whatever its case."""
        name = normalize_username(username)
        if not isinstance(password, str):
            raise InvalidInput("password_too_short", min=passwords.MIN_LENGTH)
        passwords.check_policy(password, name)
        language = self._check_language(preferred_language)
        user = User(
            username=name,
            username_key=name.casefold(),
            password_hash=passwords.hash_password(password),
            preferred_language=language,
        )
        try:
            with session_scope(self._engine) as session:
                if session.exec(select(User).where(User.username_key == user.username_key)).first():
                    raise Conflict("username_taken")
                session.add(user)
        except IntegrityError as exc:
            raise Conflict("username_taken") from exc
        return UserPublic.of(user)

    def _authenticate(self, session: Session, username: object, password: object, address: str) -> User:
        """Check credentials under throttling; unknown user and wrong password look alike."""
        key = username.strip().casefold() if isinstance(username, str) else ""
        wait = throttle.seconds_blocked(session, key, address)
        if wait:
            raise TooManyRequests("login_throttled", retry_after=wait)
        user = session.exec(select(User).where(User.username_key == key)).first() if key else None
        text = password if isinstance(password, str) and len(password) <= passwords.MAX_LENGTH else ""
        ok = passwords.verify_password(text, user.password_hash if user else None)
        if user is None or not ok:
            throttle.record_failure(session, key[:100], address)
            raise Unauthorized("login_failed")
        throttle.record_success(session, key, address)
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(text)
            session.add(user)
        return user

    def _open_family(self, session: Session, user_id: uuid.UUID) -> TokenPair:
        now = utcnow()
        return self._issue(session, user_id, uuid.uuid4(), now + self._refresh_lifetime)

    def _issue(self, session: Session, user_id: uuid.UUID, family: uuid.UUID, expires: datetime) -> TokenPair:
        raw = secrets.token_urlsafe(32)
        session.add(
            RefreshToken(token_hash=_digest(raw), family_id=family, user_id=user_id, expires_at=expires)
        )
        access, lifetime = create_access_token(self._tokens, user_id, family)
        return TokenPair(access_token=access, refresh_token=raw, expires_in=lifetime)

    @in_thread
    def login(self, username: object, password: object, address: str) -> TokenPair:
        """Credentials in, a new session (token family) out."""
        failure: Exception | None = None
        with session_scope(self._engine) as session:
            try:
                user = self._authenticate(session, username, password, address)
            except (Unauthorized, TooManyRequests) as exc:
                failure = exc  # commit the failure count, then raise
            else:
                return self._open_family(session, user.id)
        assert failure is not None
        raise failure

    @in_thread
    def login_ticket(self, username: object, password: object, address: str) -> str:
        """Credentials in, a one-time ticket out, for the browser to trade for its cookie."""
        failure: Exception | None = None
        with session_scope(self._engine) as session:
            try:
                user = self._authenticate(session, username, password, address)
            except (Unauthorized, TooManyRequests) as exc:
                failure = exc
            else:
                return self._new_ticket(session, user.id)
        assert failure is not None
        raise failure

    def _new_ticket(self, session: Session, user_id: uuid.UUID) -> str:
        ticket = secrets.token_urlsafe(32)
        expires = utcnow() + timedelta(seconds=TICKET_SECONDS)
        session.add(LoginTicket(ticket_hash=_digest(ticket), user_id=user_id, expires_at=expires))
        return ticket

    @in_thread
    def ticket_for_user(self, user_id: uuid.UUID) -> str:
        """A ticket for a user who just registered or re-authenticated in the UI."""
        with session_scope(self._engine) as session:
            if session.get(User, user_id) is None:
                raise NotFound("user_not_found")
            return self._new_ticket(session, user_id)

    @in_thread
    def redeem_ticket(self, ticket: object) -> TokenPair:
        """Trade a ticket, once and in time, for a new session."""
        if not isinstance(ticket, str) or not ticket:
            raise Unauthorized("session_invalid")
        with session_scope(self._engine) as session:
            row = session.get(LoginTicket, _digest(ticket), with_for_update=True)
            if row is None:
                raise Unauthorized("session_invalid")
            session.delete(row)
            if row.expires_at < utcnow():
                session.commit()
                raise Unauthorized("session_invalid")
            return self._open_family(session, row.user_id)

    # -- sessions -------------------------------------------------------------------

    def _live_token(self, session: Session, raw: object) -> RefreshToken:
        if not isinstance(raw, str) or not raw or len(raw) > 200:
            raise Unauthorized("session_invalid")
        row = session.exec(select(RefreshToken).where(RefreshToken.token_hash == _digest(raw))).first()
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            raise Unauthorized("session_invalid")
        return row

    def _revoke_family(self, session: Session, family: uuid.UUID) -> None:
        session.execute(
            update(RefreshToken)
            .where(col(RefreshToken.family_id) == family, col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=utcnow())
        )

    @in_thread
    def refresh(self, refresh_token: object) -> TokenPair:
        """Rotate: the old token is spent; spending it twice revokes its whole family."""
        reused = False
        with session_scope(self._engine) as session:
            row = self._live_token(session, refresh_token)
            spent = session.execute(
                update(RefreshToken)
                .where(col(RefreshToken.id) == row.id, col(RefreshToken.used_at).is_(None))
                .values(used_at=utcnow())
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                self._revoke_family(session, row.family_id)
                reused = True
            else:
                return self._issue(session, row.user_id, row.family_id, row.expires_at)
        if reused:
            raise Unauthorized("session_reused")
        raise AssertionError("unreachable")  # pragma: no cover

    @in_thread
    def logout(self, refresh_token: object) -> None:
        """Revoke the session this token belongs to; an unknown token is quietly ignored."""
        with session_scope(self._engine) as session:
            try:
                row = self._live_token(session, refresh_token)
            except Unauthorized:
                return
            self._revoke_family(session, row.family_id)

    @in_thread
    def user_for_session(self, refresh_token: object) -> Identity:
        """The user behind a live, unspent session token (the browser's cookie)."""
        with session_scope(self._engine) as session:
            row = self._live_token(session, refresh_token)
            if row.used_at is not None:
                raise Unauthorized("session_invalid")
            user = session.get(User, row.user_id)
            if user is None:  # pragma: no cover - cascades remove the tokens first
                raise Unauthorized("session_invalid")
            return Identity(UserPublic.of(user), row.family_id)

    @in_thread
    def user_for_access_token(self, token: object) -> Identity:
        """The user behind a valid access token whose session is still open."""
        claims = read_access_token(self._tokens, token)
        with session_scope(self._engine) as session:
            user = session.get(User, claims.user_id)
            live = session.exec(
                select(RefreshToken.id).where(
                    RefreshToken.family_id == claims.session_id,
                    RefreshToken.user_id == claims.user_id,
                    col(RefreshToken.revoked_at).is_(None),
                )
            ).first()
            if user is None or live is None:
                raise Unauthorized("token_invalid")
            return Identity(UserPublic.of(user), claims.session_id)

    # -- profile --------------------------------------------------------------------

    @in_thread
    def get_user(self, user_id: uuid.UUID) -> UserPublic:
        with session_scope(self._engine) as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound("user_not_found")
            return UserPublic.of(user)

    @in_thread
    def update_profile(
        self, user_id: uuid.UUID, *, username: object = None, preferred_language: object = None
    ) -> UserPublic:
        """Rename (the new name must be free) and/or change the preferred language."""
        name = normalize_username(username) if username is not None else None
        language = self._check_language(preferred_language) if preferred_language is not None else None
        try:
            with session_scope(self._engine) as session:
                user = session.get(User, user_id, with_for_update=True)
                if user is None:
                    raise NotFound("user_not_found")
                if name is not None and name != user.username:
                    taken = session.exec(
                        select(User).where(User.username_key == name.casefold(), User.id != user_id)
                    ).first()
                    if taken:
                        raise Conflict("username_taken")
                    user.username, user.username_key = name, name.casefold()
                if language is not None:
                    user.preferred_language = language
                session.add(user)
                session.flush()
                return UserPublic.of(user)
        except IntegrityError as exc:
            raise Conflict("username_taken") from exc

    @in_thread
    def change_password(
        self, user_id: uuid.UUID, current: object, new: object, *, keep_session: uuid.UUID | None = None
    ) -> None:
        """Needs the current password; revokes every session but the one named."""
        with session_scope(self._engine) as session:
            user = session.get(User, user_id, with_for_update=True)
            if user is None:
                raise NotFound("user_not_found")
            text = current if isinstance(current, str) and len(current) <= passwords.MAX_LENGTH else ""
            if not passwords.verify_password(text, user.password_hash):
                raise InvalidInput("password_wrong")
            if not isinstance(new, str):
                raise InvalidInput("password_too_short", min=passwords.MIN_LENGTH)
            passwords.check_policy(new, user.username)
            user.password_hash = passwords.hash_password(new)
            session.add(user)
            query = update(RefreshToken).where(
                col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None)
            )
            if keep_session is not None:
                query = query.where(col(RefreshToken.family_id) != keep_session)
            session.execute(query.values(revoked_at=utcnow()))
