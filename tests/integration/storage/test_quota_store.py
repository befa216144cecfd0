"""The daily counters and the lease row, each now one statement: the same answers on both databases."""

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


async def test_take_counts_up_to_the_limit_then_refuses(engine: Engine) -> None:
    user_id = await _user(engine)
    counters = CounterStore(engine, GenerationCounter)
    assert [await counters.take(user_id, DAY, 3) for _ in range(4)] == [1, 2, 3, None]
    assert await counters.used(user_id, DAY) == 3
    await counters.give_back(user_id, DAY)
    assert await counters.take(user_id, DAY, 3) == 3
    # Another day, another table: counted apart.
    assert await counters.take(user_id, DAY + timedelta(days=1), 3) == 1
    assert await CounterStore(engine, InterviewCounter).used(user_id, DAY) == 0


async def test_a_limit_of_zero_refuses_without_counting(engine: Engine) -> None:
    user_id = await _user(engine)
    counters = CounterStore(engine, InterviewCounter)
    assert await counters.take(user_id, DAY, 0) is None
    assert await counters.used(user_id, DAY) == 0


async def test_concurrent_takes_never_pass_the_limit(engine: Engine) -> None:
    user_id = await _user(engine)
    counters = CounterStore(engine, GenerationCounter)
    taken = await asyncio.gather(*(counters.take(user_id, DAY, 4) for _ in range(10)))
    assert sorted(t for t in taken if t is not None) == [1, 2, 3, 4]
    assert taken.count(None) == 6
    assert await counters.used(user_id, DAY) == 4


async def test_a_lease_is_taken_when_free_or_expired_and_refused_while_held(engine: Engine) -> None:
    user_id = await _user(engine)
    leases = LeaseStore(engine)
    now = utcnow()
    assert await leases.acquire(user_id, "first", now, now + timedelta(seconds=30))
    assert not await leases.acquire(user_id, "second", now, now + timedelta(seconds=30))
    assert await leases.renew(user_id, "first", now + timedelta(seconds=60))  # still the first's
    later = now + timedelta(seconds=61)  # the first lapsed unrenewed
    assert await leases.acquire(user_id, "third", later, later + timedelta(seconds=30))
    assert not await leases.renew(user_id, "first", later + timedelta(seconds=60))
    await leases.release(user_id, "third")
    assert not await leases.held(user_id, later)
    assert await leases.acquire(user_id, "fourth", later, later + timedelta(seconds=30))
