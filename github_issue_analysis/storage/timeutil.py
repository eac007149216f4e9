"""Datetimes are stored in UTC; SQLite hands them back naive, PostgreSQL aware.

SQLite keeps no offset: a time is converted to UTC (`as_utc`) before it is written, so stored times compare as
instants on every backend (12:00-12:00 is later than 18:00Z the same day)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """The same instant in UTC (aware); a naive value is taken as UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
