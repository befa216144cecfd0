"""The per-user counters and the generation lease, each one statement, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from sqlalchemy.engine import Engine

from onlyjobless.domain.clock import utcnow
from onlyjobless.services.accounts import Accounts
from onlyjobless.services.tokens import TokenConfig
from onlyjobless.storage.quota import CounterStore, GenerationCounter, InterviewCounter, LeaseStore

TOKENS = TokenConfig(secret="s" * 48, issuer="test", audience="test", access_minutes=5)
DAY = date(2026, 11, 29)


async def _user(engine: Engine) -> uuid.UUID:
    accounts = Accounts(engine, TOKENS, refresh_days=1, languages=("en",))
    return (await accounts.register(f"quota_{uuid.uuid4().hex[:8]}", "correct horse battery", "en")).id


async def test_takes_count_up_to_the_limit_per_user_day_and_counter(engine: Engine) -> None:
    store = CounterStore(engine, GenerationCounter)
    alice, bob = await _user(engine), await _user(engine)
    assert [await store.take(alice, DAY, 3) for _ in range(4)] == [1, 2, 3, None]
    assert await store.used(alice, DAY) == 3
    assert await store.take(alice, DAY + timedelta(days=1), 3) == 1  # a new day
    assert await store.take(bob, DAY, 3) == 1  # another user
    assert await CounterStore(engine, InterviewCounter).used(alice, DAY) == 0  # another counter
    await store.give_back(alice, DAY)
    assert await store.take(alice, DAY, 3) == 3


async def test_a_limit_of_zero_refuses_without_counting(engine: Engine) -> None:
    store = CounterStore(engine, InterviewCounter)
    alice = await _user(engine)
    assert await store.take(alice, DAY, 0) is None
    assert await store.used(alice, DAY) == 0


async def test_concurrent_takes_grant_exactly_the_limit(engine: Engine) -> None:
    store = CounterStore(engine, GenerationCounter)
    alice = await _user(engine)
    taken = await asyncio.gather(*(store.take(alice, DAY, 4) for _ in range(10)))
    assert sorted(t for t in taken if t is not None) == [1, 2, 3, 4]
    assert taken.count(None) == 6
    assert await store.used(alice, DAY) == 4


async def test_a_lease_is_taken_when_free_or_lapsed_and_refused_while_held(engine: Engine) -> None:
    leases = LeaseStore(engine)
    alice = await _user(engine)
    now = utcnow()
    assert await leases.acquire(alice, "first", now, now + timedelta(seconds=30))
    assert not await leases.acquire(alice, "second", now, now + timedelta(seconds=30))
    assert await leases.renew(alice, "first", now + timedelta(seconds=60))  # still the first's
    later = now + timedelta(seconds=61)  # the first lapsed unrenewed
    assert await leases.acquire(alice, "third", later, later + timedelta(seconds=30))
    assert not await leases.renew(alice, "first", later + timedelta(seconds=60))
    await leases.release(alice, "third")
    assert not await leases.held(alice, later)
    assert await leases.acquire(alice, "fourth", later, later + timedelta(seconds=30))
