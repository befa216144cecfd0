"""Accounts: registration, login, sessions (refresh-token families), profile and password."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import InvalidInput, NotFound, TooManyRequests, Unauthorized
from onlyjobless.domain.text import refuse_nul
from onlyjobless.services import passwords
from onlyjobless.services.confusables import SKELETON_MAX, skeleton
from onlyjobless.services.throttle import LoginThrottle, RegistrationThrottle
from onlyjobless.services.tokens import TokenConfig, create_access_token, read_access_token
from onlyjobless.storage.login_failures import LoginFailureStore
from onlyjobless.storage.users import AccountStore, SessionRecord, UserRecord

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
    def of(cls, user: UserRecord) -> UserPublic:
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


def _token_text(raw: object) -> str:
    """A session token as given, or Unauthorized for anything that cannot be one."""
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        raise Unauthorized("session_invalid")
    return raw


def _live(row: SessionRecord | None) -> SessionRecord:
    """The token's record while it is neither revoked nor expired, else Unauthorized."""
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise Unauthorized("session_invalid")
    return row


def normalize_username(raw: object) -> str:
    """Trimmed username, or a refusal naming the rule it breaks."""
    if not isinstance(raw, str):
        raise InvalidInput("username_invalid")
    name = raw.strip()
    if not _USERNAME_CHARS.match(name):
        raise InvalidInput("username_invalid")
    return name


def _skeleton(name: str) -> str:
    """The name's confusable skeleton; a name whose skeleton would not fit its column is refused."""
    form = skeleton(name)
    if len(form) > SKELETON_MAX:
        raise InvalidInput("username_invalid")
    return form


def _new_password(password: object, username: str) -> str:
    """The password if the policy allows it (hashing is the caller's, off the event loop)."""
    if not isinstance(password, str):
        raise InvalidInput("password_too_short", min=passwords.MIN_LENGTH)
    passwords.check_policy(password, username)
    return password


def _given(password: object) -> str:
    """A password as typed, or "" (which never verifies) when it cannot be one."""
    return password if isinstance(password, str) and len(password) <= passwords.MAX_LENGTH else ""


