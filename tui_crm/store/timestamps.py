"""The store's one clock format: ISO 8601 UTC to the second ("2026-11-25T13:00:00+00:00")."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
