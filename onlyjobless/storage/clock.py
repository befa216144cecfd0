"""Timezone-aware UTC time, in one place so every table stores the same kind of value."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Databases like SQLite return naive datetimes: treat them as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
