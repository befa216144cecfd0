"""The accounts service on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from passlib.context import CryptContext
from sqlmodel import Session, select

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized
from onlyjobless.services.hub import Services
from onlyjobless.services.tokens import create_access_token
from onlyjobless.storage.users import LoginTicket, RefreshToken, User
from tests.support.sessions import age_spent_tokens

PASSWORD = "correct horse battery"


async def _user(services: Services, name: str = "Alice") -> None:
    await services.accounts.register(name, PASSWORD, "en")


def _expire_every_token(services: Services) -> None:
    with Session(services.engine) as session:
        for row in session.exec(select(RefreshToken)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
        session.commit()


async def test_register_trims_and_keeps_case_but_unique_ignoring_case(services: Services) -> None:
    user = await services.accounts.register("  Alice.B-2  ", PASSWORD, "ru")
    assert user.username == "Alice.B-2"
    assert user.preferred_language == "ru"
    with pytest.raises(Conflict):
        await services.accounts.register("alice.b-2", PASSWORD, "en")
    with pytest.raises(Conflict):
        await services.accounts.register("ALICE.B-2", PASSWORD, "en")


@pytest.mark.parametrize(
    ("username", "password", "language", "code"),
    [
        ("ab", PASSWORD, "en", "username_invalid"),
        ("a" * 33, PASSWORD, "en", "username_invalid"),
        ("bad name", PASSWORD, "en", "username_invalid"),
        ("semi;colon", PASSWORD, "en", "username_invalid"),
        ({"$ne": ""}, PASSWORD, "en", "username_invalid"),
        ("bob", "short", "en", "password_too_short"),
        ("bob", "p" * 129, "en", "password_too_long"),
        ("bob", "password123", "en", "password_common"),
        ("bob", 12345678, "en", "password_too_short"),
        ("bob", PASSWORD, "de", "language_unsupported"),
        ("bob", PASSWORD, None, "language_unsupported"),
    ],
)
async def test_register_refusals(services: Services, username, password, language, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        await services.accounts.register(username, password, language)
    assert caught.value.code == code


async def test_unicode_letters_are_usernames(services: Services) -> None:
    user = await services.accounts.register("Алиса_99", PASSWORD, "ru")
    assert user.username == "Алиса_99"


async def test_password_stored_as_argon2id_only(services: Services) -> None:
    await _user(services)
    with Session(services.engine) as session:
        row = session.exec(select(User)).one()
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


async def test_login_refresh_rotation_and_reuse_revokes_family(services: Services) -> None:
    await _user(services)
    accounts = services.accounts
    first = await accounts.login("ALICE", PASSWORD, "1.1.1.1")
    assert (await accounts.user_for_access_token(first.access_token)).user.username == "Alice"
    second = await accounts.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    third = await accounts.refresh(second.refresh_token)
    age_spent_tokens(services.engine)  # past the grace window for a second tab
    # The spent token comes back: the whole family is revoked, including the newest token.
    with pytest.raises(Unauthorized) as caught:
        await accounts.refresh(first.refresh_token)
    assert caught.value.code == "session_reused"
    with pytest.raises(Unauthorized):
        await accounts.refresh(third.refresh_token)
    with pytest.raises(Unauthorized):
        await accounts.user_for_access_token(third.access_token)


async def test_refresh_tokens_stored_hashed_with_absolute_expiry(services: Services) -> None:
    await _user(services)
    pair = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    rotated = await services.accounts.refresh(pair.refresh_token)
    with Session(services.engine) as session:
        rows = session.exec(select(RefreshToken)).all()
    assert len(rows) == 2
    assert all(pair.refresh_token not in row.token_hash for row in rows)
    assert rows[0].expires_at == rows[1].expires_at  # rotation never extends the family's life
    _expire_every_token(services)  # past the absolute expiry the session is over
    with pytest.raises(Unauthorized):
        await services.accounts.refresh(rotated.refresh_token)


async def test_logout_revokes_session_and_its_access_tokens(services: Services) -> None:
    await _user(services)
    pair = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    other = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    await services.accounts.logout(pair.refresh_token)
    await services.accounts.logout("unknown-token")  # quietly ignored
    with pytest.raises(Unauthorized):
        await services.accounts.refresh(pair.refresh_token)
    with pytest.raises(Unauthorized):
        await services.accounts.user_for_access_token(pair.access_token)
    assert (await services.accounts.user_for_access_token(other.access_token)).user.username == "Alice"


async def test_unknown_user_and_wrong_password_look_and_cost_alike(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same answer, and the same work: one Argon2id verification whether or not the user exists."""
    from onlyjobless.services import passwords

    await _user(services)
    verified: list[str] = []
    real_verify = passwords._context.verify

    def counting_verify(secret: str, hashed: str) -> bool:
        verified.append(hashed[:10])
        return bool(real_verify(secret, hashed))

    monkeypatch.setattr(passwords._context, "verify", counting_verify)
    outcomes = []
    for index, name in enumerate(("alice", "nobody")):
        with pytest.raises(Unauthorized) as caught:
            await services.accounts.login(name, "wrong password!", f"10.0.0.{index}")
        outcomes.append(caught.value.code)
    assert outcomes == ["login_failed", "login_failed"]
    assert verified == ["$argon2id$", "$argon2id$"]


