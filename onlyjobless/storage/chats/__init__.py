"""The stores that keep chat documents (MongoDB, or the SQL database); the documents are in domain."""

from onlyjobless.storage.chats.base import ChatStore, RevisionConflict

__all__ = ["ChatStore", "RevisionConflict"]
