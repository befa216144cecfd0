"""Chat documents and the stores that keep them (MongoDB, or the SQL database)."""

from onlyjobless.storage.chats.base import ChatStore, ChatStoreDown, RevisionConflict
from onlyjobless.storage.chats.models import (
    Chat,
    ChatPage,
    ChatQuestion,
    ChatSummary,
    Feedback,
    Message,
    NewChat,
    NewMessage,
)

__all__ = [
    "Chat",
    "ChatPage",
    "ChatQuestion",
    "ChatStore",
    "ChatStoreDown",
    "ChatSummary",
    "Feedback",
    "Message",
    "NewChat",
    "NewMessage",
    "RevisionConflict",
]