async def test_outdated_hash_rehashed_at_login(services: Services) -> None:
    await _user(services)
    weak = CryptContext(schemes=["argon2"], argon2__type="ID", argon2__memory_cost=8192, argon2__time_cost=1)
    with Session(services.engine) as session:
        user = session.exec(select(User)).one()
        user.password_hash = weak.hash(PASSWORD)
        session.add(user)
        session.commit()
    await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    with Session(services.engine) as session:
        assert session.exec(select(User)).one().password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_throttle_slows_one_address_but_never_locks_the_owner_out(services: Services) -> None:
    await _user(services)
    accounts = services.accounts
    for _ in range(5):
        with pytest.raises(Unauthorized):
            await accounts.login("alice", "wrong password!", "6.6.6.6")
    with pytest.raises(Unauthorized):  # the sixth failure earns the first back-off
        await accounts.login("alice", "wrong password!", "6.6.6.6")
    with pytest.raises(TooManyRequests) as caught:
        await accounts.login("alice", PASSWORD, "6.6.6.6")
    assert caught.value.code == "login_throttled"
    assert caught.value.retry_after >= 1
    # The owner, from their own address, still gets in.
    assert (await accounts.login("alice", PASSWORD, "1.2.3.4")).access_token


async def test_a_burst_of_concurrent_guesses_is_throttled_like_one_after_another(services: Services) -> None:
    await _user(services)

    async def guess(n: int) -> str:
        try:
            await services.accounts.login("alice", f"wrong guess {n}", "6.6.6.6")
        except (Unauthorized, TooManyRequests) as exc:
            return exc.code
        return "signed in"

    codes = await asyncio.gather(*(guess(n) for n in range(40)))
    # Five free failures and the sixth, which earns the first back-off, reach the password check.
    assert sorted(codes).count("login_failed") == 6 and codes.count("login_throttled") == 34
    # A correct password from another address is not one of the account's failures.
    for _ in range(3):
        assert (await services.accounts.login("alice", PASSWORD, "1.2.3.4")).access_token


async def test_throttle_per_account_is_capped_at_a_minute(services: Services) -> None:
    await _user(services)
    for index in range(30):  # a distributed attack: a new address every time
        with pytest.raises((Unauthorized, TooManyRequests)):
            await services.accounts.login("alice", "wrong password!", f"10.1.{index}.1")
    with pytest.raises(TooManyRequests) as caught:
        await services.accounts.login("alice", PASSWORD, "1.2.3.4")
    assert 1 <= caught.value.retry_after <= 60


async def test_throttle_per_address_across_accounts(services: Services) -> None:
    for index in range(31):
        with pytest.raises((Unauthorized, TooManyRequests)):
            await services.accounts.login(f"user{index}", "wrong password!", "7.7.7.7")
    with pytest.raises(TooManyRequests):
        await services.accounts.login("someone", "wrong password!", "7.7.7.7")


