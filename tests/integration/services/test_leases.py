"""The generation lease across workers: a row in the SQL database, renewed while its holder runs,
lapsing when the holder's process dies without letting go."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy.engine import Engine

from onlyjobless.domain.clock import utcnow
from onlyjobless.services.accounts import Accounts
from onlyjobless.services.quota import GenerationLeases
from onlyjobless.services.tokens import TokenConfig
from onlyjobless.storage.quota import LeaseStore

TTL = timedelta(seconds=0.3)
TOKENS = TokenConfig(secret="s" * 48, issuer="test", audience="test", access_minutes=5)


async def _user(engine: Engine) -> uuid.UUID:
    accounts = Accounts(engine, TOKENS, refresh_days=1, languages=("en",))
    return (await accounts.register(f"lease_{uuid.uuid4().hex[:8]}", "correct horse battery", "en")).id


async def test_a_held_lease_is_renewed_past_its_time_to_live(engine: Engine) -> None:
    user_id = await _user(engine)
    leases = GenerationLeases(engine, TTL)  # one worker
    other = GenerationLeases(engine, TTL)  # another worker, same database
    async with leases.hold(user_id) as held:
        assert held
        await asyncio.sleep(TTL.total_seconds() * 3)  # three lifetimes: only renewal keeps it
        assert await other.busy(user_id)
        async with other.hold(user_id) as also:
            assert not also
    assert not await other.busy(user_id)
    async with other.hold(user_id) as after:
        assert after


async def test_a_dead_workers_lease_lapses_and_another_worker_takes_it(engine: Engine) -> None:
    user_id = await _user(engine)
    store = LeaseStore(engine)
    now = utcnow()
    # What a killed worker leaves behind: a lease nobody renews or releases.
    assert await store.acquire(user_id, "dead-worker", now, now + TTL)
    survivor = GenerationLeases(engine, TTL)
    async with survivor.hold(user_id) as held:
        assert not held
    await asyncio.sleep(TTL.total_seconds() * 1.5)  # past its time to live
    assert not await survivor.busy(user_id)
    async with survivor.hold(user_id) as held:
        assert held
    assert not await store.renew(user_id, "dead-worker", utcnow() + TTL)  # its owner lost it
