"""Argon2id hashing at OWASP's minimum, re-hashing, and the password policy."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from passlib.context import CryptContext

from onlyjobless.domain.errors import InvalidInput
from onlyjobless.services import passwords


def test_hash_is_argon2id_at_owasp_minimum() -> None:
    hashed = passwords.hash_password("a long enough passphrase")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password("a long enough passphrase", hashed)
    assert not passwords.verify_password("a long enough passphrasE", hashed)
    assert not passwords.needs_rehash(hashed)


def test_weaker_hash_needs_rehash() -> None:
    weak = CryptContext(schemes=["argon2"], argon2__type="ID", argon2__memory_cost=8192, argon2__time_cost=1)
    old = weak.hash("a long enough passphrase")
    assert passwords.needs_rehash(old)
    assert passwords.verify_password("a long enough passphrase", old)


def test_unknown_user_and_broken_hash_fail_quietly() -> None:
    assert not passwords.verify_password("whatever123", None)
    assert not passwords.verify_password("whatever123", "not-a-hash")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_too_short"),
        ("x" * 129, "password_too_long"),
        ("password123", "password_common"),
        ("QWERTY123", "password_common"),
        ("alice_the_great", "password_common"),
    ],
)
def test_policy_refusals(password: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        passwords.check_policy(password, "Alice_The_Great")
    assert caught.value.code == code


def test_policy_accepts_any_composition() -> None:
    passwords.check_policy("all lowercase words here")
    passwords.check_policy("x" * 128)
    passwords.check_policy("пароль-из-слов")


async def test_hashing_runs_on_its_own_low_priority_pool() -> None:
    stored = await passwords.hash_password_async("a long passphrase")
    assert stored.startswith("$argon2id$")
    assert await passwords.verify_password_async("a long passphrase", stored)
    assert not await passwords.verify_password_async("another passphrase", stored)
    assert not await passwords.verify_password_async("a long passphrase", None)

    def where() -> tuple[str, int]:
        return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    pool = passwords._hashing_pool()
    name, nice = await asyncio.get_running_loop().run_in_executor(pool, where)
    assert name.startswith("argon2")
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + passwords.HASH_NICENESS)
    # A burst queues on a bounded number of threads, not on the default pool the database uses.
    await asyncio.gather(*(passwords.hash_password_async(f"passphrase {n}") for n in range(6)))
    assert len(pool._threads) == passwords.HASH_THREADS
    assert passwords._hashing_pool() is pool
