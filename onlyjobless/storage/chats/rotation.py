"""Key rotation: a new current key, every chat record sealed again, the old keys retired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from onlyjobless.settings import Settings
from onlyjobless.storage.chats.crypto import FileKeyring, new_key, new_key_id, write_key_file
from onlyjobless.storage.chats.factory import build_chat_store

MAX_PASSES = 5  # passes until one finds nothing stale; records change only while the app writes


@dataclass
class Rotation:
    """What a rotation did: the key now current, records sealed again, keys dropped."""

    key_id: str
    resealed: int = 0
    complete: bool = False
    retired: list[str] = field(default_factory=list)


async def rotate_keys(
    settings: Settings, engine: Engine, client_class: Callable[..., Any] | None = None
) -> Rotation:
    """Seal every record of the configured chat store under a new key.

    With the key file (no CHAT_KEYS), a new key is added and made current first; running
    apps see the rewritten file on their next read or write, the old keys keep opening
    values until every record is sealed again, then they are removed from the file. With
    CHAT_KEYS the operator adds the new key (first) to the configuration: this re-seals
    under it, and the old entries can then be removed from CHAT_KEYS.
    """
    path = settings.chat_key_file
    old: list[str] = []
    if settings.chat_keys is None:
        keys, _ = FileKeyring(path).raw()
        old = list(keys)
        key_id = new_key_id()
        keys[key_id] = new_key()
        write_key_file(path, keys, key_id)
    store = build_chat_store(settings, engine, client_class)
    rotation = Rotation(key_id=store.cipher.key_id)
    for _ in range(MAX_PASSES):
        stale = await store.reencrypt()
        rotation.resealed += stale
        if stale == 0:
            rotation.complete = True
            break
    if rotation.complete and old:
        keys, current = FileKeyring(path).raw()
        write_key_file(path, {current: keys[current]}, current)
        rotation.retired = old
    return rotation
