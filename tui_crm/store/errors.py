"""Errors the store raises; each carries a message fit to show the user as it is."""

from __future__ import annotations

from typing import Any

from tui_crm.i18n import _


class StoreError(Exception):
    """Base class: ``str(error)`` is a complete, translated sentence for the user."""


class NotADatabaseError(StoreError):
    """The file exists but is not a tui-crm database; it is left untouched."""


class NewerSchemaError(StoreError):
    """The file was written by a newer tui-crm; opening it could lose data."""


class ReadOnlyError(StoreError):
    def __init__(self, path: str) -> None:
        super().__init__(_("The database {path} is read-only: changes cannot be saved.").format(path=path))


class StoreIOError(StoreError):
    """Writing failed (disk full, permissions, …); nothing was changed."""


class NotFoundError(StoreError):
    pass


class ConflictError(StoreError):
    """The record was changed by someone else since it was loaded.

    ``current`` is the stored document as it is now, so the UI can show what changed.
    """

    def __init__(self, current: dict[str, Any] | None) -> None:
        self.current = current
        who = (current or {}).get("updated_by") or "?"
        if current is None or current.get("deleted_at"):
            message = _("This record was deleted by {user} meanwhile; your changes were not saved.")
        else:
            message = _("This record was changed by {user} meanwhile; your changes were not saved.")
        super().__init__(message.format(user=who))
