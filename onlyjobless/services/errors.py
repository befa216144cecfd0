"""Errors the services raise: a stable code the edges translate, and an HTTP status."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal with a translatable code and the values its message needs."""

    status = 400

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class InvalidInput(ServiceError):
    """The request is well-formed but its values are refused."""

    status = 422


class Unauthorized(ServiceError):
    """No valid identity."""

    status = 401


class NotFound(ServiceError):
    """Missing, or someone else's: both look the same."""

    status = 404


class Conflict(ServiceError):
    """The value is already taken or the action clashes with current state."""

    status = 409


class TooManyRequests(ServiceError):
    """Throttled or over quota; `retry_after` seconds tells when to come back."""

    status = 429

    def __init__(self, code: str, retry_after: int = 0, **params: Any) -> None:
        super().__init__(code, retry_after=retry_after, **params)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """A dependency is down or busy; nothing was lost."""

    status = 503
