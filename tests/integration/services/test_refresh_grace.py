"""Two uses of one refresh token at once (two tabs) both get its successor; a later reuse still
revokes the whole session. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from onlyjobless.domain.errors import Unauthorized
from onlyjobless.services.hub import Services, build_services
from onlyjobless.settings import Settings
from tests.support.sessions import age_spent_tokens

PASSWORD = "correct horse battery"


async def test_concurrent_refreshes_share_one_successor(services: Services) -> None:
    accounts = services.accounts
    await accounts.register("alice", PASSWORD, "en")
    first = await accounts.login("alice", PASSWORD, "1.1.1.1")
    pairs = await asyncio.gather(*(accounts.refresh(first.refresh_token) for _ in range(4)))
    assert len({pair.refresh_token for pair in pairs}) == 1
    assert pairs[0].refresh_token != first.refresh_token
    for pair in pairs:  # every tab stays signed in
        assert (await accounts.user_for_access_token(pair.access_token)).user.username == "alice"
    # The successor rotates on as usual.
    following = await accounts.refresh(pairs[0].refresh_token)
    assert following.refresh_token not in {first.refresh_token, pairs[0].refresh_token}


async def test_reuse_after_the_window_revokes_the_family(services: Services) -> None:
    accounts = services.accounts
    await accounts.register("alice", PASSWORD, "en")
    first = await accounts.login("alice", PASSWORD, "1.1.1.1")
    second = await accounts.refresh(first.refresh_token)
    age_spent_tokens(services.engine, seconds=11)
    with pytest.raises(Unauthorized, match="session_reused"):
        await accounts.refresh(first.refresh_token)
    with pytest.raises(Unauthorized):
        await accounts.refresh(second.refresh_token)
    with pytest.raises(Unauthorized):
        await accounts.user_for_access_token(second.access_token)


async def test_no_grace_once_the_session_is_closed(services: Services) -> None:
    accounts = services.accounts
    await accounts.register("alice", PASSWORD, "en")
    first = await accounts.login("alice", PASSWORD, "1.1.1.1")
    second = await accounts.refresh(first.refresh_token)
    await accounts.logout(second.refresh_token)
    with pytest.raises(Unauthorized):
        await accounts.refresh(first.refresh_token)


async def test_a_window_of_zero_seconds_detects_any_reuse(settings: Settings) -> None:
    services = build_services(settings.model_copy(update={"refresh_grace_seconds": 0.0}))
    accounts = services.accounts
    await accounts.register("alice", PASSWORD, "en")
    first = await accounts.login("alice", PASSWORD, "1.1.1.1")
    second = await accounts.refresh(first.refresh_token)
    age_spent_tokens(services.engine, seconds=0.001)
    with pytest.raises(Unauthorized, match="session_reused"):
        await accounts.refresh(first.refresh_token)
    with pytest.raises(Unauthorized):
        await accounts.user_for_access_token(second.access_token)
