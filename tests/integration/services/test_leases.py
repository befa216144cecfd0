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

TTL = timedelta(seconds=0.6)  # renewed every 0.2 s, its holder gone after 0.4 s without one
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


async def test_a_holder_that_stopped_renewing_is_gone_before_its_lease_expires(engine: Engine) -> None:
    user_id = await _user(engine)
    store = LeaseStore(engine)
    survivor = GenerationLeases(engine, TTL)
    now = utcnow()
    assert await store.acquire(user_id, "dead-worker", now, now + TTL)  # renewed just now
    assert await survivor.alive(user_id, "dead-worker") and await survivor.busy(user_id)
    # Two renewals missed: gone, though its row has not expired yet.
    await asyncio.sleep((survivor.stale_after + (TTL - survivor.stale_after) / 4).total_seconds())
    assert utcnow() < now + TTL
    assert not await survivor.alive(user_id, "dead-worker")
    assert not await survivor.busy(user_id)
    async with survivor.hold(user_id) as token:
        assert token is not None
        assert await survivor.alive(user_id, token)
        assert not await survivor.alive(user_id, "dead-worker")
        assert not await store.renew(user_id, "dead-worker", utcnow() + TTL)  # taken over
    assert not await survivor.alive(user_id, token)  # released


async def test_a_live_lease_is_not_taken_over(engine: Engine) -> None:
    user_id = await _user(engine)
    leases, other = GenerationLeases(engine, TTL), GenerationLeases(engine, TTL)
    async with leases.hold(user_id) as token:
        assert token is not None
        await asyncio.sleep(TTL.total_seconds() * 2)  # renewed all along
        assert await other.alive(user_id, token)
        async with other.hold(user_id) as refused:
            assert refused is None
        assert await other.alive(user_id, token)


async def test_a_slow_holder_whose_lease_was_taken_over_stops_renewing_and_leaves_it(engine: Engine) -> None:
    user_id = await _user(engine)
    leases, store = GenerationLeases(engine, TTL), LeaseStore(engine)
    async with leases.hold(user_id) as token:
        assert token is not None
        now = utcnow()
        # Another worker took this holder for gone while it was only slow.
        assert await store.acquire(user_id, "taker", now + TTL * 2, now + TTL * 10)
        await asyncio.sleep(leases.renew_every.total_seconds() * 2)  # its renewals find it lost
        assert not await leases.alive(user_id, token)
        assert await leases.alive(user_id, "taker")
    assert await leases.alive(user_id, "taker")  # letting go removes only its own lease
