"""Refusals the services (and the stores below them) raise: a stable code the edges translate.

No HTTP here: the API maps each class to a status (api/errors.py), the UI shows the message.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal with a translatable code and the values its message needs."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class InvalidInput(ServiceError):
    """The request is well-formed but its values are refused."""


class Unauthorized(ServiceError):
    """No valid identity."""


class NotFound(ServiceError):
    """Missing, or someone else's: both look the same."""


class Conflict(ServiceError):
    """The value is already taken or the action clashes with current state."""


class TooManyRequests(ServiceError):
    """Throttled or over quota; `retry_after` seconds tells when to come back."""

    def __init__(self, code: str, retry_after: int = 0, **params: Any) -> None:
        super().__init__(code, retry_after=retry_after, **params)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """A dependency is down or busy; nothing was lost."""


class ChatStoreDown(Unavailable):
    """The chat store cannot be reached ("chat_store_down"), and nothing was written."""

    def __init__(self, cause: str = "") -> None:
        super().__init__("chat_store_down")
        self.cause = cause


class DatabaseDown(Unavailable):
    """The SQL database cannot be reached ("service_unavailable"), and nothing was written.

    `cause` is the error's class name, for the log: never the statement or its parameters.
    """

    def __init__(self, cause: str = "") -> None:
        super().__init__("service_unavailable")
        self.cause = cause