class Accounts:
    """Account rules over one SQL database; every method is async, hashing runs in a worker thread."""

    def __init__(
        self,
        engine: Engine,
        tokens: TokenConfig,
        *,
        refresh_days: int,
        languages: Collection[str],
        registrations: tuple[int, timedelta] = (10, timedelta(hours=1)),
        refresh_grace_seconds: float = 10.0,
    ) -> None:
        self._store = AccountStore(engine)
        self._throttle = LoginThrottle(LoginFailureStore(engine))
        self._registrations = RegistrationThrottle(LoginFailureStore(engine), *registrations)
        self._tokens = tokens
        self._refresh_lifetime = timedelta(days=refresh_days)
        self._grace = timedelta(seconds=refresh_grace_seconds)
        self._languages = frozenset(languages)

    # -- registration and login -------------------------------------------------------

    def _check_language(self, language: object) -> str:
        if not isinstance(language, str) or language not in self._languages:
            raise InvalidInput("language_unsupported")
        return language

    async def register(
        self, username: object, password: object, preferred_language: object, address: str | None = None
    ) -> UserPublic:
        """Create an account; the name must be free whatever its case and look-alike letters.

        From a client `address` (the API and the UI always give one), every attempt counts toward
        that address's registrations per window; past them the attempt is refused (429).
        """
        if address is not None:
            wait = await self._registrations.seconds_blocked(address)
            if wait:
                raise TooManyRequests("registration_throttled", retry_after=wait)
        refuse_nul(username, password, preferred_language)
        name = normalize_username(username)
        secret = _new_password(password, name)
        language = self._check_language(preferred_language)
        password_hash = await passwords.hash_password_async(secret)
        created = await self._store.create_user(name, password_hash, language, skeleton=_skeleton(name))
        return UserPublic.of(created)

    async def _authenticate(self, username: object, password: object, address: str) -> UserRecord:
        """Check credentials under throttling; unknown user and wrong password look alike."""
        refuse_nul(username, password)
        key = username.strip().casefold() if isinstance(username, str) else ""
        wait = await self._throttle.admit(key[:100], address)  # counted as a failure until it is not
        if wait:
            raise TooManyRequests("login_throttled", retry_after=wait)
        user = await self._store.user_named(key) if key else None
        text = _given(password)
        ok = await passwords.verify_password_async(text, user.password_hash if user else None)
        if user is None or not ok:
            raise Unauthorized("login_failed")
        await self._throttle.forgive(key[:100], address)
        if passwords.needs_rehash(user.password_hash):
            await self._store.set_password_hash(user.id, await passwords.hash_password_async(text))
        return user

    async def login(self, username: object, password: object, address: str) -> TokenPair:
        """Credentials in, a new session (token family) out."""
        user = await self._authenticate(username, password, address)
        return await self._open_session(user.id)

    async def login_ticket(self, username: object, password: object, address: str) -> str:
        """Credentials in, a one-time ticket out, for the browser to trade for its cookie."""
        user = await self._authenticate(username, password, address)
        return await self.ticket_for_user(user.id)

    async def ticket_for_user(self, user_id: uuid.UUID) -> str:
        """A ticket for a user who just signed in, registered or re-authenticated in the UI."""
        ticket = secrets.token_urlsafe(32)
        await self._store.add_ticket(_digest(ticket), user_id, utcnow() + timedelta(seconds=TICKET_SECONDS))
        return ticket

    async def redeem_ticket(self, ticket: object) -> TokenPair:
        """Trade a ticket, once and in time, for a new session."""
        if not isinstance(ticket, str) or not ticket:
            raise Unauthorized("session_invalid")
        found = await self._store.take_ticket(_digest(ticket))
        if found is None or found.expires_at < utcnow():
            raise Unauthorized("session_invalid")
        return await self._open_session(found.user_id)

    # -- sessions -------------------------------------------------------------------

    async def _open_session(self, user_id: uuid.UUID) -> TokenPair:
        """A new token family: its first refresh token and an access token."""
        family = uuid.uuid4()
        raw = secrets.token_urlsafe(32)
        await self._store.add_token(_digest(raw), family, user_id, utcnow() + self._refresh_lifetime)
        return self._pair(user_id, family, raw)

    def _pair(self, user_id: uuid.UUID, family: uuid.UUID, refresh_token: str) -> TokenPair:
        access, lifetime = create_access_token(self._tokens, user_id, family)
        return TokenPair(access_token=access, refresh_token=refresh_token, expires_in=lifetime)

    async def _live_token(self, raw: object) -> SessionRecord:
        return _live(await self._store.token(_digest(_token_text(raw))))

    def _successor(self, refresh_token: str) -> str:
        """The token that replaces this one: derived from it with the server's secret, so a second
        use within the grace window can be given the same successor although only digests are kept."""
        key = self._tokens.secret.encode()
        mac = hmac.new(key, b"refresh-successor:" + refresh_token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    async def refresh(self, refresh_token: object) -> TokenPair:
        """Rotate: the old token is spent. Spent again within the grace window (two tabs at once),
        it gives the same successor; spent again later, its whole family is revoked."""
        row = await self._live_token(refresh_token)
        given = str(refresh_token)  # _live_token refuses anything but a string
        raw = self._successor(given)
        rotated = await self._store.rotate(row.id, _digest(raw))
        if not rotated and not await self._in_grace(_digest(given), _digest(raw)):
            await self._store.revoke_family(row.family_id)
            raise Unauthorized("session_reused")
        return self._pair(row.user_id, row.family_id, raw)

    async def _in_grace(self, spent_hash: str, successor_hash: str) -> bool:
        """The token was spent moments ago and its successor is still live."""
        spent = await self._store.token(spent_hash)
        successor = await self._store.token(successor_hash)
        now = utcnow()
        return (
            spent is not None
            and spent.used_at is not None
            and spent.revoked_at is None
            and now - spent.used_at <= self._grace
            and successor is not None
            and successor.revoked_at is None
            and successor.expires_at > now
        )

    async def logout(self, refresh_token: object) -> None:
        """Revoke the session this token belongs to; an unknown token is quietly ignored."""
        try:
            row = await self._live_token(refresh_token)
        except Unauthorized:
            return
        await self._store.revoke_family(row.family_id)

    async def user_for_session(self, refresh_token: object) -> Identity:
        """The user behind a live, unspent session token (the browser's cookie)."""
        found = await self._store.token_user(_digest(_token_text(refresh_token)))
        if found is None:  # no such token (its user's row goes with it)
            raise Unauthorized("session_invalid")
        row, user = found
        if _live(row).used_at is not None:
            raise Unauthorized("session_invalid")
        return Identity(UserPublic.of(user), row.family_id)

    async def user_for_access_token(self, token: object) -> Identity:
        """The user behind a valid access token whose session is still open."""
        claims = read_access_token(self._tokens, token)
        user = await self._store.session_user(claims.user_id, claims.session_id)
        if user is None:  # no such user, or the session was closed
            raise Unauthorized("token_invalid")
        return Identity(UserPublic.of(user), claims.session_id)

    # -- profile --------------------------------------------------------------------

    async def get_user(self, user_id: uuid.UUID) -> UserPublic:
        user = await self._store.user(user_id)
        if user is None:
            raise NotFound("user_not_found")
        return UserPublic.of(user)

    async def update_profile(
        self, user_id: uuid.UUID, *, username: object = None, preferred_language: object = None
    ) -> UserPublic:
        """Rename (the new name must be free) and/or change the preferred language."""
        refuse_nul(username, preferred_language)
        name = normalize_username(username) if username is not None else None
        language = self._check_language(preferred_language) if preferred_language is not None else None
        user = await self._store.update_user(
            user_id,
            username=name,
            skeleton=_skeleton(name) if name is not None else None,
            preferred_language=language,
        )
        return UserPublic.of(user)

    async def check_password(self, user_id: uuid.UUID, password: object) -> None:
        """InvalidInput("password_wrong") unless `password` is the user's (re-authentication)."""
        user = await self._store.user(user_id)
        if user is None:
            raise NotFound("user_not_found")
        if not await passwords.verify_password_async(_given(password), user.password_hash):
            raise InvalidInput("password_wrong")

    async def change_password(
        self, user_id: uuid.UUID, current: object, new: object, *, keep_session: uuid.UUID | None = None
    ) -> None:
        """Needs the current password; revokes every session but the one named."""
        refuse_nul(current, new)
        user = await self._store.user(user_id)
        if user is None:
            raise NotFound("user_not_found")
        if not await passwords.verify_password_async(_given(current), user.password_hash):
            raise InvalidInput("password_wrong")
        secret = _new_password(new, user.username)
        password_hash = await passwords.hash_password_async(secret)
        await self._store.replace_password(user_id, password_hash, keep=keep_session)
