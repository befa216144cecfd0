"""Login throttling: exponential back-off per account, per account and address, per address;
and registrations per address (a fixed number per window).

The per-account limit is capped low (a minute), so an attacker can slow a victim down
but never lock them out; the strict limits key on the attacker's own address.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from onlyjobless.domain.clock import utcnow
from onlyjobless.storage.login_failures import LoginFailureStore


@dataclass(frozen=True)
class Rule:
    """After `free` failures within `window`, wait 2**(n-free) seconds, at most `cap`."""

    prefix: str
    free: int
    cap: timedelta
    window: timedelta = timedelta(minutes=15)

    def delay(self, failures: int) -> timedelta | None:
        over = failures - self.free
        if over <= 0:
            return None
        return min(timedelta(seconds=2 ** min(over - 1, 20)), self.cap)


def client_address(peer: str | None, forwarded_for: str | None, *, trust_proxy: bool) -> str:
    """The address the throttles key on: the connection's peer, or, behind a trusted proxy
    (TRUST_PROXY_HEADERS), the address that proxy saw. That is the last X-Forwarded-For entry:
    a proxy that appends to the header keeps whatever the client sent in front of it, so every
    entry before the last is the caller's own word."""
    if trust_proxy:
        hops = [hop.strip() for hop in (forwarded_for or "").split(",")]
        if hops[-1]:
            return hops[-1][:100]
    return peer or "unknown"


ACCOUNT = Rule("user", free=20, cap=timedelta(seconds=60))
ACCOUNT_AND_ADDRESS = Rule("pair", free=5, cap=timedelta(minutes=15))
ADDRESS = Rule("ip", free=30, cap=timedelta(minutes=15))
RULES = (ACCOUNT, ACCOUNT_AND_ADDRESS, ADDRESS)


def keys(username_key: str, address: str) -> dict[Rule, str]:
    """The counter key each rule uses for this attempt."""
    return {
        ACCOUNT: f"user:{username_key}",
        ACCOUNT_AND_ADDRESS: f"pair:{username_key}|{address}",
        ADDRESS: f"ip:{address}",
    }


class LoginThrottle:
    """Applies the rules to the failure counters kept in the database."""

    def __init__(self, store: LoginFailureStore) -> None:
        self._store = store

    async def admit(self, username_key: str, address: str) -> int:
        """Count this attempt under every rule, as a failure until it turns out right (`forgive`):
        0 when it may proceed, else how long to wait (and it is not counted). Counted before the
        password is checked, so concurrent attempts cannot all pass a block none has earned yet."""
        now = utcnow()
        rules = {key: rule for rule, key in keys(username_key, address).items()}
        until = await self._store.admit(rules, now)
        return 0 if until is None else max(1, math.ceil((until - now).total_seconds()))

    async def forgive(self, username_key: str, address: str) -> None:
        """A correct password: not a failure. The counter of this account from this address is
        cleared; the account's and the address's counters take the attempt back."""
        found = keys(username_key, address)
        await self._store.clear(found[ACCOUNT_AND_ADDRESS])
        await self._store.forgive([found[ACCOUNT], found[ADDRESS]])


class RegistrationThrottle:
    """At most `limit` registrations from one client address per `window`; concurrent ones included."""

    def __init__(self, store: LoginFailureStore, limit: int, window: timedelta) -> None:
        self._store = store
        self._limit = limit
        self._window = window

    async def seconds_blocked(self, address: str) -> int:
        """Count this registration attempt; 0 when it may proceed, else how long to wait."""
        now = utcnow()
        until = await self._store.count_within(f"register:{address}", self._limit, self._window, now)
        return 0 if until is None else max(1, math.ceil((until - now).total_seconds()))
