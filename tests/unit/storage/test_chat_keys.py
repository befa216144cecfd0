"""The chat keys: CHAT_KEYS parsing, the generated key file and its reload after a rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from onlyjobless.settings import Settings
from onlyjobless.storage.chats.crypto import (
    ChatCipher,
    ChatKeyError,
    FileKeyring,
    Keyring,
    format_keys,
    new_key,
    parse_keys,
    write_key_file,
)
from onlyjobless.storage.chats.factory import build_keyring


def test_chat_keys_round_trip_and_the_first_is_current() -> None:
    keys = {"b": new_key(), "a": new_key()}
    parsed, current = parse_keys(format_keys(keys, "a"))
    assert current == "a" and parsed == keys
    assert parse_keys(" x:" + format_keys({"x": keys["a"]}, "x").split(":", 1)[1] + " ,")[1] == "x"


@pytest.mark.parametrize("spec", ["", ",", "k1", "k1:", "k1:abc", "bad id:" + "A" * 44, "k1:%%%%"])
def test_malformed_chat_keys_are_refused(spec: str) -> None:
    with pytest.raises(ChatKeyError):
        parse_keys(spec)


def test_the_current_key_must_be_in_the_keyring() -> None:
    with pytest.raises(ChatKeyError):
        Keyring({"a": new_key()}, "b")


def test_settings_keys_win_over_the_key_file(tmp_path: Path) -> None:
    spec = format_keys({"conf": new_key()}, "conf")
    keyring = build_keyring(Settings(DATA_DIR=tmp_path, CHAT_KEYS=SecretStr(spec)))
    assert keyring.current == "conf" and keyring.ids == ["conf"]
    assert not (tmp_path / "chat_keys.json").exists()
    assert Settings(DATA_DIR=tmp_path, CHAT_KEYS="  ").chat_keys is None


def test_the_key_file_is_generated_owner_only_and_kept(tmp_path: Path) -> None:
    first = build_keyring(Settings(DATA_DIR=tmp_path / "data"))
    path = tmp_path / "data" / "chat_keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = FileKeyring(path)
    assert again.current == first.current and again.raw() == first.raw()


def test_a_rewritten_key_file_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "chat_keys.json"
    keyring = FileKeyring(path)
    cipher = ChatCipher(keyring)
    sealed = cipher.seal({"a": "secret"}, "chat:1:questions")
    keys, old = keyring.raw()
    keys["fresh"] = new_key()
    write_key_file(path, keys, "fresh")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cipher.key_id == "fresh"
    assert cipher.seal("x", "b").startswith("oj1:fresh:")
    assert cipher.open(sealed, "chat:1:questions") == {"a": "secret"}
    assert ChatCipher.key_of(sealed) == old and ChatCipher.key_of("plain") is None
    write_key_file(path, {"other": new_key()}, "other", create=True)  # exists: left alone
    assert cipher.key_id == "fresh"


def test_a_vanished_key_file_keeps_the_keys_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "chat_keys.json"
    keyring = FileKeyring(path)
    current = keyring.current
    path.unlink()
    assert keyring.current == current


def test_values_open_only_with_their_binding() -> None:
    cipher = ChatCipher()
    sealed = cipher.seal("answer", "message:1:content")
    assert cipher.open(sealed, "message:1:content") == "answer"
    with pytest.raises(ChatKeyError):
        cipher.open(sealed, "message:2:content")
    assert cipher.open("not sealed", "message:1:content") == "not sealed"
    prefix = sealed.rsplit(":", 1)[0]
    with pytest.raises(ChatKeyError, match="cut short"):
        cipher.open(prefix + ":" + "A" * 8, "message:1:content")
    with pytest.raises(ChatKeyError, match="does not open"):
        cipher.open(prefix + ":" + "A" * 64, "message:1:content")
