"""The daily interview limit (UTC days; new chats and retries count) and the per-user LLM lease."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.engine import Engine

from onlyjobless.domain.clock import utcnow
from onlyjobless.domain.errors import TooManyRequests
from onlyjobless.storage.quota import CounterStore, LeaseStore


@dataclass(frozen=True)
class QuotaStatus:
    """What the user has left today and when it resets."""

    limit: int
    used: int
    remaining: int
    resets_at: datetime


def _next_midnight(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)


class Quota:
    """Counts interviews per user and UTC day; concurrent starts can never exceed the limit."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self._counters = CounterStore(engine)
        self.limit = limit

    def _status(self, used: int, now: datetime) -> QuotaStatus:
        used = min(used, self.limit)
        return QuotaStatus(self.limit, used, self.limit - used, _next_midnight(now))

    async def status(self, user_id: uuid.UUID) -> QuotaStatus:
        now = utcnow()
        return self._status(await self._counters.used(user_id, now.date()), now)

    async def consume(self, user_id: uuid.UUID) -> QuotaStatus:
        """Take one interview from today's allowance, or refuse with when it resets."""
        now = utcnow()
        used = await self._counters.take(user_id, now.date(), self.limit)
        if used is None:
            resets = _next_midnight(now)
            raise TooManyRequests(
                "quota_exhausted",
                retry_after=int((resets - now).total_seconds()) + 1,
                limit=self.limit,
                resets_at=resets.strftime("%H:%M UTC"),
            )
        return self._status(used, now)

    async def refund(self, user_id: uuid.UUID) -> None:
        """Give back an interview whose start failed before anything was created."""
        await self._counters.give_back(user_id, utcnow().date())


class GenerationLeases:
    """One LLM generation per user at a time, across every worker (the lease is a database row).

    A held lease is renewed every third of its time to live, so a long generation keeps it while a
    worker that dies (killed, out of memory) stops renewing: its lease lapses within one `ttl` and
    the user can ask again, on any worker.
    """

    def __init__(self, engine: Engine, ttl: timedelta) -> None:
        self._leases = LeaseStore(engine)
        self._ttl = ttl

    @asynccontextmanager
    async def hold(self, user_id: uuid.UUID) -> AsyncIterator[bool]:
        """Take the user's lease for the block (True), or find it taken (False); always let go.

        The release runs even when the block is cancelled or closed, and only removes this
        block's own lease, so it is harmless when the lease was never taken.
        """
        token = secrets.token_hex(16)
        renewing: asyncio.Task[None] | None = None
        try:
            now = utcnow()
            held = await self._leases.acquire(user_id, token, now, now + self._ttl)
            if held:
                renewing = asyncio.create_task(self._renew(user_id, token))
            yield held
        finally:
            if renewing is not None:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
            await self._leases.release(user_id, token)

    async def _renew(self, user_id: uuid.UUID, token: str) -> None:
        """Keep the lease alive while its holder runs; stop once it was lost."""
        while True:
            await asyncio.sleep(self._ttl.total_seconds() / 3)
            if not await self._leases.renew(user_id, token, utcnow() + self._ttl):
                return

    async def busy(self, user_id: uuid.UUID) -> bool:
        """True while a generation of this user holds an unexpired lease."""
        return await self._leases.held(user_id, utcnow())