async def test_ticket_is_one_time_and_short_lived(services: Services) -> None:
    await _user(services)
    ticket = await services.accounts.login_ticket("alice", PASSWORD, "1.1.1.1")
    pair = await services.accounts.redeem_ticket(ticket)
    who = await services.accounts.user_for_session(pair.refresh_token)
    assert who.user.username == "Alice"
    with pytest.raises(Unauthorized):
        await services.accounts.redeem_ticket(ticket)
    late = await services.accounts.ticket_for_user(who.user.id)
    with Session(services.engine) as session:
        for row in session.exec(select(LoginTicket)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
        session.commit()
    with pytest.raises(Unauthorized):
        await services.accounts.redeem_ticket(late)
    for bad in (None, "", "x" * 300):
        with pytest.raises(Unauthorized):
            await services.accounts.redeem_ticket(bad)


async def test_ticket_login_failures_are_counted(services: Services) -> None:
    await _user(services)
    with pytest.raises(Unauthorized):
        await services.accounts.login_ticket("alice", "wrong password!", "1.1.1.1")


async def test_session_cookie_checks(services: Services) -> None:
    await _user(services)
    pair = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    fresh = await services.accounts.refresh(pair.refresh_token)
    who = await services.accounts.user_for_session(fresh.refresh_token)
    assert who.user.username == "Alice" and who.session_id is not None
    for bad in (pair.refresh_token, None, "", "x" * 500, "no-such-token"):  # a spent token is no session
        with pytest.raises(Unauthorized):
            await services.accounts.user_for_session(bad)
    _expire_every_token(services)  # the live one expires
    with pytest.raises(Unauthorized):
        await services.accounts.user_for_session(fresh.refresh_token)


async def test_a_revoked_session_is_no_session(services: Services) -> None:
    await _user(services)
    pair = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    assert (await services.accounts.user_for_session(pair.refresh_token)).user.username == "Alice"
    await services.accounts.logout(pair.refresh_token)
    with pytest.raises(Unauthorized):
        await services.accounts.user_for_session(pair.refresh_token)


async def test_profile_update_and_rename_conflicts(services: Services) -> None:
    await _user(services)
    await _user(services, "Bob")
    pair = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    me = (await services.accounts.user_for_access_token(pair.access_token)).user
    renamed = await services.accounts.update_profile(me.id, username="Alicia", preferred_language="ru")
    assert (renamed.username, renamed.preferred_language) == ("Alicia", "ru")
    same = await services.accounts.update_profile(me.id, username="ALICIA")  # own name, other case
    assert same.username == "ALICIA"
    with pytest.raises(Conflict):
        await services.accounts.update_profile(me.id, username="bob")
    with pytest.raises(InvalidInput):
        await services.accounts.update_profile(me.id, preferred_language="xx")
    with pytest.raises(InvalidInput):
        await services.accounts.update_profile(me.id, username="a b")
    assert (await services.accounts.get_user(me.id)).username == "ALICIA"


async def test_password_change_revokes_every_other_session(services: Services) -> None:
    await _user(services)
    accounts = services.accounts
    mine = await accounts.login("alice", PASSWORD, "1.1.1.1")
    other = await accounts.login("alice", PASSWORD, "1.1.1.2")
    who = await accounts.user_for_access_token(mine.access_token)
    with pytest.raises(InvalidInput) as caught:
        await accounts.change_password(
            who.user.id, "not it at all", "a brand new secret", keep_session=who.session_id
        )
    assert caught.value.code == "password_wrong"
    with pytest.raises(InvalidInput):
        await accounts.change_password(who.user.id, PASSWORD, "password123", keep_session=who.session_id)
    with pytest.raises(InvalidInput):
        await accounts.change_password(who.user.id, PASSWORD, None, keep_session=who.session_id)
    await accounts.change_password(who.user.id, PASSWORD, "a brand new secret", keep_session=who.session_id)
    assert (await accounts.user_for_access_token(mine.access_token)).user.username == "Alice"
    with pytest.raises(Unauthorized):
        await accounts.refresh(other.refresh_token)
    with pytest.raises(Unauthorized):
        await accounts.login("alice", PASSWORD, "1.1.1.3")
    assert await accounts.login("alice", "a brand new secret", "1.1.1.3")


async def test_missing_user_is_not_found(services: Services) -> None:
    import uuid

    ghost = uuid.uuid4()
    with pytest.raises(NotFound):
        await services.accounts.get_user(ghost)
    with pytest.raises(NotFound):
        await services.accounts.update_profile(ghost, preferred_language="en")
    with pytest.raises(NotFound):
        await services.accounts.change_password(ghost, PASSWORD, "a brand new secret")
    with pytest.raises(NotFound):
        await services.accounts.ticket_for_user(ghost)


async def test_concurrent_registrations_of_one_name_create_one_account(services: Services) -> None:
    results = await asyncio.gather(
        *(services.accounts.register(f"{'Carol' if i % 2 else 'carol'}", PASSWORD, "en") for i in range(6)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))


async def test_an_access_token_works_only_for_its_own_open_session(services: Services) -> None:
    """The token's user and session must match an open session of that user, in one check."""
    await _user(services)
    bob = await services.accounts.register("bob", PASSWORD, "en")
    alice = await services.accounts.login("alice", PASSWORD, "1.1.1.1")
    mine = await services.accounts.user_for_access_token(alice.access_token)
    config = services.accounts._tokens
    # Bob's id with Alice's session, and Alice's id with a session that never was: refused.
    for user_id, session_id in ((bob.id, mine.session_id), (mine.user.id, uuid.uuid4())):
        forged, _ = create_access_token(config, user_id, session_id)
        with pytest.raises(Unauthorized):
            await services.accounts.user_for_access_token(forged)
    assert (await services.accounts.user_for_access_token(alice.access_token)).user.id == mine.user.id
