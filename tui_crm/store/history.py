"""Field history: who changed which field of a record, when, from what to what.

Entries are written in the same batch as the change they describe, so there is never a change
without its entry or an entry without its change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_crm.domain.changes import FieldChange, changed_fields

from .database import Database, WriteBatch
from .journal import Op
from .timestamps import utc_now

TABLE = "history"

CREATED, EDITED, COMPLETED, REOPENED, DELETED, RESTORED, NOTE_EDITED, NOTE_ADDED, MERGED, BULK_EDITED = (
    "created", "edited", "completed", "reopened", "deleted", "restored", "note_edited", "note_added", "merged",
    "bulk_edited")

CONTACT_ENTITY = "contact"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    entity: str  # "activity", "contact", …
    entity_id: int
    at: str
    author: str
    action: str
    changes: tuple[FieldChange, ...] = ()
    id: int | None = None

    @classmethod
    def from_doc(cls, doc: dict[str, Any], entry_id: int) -> HistoryEntry:
        changes = tuple(FieldChange(f, old, new) for f, old, new in doc.get("changes", []))
        return cls(doc["entity"], doc["entity_id"], doc["at"], doc.get("author", ""), doc.get("action", EDITED),
                   changes, entry_id)


class HistoryRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        #: (entity, id) -> entry ids; built on first use, since the table grows large and is
        #: not needed to show the first screen
        self._by_record: dict[tuple[str, int], list[int]] | None = None
        database.subscribe(self._on_change)

    def of(self, entity: str, entity_id: int) -> list[HistoryEntry]:
        """The record's entries, newest first."""
        table = self.database.table(TABLE)
        if self._by_record is None:
            self._rebuild()
        assert self._by_record is not None
        entries = [HistoryEntry.from_doc(doc, i) for i in self._by_record.get((entity, entity_id), [])
                   if (doc := table.raw_get(i)) is not None]
        return sorted(entries, key=lambda e: (e.at, e.id or 0), reverse=True)

    def record(self, batch: WriteBatch, entity: str, entity_id: int, *, author: str, action: str,
               changes: list[FieldChange] | tuple[FieldChange, ...] = ()) -> None:
        doc = {"entity": entity, "entity_id": entity_id, "at": utc_now(), "author": author, "action": action,
               "changes": [[c.field, c.old, c.new] for c in changes]}
        batch.put(TABLE, batch.new_id(TABLE), doc)

    def record_changes(self, batch: WriteBatch, entity: str, entity_id: int, old: dict[str, Any],
                       new: dict[str, Any], *, author: str, action: str = EDITED) -> None:
        """Record the fields that differ between two stored versions (nothing if none do,
        unless the action itself is the news: trash, restore)."""
        changes = changed_fields(old, new)
        if action == NOTE_ADDED:
            added = new.get("notes", [])[len(old.get("notes", [])):]
            changes = [FieldChange("notes", None, note.get("text", "")) for note in added]
        if changes or action in (DELETED, RESTORED, MERGED):
            self.record(batch, entity, entity_id, author=author, action=action, changes=changes)

    def _rebuild(self) -> None:
        by_record: dict[tuple[str, int], list[int]] = {}
        for entry_id, doc in self.database.table(TABLE).raw_items():
            by_record.setdefault((doc["entity"], doc["entity_id"]), []).append(entry_id)
        self._by_record = by_record

    def _on_change(self, ops: list[Op]) -> None:
        if self._by_record is None:
            return  # built from the table when first asked
        if not ops:
            self._by_record = None
            return
        for table, entry_id, doc in ops:
            if table == TABLE and doc is not None:
                ids = self._by_record.setdefault((doc["entity"], doc["entity_id"]), [])
                if entry_id not in ids:
                    ids.append(entry_id)
