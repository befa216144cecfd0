"""Timezone-aware UTC time, in one place so every store and service uses the same kind of value."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC whatever a driver returned: naive values (SQLite, BSON) are UTC already."""
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
