"""Login throttling: exponential back-off per account, per account and address, per address.

The per-account limit is capped low (a minute), so an attacker can slow a victim down
but never lock them out; the strict limits key on the attacker's own address.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from onlyjobless.domain.clock import utcnow
from onlyjobless.storage.users import LoginFailure


@dataclass(frozen=True)
class Rule:
    """After `free` failures within `window`, wait 2**(n-free) seconds, at most `cap`."""

    prefix: str
    free: int
    cap: timedelta
    window: timedelta = timedelta(minutes=15)


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


def seconds_blocked(session: Session, username_key: str, address: str) -> int:
    """How long this attempt must wait; 0 when it may proceed."""
    now = utcnow()
    wait = 0.0
    for key in keys(username_key, address).values():
        row = session.get(LoginFailure, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            wait = max(wait, (row.blocked_until - now).total_seconds())
    return math.ceil(wait)


def record_failure(session: Session, username_key: str, address: str) -> None:
    """Count a failed attempt under every rule and set the back-off it earns."""
    now = utcnow()
    for rule, key in keys(username_key, address).items():
        row = session.get(LoginFailure, key, with_for_update=True)
        if row is None or now - row.first_failure_at > rule.window:
            row = row or LoginFailure(key=key, first_failure_at=now)
            row.failures, row.first_failure_at, row.blocked_until = 0, now, None
        row.failures += 1
        over = row.failures - rule.free
        if over > 0:
            delay = min(timedelta(seconds=2 ** min(over - 1, 20)), rule.cap)
            row.blocked_until = now + delay
        session.add(row)


def record_success(session: Session, username_key: str, address: str) -> None:
    """A correct password clears the counter of this account from this address."""
    row = session.get(LoginFailure, keys(username_key, address)[ACCOUNT_AND_ADDRESS])
    if row is not None:
        session.delete(row)
