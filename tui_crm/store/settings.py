"""Database-wide settings (default portal permissions, the templates folder, …).

Each setting is its own record, so two people changing different settings never conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .contacts import utc_now
from .database import Database

TABLE = "settings"

#: Permissions (``PERMISSIONS`` names) a newly linked contact person gets; unset: all of them.
DEFAULT_PERMISSIONS = "default_permissions"


class SettingsRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)

    def get(self, key: str, default: Any = None) -> Any:
        record = self._find(key)
        return default if record is None else record[1]["value"]

    def set(self, key: str, value: Any, *, author: str) -> None:
        with self.database.write() as batch:
            record = self._find(key)
            setting_id = record[0] if record else batch.new_id(TABLE)
            batch.put(TABLE, setting_id, {"key": key, "value": value, "updated_by": author, "updated_at": utc_now()})

    def update(self, key: str, change: Callable[[Any], Any], *, author: str) -> Any:
        """Set ``key`` to ``change(current value)``, reading the current value under the lock,
        so two sessions editing the same setting never lose each other's change."""
        with self.database.write() as batch:
            record = self._find(key)
            value = change(record[1]["value"] if record else None)
            setting_id = record[0] if record else batch.new_id(TABLE)
            batch.put(TABLE, setting_id, {"key": key, "value": value, "updated_by": author, "updated_at": utc_now()})
        return value

    def _find(self, key: str) -> tuple[int, dict[str, Any]] | None:
        return next(((i, doc) for i, doc in self._table.raw_items() if doc.get("key") == key), None)
