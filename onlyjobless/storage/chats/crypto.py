"""Chat contents encrypted at rest, the same way in every chat store (AES-256-GCM).

A sealed value is the text `oj1:<key id>:<urlsafe base64 of nonce + ciphertext>`: the JSON of
the plain value, encrypted under the named key with associated data "<record kind>:<record
id>:<field>", so a value copied to another record or field no longer opens. Values that are not
sealed (records written before encryption) are read as they are, until `keys rotate` seals them.

The keys come from CHAT_KEYS ("id:base64key,id:base64key", the first is current), or from the
key file the data folder holds (created owner-only on first use, like the JWT secret), which a
rotation rewrites; a running app notices a rewritten key file on its next read or write.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
TOKEN = re.compile(r"oj1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+=*)")
# The fields whose values are sealed; everything else (ids, owner, status, timestamps, the
# role slug, kinds, scores, flags) stays plain so listing and paging keep working.
CHAT_SEALED = ("questions", "summary")
MESSAGE_SEALED = ("content",)


class ChatKeyError(Exception):
    """A key is missing or malformed, or a sealed value does not open: never a user's fault."""


def new_key_id() -> str:
    """A short random key id."""
    return secrets.token_hex(4)


def new_key() -> bytes:
    """A fresh AES-256 key."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise ChatKeyError("not base64") from exc


def parse_keys(spec: str) -> tuple[dict[str, bytes], str]:
    """CHAT_KEYS ("id:base64key,..."; the first is current) as (keys, current id)."""
    keys: dict[str, bytes] = {}
    for entry in (part.strip() for part in spec.split(",")):
        if not entry:
            continue
        key_id, _, encoded = entry.partition(":")
        key = _unb64(encoded.strip())
        if not KEY_ID.fullmatch(key_id.strip()) or len(key) != KEY_BYTES:
            raise ChatKeyError("CHAT_KEYS entries are id:base64 of 32 bytes")
        keys.setdefault(key_id.strip(), key)
    if not keys:
        raise ChatKeyError("CHAT_KEYS names no key")
    return keys, next(iter(keys))


def format_keys(keys: Mapping[str, bytes], current: str) -> str:
    """The CHAT_KEYS text for these keys, the current one first."""
    order = [current, *(key_id for key_id in keys if key_id != current)]
    return ",".join(f"{key_id}:{_b64(keys[key_id])}" for key_id in order)


class Keyring:
    """The keys that open chat contents and the one that seals new values."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        self._lock = threading.Lock()
        self._set(keys, current)

    def _set(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ChatKeyError("the current key is not in the keyring")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._raw = dict(keys)
        self._current = current

    @classmethod
    def generated(cls) -> Keyring:
        """A keyring of one fresh key, held in memory only (tests, throwaway stores)."""
        key_id = new_key_id()
        return cls({key_id: new_key()}, key_id)

    def refresh(self) -> None:
        """Pick up keys changed elsewhere (the key file); a fixed keyring has nothing to do."""

    @property
    def current(self) -> str:
        """The id of the key new values are sealed with."""
        self.refresh()
        return self._current

    @property
    def ids(self) -> list[str]:
        """Every key id that opens values."""
        return list(self._keys)

    def raw(self) -> tuple[dict[str, bytes], str]:
        """The keys and the current id (for rotation)."""
        return dict(self._raw), self._current

    def cipher(self, key_id: str) -> AESGCM:
        """The key named `key_id`; ChatKeyError when no key of that id is known."""
        found = self._keys.get(key_id)
        if found is None:
            self.refresh()
            found = self._keys.get(key_id)
        if found is None:
            raise ChatKeyError(f"no chat key with id {key_id}")
        return found


class FileKeyring(Keyring):
    """The keyring kept in a JSON file of the data folder, created owner-only on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: int | None = None
        keys, current = self._load()
        super().__init__(keys, current)

    def _load(self) -> tuple[dict[str, bytes], str]:
        if not self.path.exists():
            key_id = new_key_id()
            write_key_file(self.path, {key_id: new_key()}, key_id, create=True)
        data = json.loads(self.path.read_text())
        self._stamp = self.path.stat().st_mtime_ns
        keys = {str(key_id): _unb64(str(value)) for key_id, value in data["keys"].items()}
        return keys, str(data["current"])

    def refresh(self) -> None:
        """Reload when the file changed since it was read (a rotation by the CLI)."""
        try:
            stamp = self.path.stat().st_mtime_ns
        except OSError:
            return
        if stamp == self._stamp:
            return
        with self._lock:
            if stamp != self._stamp:
                keys, current = self._load()
                self._set(keys, current)


def write_key_file(path: Path, keys: Mapping[str, bytes], current: str, *, create: bool = False) -> None:
    """Write the key file owner-only and atomically: other processes see the old file or the new.

    With `create`, an existing file wins (another process generated it first) and is kept.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"current": current, "keys": {key_id: _b64(key) for key_id, key in keys.items()}})
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
    if not create:
        temporary.replace(path)
        return
    try:
        os.link(temporary, path)  # fails when the file exists: never a half-written file
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


