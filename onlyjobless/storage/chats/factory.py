"""Pick the chat store from the settings: MongoDB when configured, else the SQL database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine

from onlyjobless.settings import Settings
from onlyjobless.storage.chats.base import ChatStore
from onlyjobless.storage.chats.crypto import ChatCipher, FileKeyring, Keyring, parse_keys


def build_keyring(settings: Settings) -> Keyring:
    """The chat keys: CHAT_KEYS when set, else the key file of the data folder (made on first use)."""
    if settings.chat_keys is not None:
        keys, current = parse_keys(settings.chat_keys.get_secret_value())
        return Keyring(keys, current)
    return FileKeyring(settings.chat_key_file)


def build_chat_store(
    settings: Settings, engine: Engine, client_class: Callable[..., Any] | None = None
) -> ChatStore:
    """MongoChatStore when MONGODB_URL is set, SqlChatStore otherwise.

    Nothing connects here: the Mongo client connects in the background and the store
    creates its indexes on first use. `client_class` replaces pymongo.MongoClient (tests
    pass mongomock's); the store imports stay lazy so an SQL-only setup never loads pymongo.
    Both seal the chat contents with the keys of `build_keyring`.
    """
    cipher = ChatCipher(build_keyring(settings))
    if settings.mongodb_url is not None:
        from onlyjobless.storage.chats.mongo import MongoChatStore

        return MongoChatStore.from_url(
            settings.mongodb_url.get_secret_value(),
            settings.mongodb_db,
            client_class=client_class,
            cipher=cipher,
        )
    from onlyjobless.storage.chats.sql import SqlChatStore

    return SqlChatStore(engine, cipher)
