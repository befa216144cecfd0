"""Password hashing (Argon2id through passlib) and the password policy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from passlib.context import CryptContext

from onlyjobless.domain.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"

# OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19456,
    argon2__time_cost=2,
    argon2__parallelism=1,
)
_DUMMY_HASH = _context.hash("no-such-user: compare against this so timing reveals nothing")


def hash_password(password: str) -> str:
    """A fresh Argon2id hash."""
    return str(_context.hash(password))  # passlib is untyped: say what it returns


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password; with no hash, spend the same time on a dummy and fail."""
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False
    try:
        return bool(_context.verify(password, password_hash))
    except (ValueError, TypeError):
        return False


# Argon2 takes ~50 ms of CPU per hash. Hashing runs on a pool of its own, so a burst of logins
# queues there instead of filling the event loop's default pool (which the database calls of
# every stream share), and its threads run at a lower CPU priority than the event loop's.
HASH_THREADS = 2
HASH_NICENESS = 10
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _lower_priority() -> None:
    """Runs in each hashing thread: on Linux a thread's nice value is its own."""
    with contextlib.suppress(OSError, AttributeError):
        thread = threading.get_native_id()
        os.setpriority(
            os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASH_NICENESS)
        )


def _hashing_pool() -> ThreadPoolExecutor:
    """One pool per process (a forked worker makes its own)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool = ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="argon2", initializer=_lower_priority)
        _pool_pid = os.getpid()
    return _pool


async def hash_password_async(password: str) -> str:
    """hash_password on the hashing pool."""
    return await asyncio.get_running_loop().run_in_executor(_hashing_pool(), hash_password, password)


async def verify_password_async(password: str, password_hash: str | None) -> bool:
    """verify_password on the hashing pool."""
    return await asyncio.get_running_loop().run_in_executor(
        _hashing_pool(), verify_password, password, password_hash
    )


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return bool(_context.needs_update(password_hash))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line and not line.startswith("#"))


def check_policy(password: str, username: str | None = None) -> None:
    """Length limits and a ban on the most common passwords; no composition rules."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InvalidInput("password_too_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password_too_long", max=MAX_LENGTH)
    folded = password.casefold()
    if folded in _common_passwords() or (username and folded == username.casefold()):
        raise InvalidInput("password_common")
