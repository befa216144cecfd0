"""MongoDB documents as the domain's models and back: ids, chats, sidebar lines, messages."""

from __future__ import annotations

import re
from typing import Any

from bson import ObjectId

from onlyjobless.domain.chats import Chat, ChatSummary, Message
from onlyjobless.domain.clock import as_utc
from onlyjobless.domain.errors import NotFound
from onlyjobless.storage.chats.crypto import CHAT_SEALED, MESSAGE_SEALED, ChatCipher

Document = dict[str, Any]

ID = re.compile(r"[0-9a-f]{24}")
SUMMARY_PROJECTION = {name: 1 for name in ChatSummary.model_fields if name != "id"}


def object_id(value: object) -> ObjectId:
    """A chat id of this store as an ObjectId, or NotFound: other ids name no chat."""
    if isinstance(value, str) and ID.fullmatch(value):
        return ObjectId(value)
    raise NotFound("not_found")


def chat(cipher: ChatCipher, document: Document) -> Chat:
    """A chats document as the engine's Chat, its contents opened."""
    fields = dict(document)
    fields["id"] = str(fields.pop("_id"))
    fields.pop("message_seq", None)
    fields.pop("key_id", None)
    fields["created_at"] = as_utc(fields["created_at"])
    fields["updated_at"] = as_utc(fields["updated_at"])
    return Chat.model_validate(cipher.open_fields("chat", fields["id"], fields, CHAT_SEALED))


def summary(document: Document) -> ChatSummary:
    """A projected chats document as a sidebar line."""
    fields = dict(document)
    fields["id"] = str(fields.pop("_id"))
    fields["created_at"] = as_utc(fields["created_at"])
    return ChatSummary.model_validate(fields)


def message(cipher: ChatCipher, document: Document) -> Message:
    """A messages document as the engine's Message (owner and key id stay inside the store)."""
    fields = dict(document)
    fields["id"] = str(fields.pop("_id"))
    fields["chat_id"] = str(fields["chat_id"])
    fields.pop("user_id", None)
    fields.pop("key_id", None)
    fields["created_at"] = as_utc(fields["created_at"])
    return Message.model_validate(cipher.open_fields("message", fields["id"], fields, MESSAGE_SEALED))