class ChatCipher:
    """Seals and opens the sensitive fields of chat records with the keyring's keys."""

    def __init__(self, keyring: Keyring | None = None) -> None:
        self.keyring = keyring or Keyring.generated()

    @property
    def key_id(self) -> str:
        """The key new values are sealed with."""
        return self.keyring.current

    def seal(self, value: Any, binding: str, key_id: str | None = None) -> str:
        """The sealed text of a JSON-ready value, bound to `binding`."""
        key_id = key_id or self.keyring.current
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        sealed = self.keyring.cipher(key_id).encrypt(nonce, plain, binding.encode())
        return f"oj1:{key_id}:{_b64(nonce + sealed)}"

    def open(self, value: Any, binding: str) -> Any:
        """The plain value of a sealed text; a value that is not sealed is returned as it is."""
        match = TOKEN.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            return value
        data = _unb64(match.group(2))
        if len(data) < NONCE_BYTES + TAG_BYTES:
            raise ChatKeyError(f"a sealed value of {binding} is cut short")
        try:
            plain = self.keyring.cipher(match.group(1)).decrypt(
                data[:NONCE_BYTES], data[NONCE_BYTES:], binding.encode()
            )
        except InvalidTag as exc:
            raise ChatKeyError(f"a sealed value of {binding} does not open") from exc
        return json.loads(plain)

    @staticmethod
    def key_of(value: Any) -> str | None:
        """The key id a stored value is sealed with, None when it is not sealed."""
        match = TOKEN.fullmatch(value) if isinstance(value, str) else None
        return None if match is None else match.group(1)

    # -- records ---------------------------------------------------------------------------

    def seal_fields(
        self, kind: str, record_id: str, values: Mapping[str, Any], names: Iterable[str]
    ) -> dict[str, Any]:
        """`values` with the named fields present sealed (None stays None: nothing to hide)."""
        key_id = self.keyring.current
        sealed = dict(values)
        for name in names:
            if sealed.get(name) is not None:
                sealed[name] = self.seal(sealed[name], f"{kind}:{record_id}:{name}", key_id)
        return sealed

    def open_fields(
        self, kind: str, record_id: str, values: Mapping[str, Any], names: Iterable[str]
    ) -> dict[str, Any]:
        """`values` with the named fields opened."""
        opened = dict(values)
        for name in names:
            if name in opened:
                opened[name] = self.open(opened[name], f"{kind}:{record_id}:{name}")
        return opened

    def stale(self, values: Mapping[str, Any], names: Iterable[str]) -> bool:
        """Whether a stored record needs sealing again under the current key."""
        current = self.keyring.current
        if values.get("key_id") != current:
            return True
        return any(values.get(name) is not None and self.key_of(values[name]) != current for name in names)
