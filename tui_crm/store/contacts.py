"""The contact repository: the only way the UI reads and writes contacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui_crm.domain.bulk_edit import BulkResult, Skipped
from tui_crm.domain.contact import Contact, display_name
from tui_crm.domain.validation import FieldError, validate_contact
from tui_crm.i18n import _

from . import history as h
from .contact_index import ContactIndex, ContactQuery
from .database import Database, WriteBatch, joined, paused_gc
from .errors import ConflictError, NotFoundError, StoreError
from .history import CONTACT_ENTITY, HistoryRepository
from .journal import Op
from .timestamps import utc_now

TABLE = "contacts"


class InvalidContactError(StoreError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(_("The contact has errors; nothing was saved."))


class ContactRepository:
    def __init__(self, database: Database, language: str = "en", history: HistoryRepository | None = None) -> None:
        self.database = database
        #: every change to a contact is recorded here, in the same write as the change
        self.history = history or HistoryRepository(database)
        self._table = database.table(TABLE)
        self._index = ContactIndex(language)
        with paused_gc():
            self._index.rebuild(self._table.raw_items())
        database.subscribe(self._on_change)

    # -- reading ---------------------------------------------------------------------------

    def get(self, contact_id: int) -> Contact | None:
        """The contact, including one in the trash; ``None`` if it never existed or was purged."""
        doc = self._table.raw_get(contact_id)
        return None if doc is None else Contact.from_doc(doc, contact_id)

    def doc(self, contact_id: int) -> dict[str, Any] | None:
        """The stored document, read-only, for fast rendering of list rows."""
        return self._table.raw_get(contact_id)

    def find(self, query: ContactQuery = ContactQuery()) -> list[int]:
        """Ids of the live contacts that match, in the query's sort order."""
        return self._index.find(query)

    def prepare_search(self, limit: int | None = None) -> bool:
        """Build search texts in slices after start-up (``find`` finishes the job if needed)."""
        return self._index.index_pending(limit)

    def count(self) -> int:
        return len(self._index)

    def tag_counts(self) -> dict[str, int]:
        return self._index.tag_counts()

    def count_matching(self, test: Callable[[dict[str, Any]], bool]) -> int:
        """How many stored contacts (trashed too) pass ``test``; a full scan, for rare questions."""
        return sum(1 for _, doc in self._table.raw_items() if test(doc))

    def trash(self) -> list[Contact]:
        deleted = [Contact.from_doc(doc, i) for i, doc in self._table.raw_items() if doc.get("deleted_at")]
        return sorted(deleted, key=lambda c: c.deleted_at or "", reverse=True)

    # -- writing ---------------------------------------------------------------------------

    def save(self, contact: Contact, *, author: str, expected_version: int | None = None) -> Contact:
        """Validate and store ``contact``; a new one if it has no id.

        ``expected_version`` (default: ``contact.version``) is the version the user edited;
        if the stored one differs, someone else saved meanwhile and ``ConflictError`` is raised.
        """
        result = validate_contact(contact)
        if not result.ok:
            raise InvalidContactError(result.errors)
        new = result.contact
        expected = contact.version if expected_version is None else expected_version
        now = utc_now()
        with self.database.write() as batch:
            if contact.id is None:
                new.id = batch.new_id(TABLE)
                new.created_at, new.created_by = now, author
                new.version = 1
            else:
                current = self._table.raw_get(contact.id)
                if current is None or current.get("deleted_at") or current.get("version") != expected:
                    raise ConflictError(current)
                new.id = contact.id
                new.created_at, new.created_by = current.get("created_at", ""), current.get("created_by", "")
                new.version = expected + 1
            new.updated_at, new.updated_by = now, author
            new.deleted_at = new.deleted_by = None
            doc = new.to_doc()
            batch.put(TABLE, new.id, doc)
            if contact.id is None:
                self.history.record(batch, CONTACT_ENTITY, new.id, author=author, action=h.CREATED)
            else:
                self.history.record_changes(batch, CONTACT_ENTITY, new.id, current, doc, author=author)
        return new

    def add_note(self, contact_id: int, text: str, *, author: str) -> Contact:
        """Append a note. Notes only accumulate, so this never conflicts with other edits."""

        def append(doc: dict[str, Any], now: str) -> None:
            if doc.get("deleted_at"):
                raise NotFoundError(_("The contact is in the trash."))
            doc["notes"] = [*doc.get("notes", []), {"text": text, "author": author, "at": now}]

        return self._change(contact_id, author, append, h.NOTE_ADDED)

    def delete(self, contact_id: int, *, author: str) -> Contact:
        """Move a contact to the trash."""

        def trash(doc: dict[str, Any], now: str) -> None:
            doc["deleted_at"], doc["deleted_by"] = now, author

        return self._change(contact_id, author, trash, h.DELETED)

    def restore(self, contact_id: int, *, author: str) -> Contact:
        """Bring a contact back from the trash."""

        def untrash(doc: dict[str, Any], now: str) -> None:
            doc["deleted_at"] = doc["deleted_by"] = None
            doc.pop("merged_into", None)  # restored: a contact of its own again

        return self._change(contact_id, author, untrash, h.RESTORED)

    def save_many(self, edits: list[tuple[Contact, int]], *, author: str, action: str = h.BULK_EDITED) -> BulkResult:
        """Save many edited contacts in one write (bulk edit); each edit is the new contact and
        the version it was based on.

        A contact changed or trashed by someone else since that version, or one that does not
        validate, is skipped with the reason; the others are saved, each as a new version with
        its history entry.
        """
        checked = [(contact, expected, validate_contact(contact)) for contact, expected in edits]  # before the lock
        saved: dict[int, None] = {}  # ordered, and a quick test for an id given twice
        skipped: list[Skipped] = []
        now = utc_now()
        with self.database.write() as batch:
            for contact, expected, result in checked:
                if contact.id is None or contact.id in saved:
                    continue
                current = self._table.raw_get(contact.id)
                reason = stale_reason(current, expected) or "; ".join(e.message for e in result.errors)
                if reason:
                    name = display_name(current) if current else contact.display_name
                    skipped.append(Skipped(contact.id, name, reason))
                    continue
                assert current is not None
                new = result.contact
                new.id = contact.id
                new.created_at, new.created_by = current.get("created_at", ""), current.get("created_by", "")
                new.version = expected + 1
                new.updated_at, new.updated_by = now, author
                new.deleted_at = new.deleted_by = None
                doc = new.to_doc()
                batch.put(TABLE, new.id, doc)
                self.history.record_changes(batch, CONTACT_ENTITY, new.id, current, doc, author=author, action=action)
                saved[new.id] = None
        return BulkResult(tuple(saved), tuple(skipped))

    def delete_many(self, contact_ids: list[int], *, author: str, batch: WriteBatch | None = None) -> BulkResult:
        """Move many contacts to the trash in one write (``batch``: joining that one); ones
        already there or gone are skipped."""
        saved: list[int] = []
        skipped: list[Skipped] = []
        now = utc_now()
        with joined(self.database, batch) as write:
            for contact_id in dict.fromkeys(contact_ids):
                current = self._table.raw_get(contact_id)
                reason = stale_reason(current, None)
                if reason:
                    skipped.append(Skipped(contact_id, display_name(current) if current else f"#{contact_id}", reason))
                    continue
                assert current is not None
                doc = dict(current)
                doc["deleted_at"], doc["deleted_by"] = now, author
                doc["updated_at"], doc["updated_by"] = now, author
                doc["version"] = int(current.get("version", 0)) + 1
                write.put(TABLE, contact_id, doc)
                self.history.record_changes(write, CONTACT_ENTITY, contact_id, current, doc, author=author,
                                            action=h.DELETED)
                saved.append(contact_id)
        return BulkResult(tuple(saved), tuple(skipped))

    def purge(self, contact_id: int) -> None:
        """Remove a contact from the trash for good."""
        with self.database.write() as batch:
            current = self._table.raw_get(contact_id)
            if current is None:
                raise NotFoundError(_("The contact no longer exists."))
            if not current.get("deleted_at"):
                raise StoreError(_("Only contacts in the trash can be removed for good."))
            batch.remove(TABLE, contact_id)

    def _change(self, contact_id: int, author: str, change: Callable[[dict[str, Any], str], None],
                action: str = h.EDITED) -> Contact:
        """Apply ``change`` to the current stored version (under the lock) as a new version."""
        with self.database.write() as batch:
            current = self._table.raw_get(contact_id)
            if current is None:
                raise NotFoundError(_("The contact no longer exists."))
            doc = dict(current)
            now = utc_now()
            change(doc, now)
            doc["updated_at"], doc["updated_by"] = now, author
            doc["version"] = int(current.get("version", 0)) + 1
            batch.put(TABLE, contact_id, doc)
            self.history.record_changes(batch, CONTACT_ENTITY, contact_id, current, doc, author=author,
                                        action=action)
        return Contact.from_doc(doc, contact_id)

    # -- change feed -----------------------------------------------------------------------

    def _on_change(self, ops: list[Op]) -> None:
        if not ops:  # a full reload
            self._index.rebuild(self._table.raw_items())
            return
        self._index.update_many([(contact_id, doc) for table, contact_id, doc in ops if table == TABLE])


def stale_reason(current: dict[str, Any] | None, expected_version: int | None) -> str:
    """Why a bulk write must leave this stored contact alone ("" if it may write it)."""
    if current is None:
        return _("It no longer exists.")
    who = current.get("updated_by") or "?"
    if current.get("deleted_at"):
        return _("{user} moved it to the trash meanwhile.").format(user=current.get("deleted_by") or who)
    if expected_version is not None and current.get("version") != expected_version:
        return _("{user} changed it meanwhile.").format(user=who)
    return ""
