"""Tags across all contacts: rename, merge, delete.

Each operation is one write: every contact it touches gets a new version and a field-history
entry in the same batch, so another session sees all of it or none of it. Contacts in the trash
change too, so restoring one never brings back a tag that no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tui_crm.domain.tags import clean_tag_name, merged_tags, renamed_tags, without_tag

from . import history as h
from .contacts import TABLE, ContactRepository
from .history import CONTACT_ENTITY
from .timestamps import utc_now

TagChange = Callable[[list[str]], list[str]]


class TagService:
    def __init__(self, contacts: ContactRepository) -> None:
        self.contacts = contacts
        self.database = contacts.database

    def rename(self, old: str, new: str, *, author: str) -> int:
        """Every contact tagged ``old`` is tagged ``new`` instead; how many live contacts changed.
        ``TagError`` if ``new`` is not a usable name."""
        new = clean_tag_name(new)
        return self._apply(lambda tags: renamed_tags(tags, old, new), author)

    def merge(self, tags: Iterable[str], into: str, *, author: str) -> int:
        """Every one of ``tags`` becomes ``into`` (which may be new or one of them)."""
        into = clean_tag_name(into)
        sources = list(tags)
        return self._apply(lambda current: merged_tags(current, sources, into), author)

    def delete(self, tag: str, *, author: str) -> int:
        """Take ``tag`` off every contact; the contacts stay."""
        return self._apply(lambda tags: without_tag(tags, tag), author)

    def _apply(self, change: TagChange, author: str) -> int:
        changed_live = 0
        with self.database.write() as batch:
            table = self.database.table(TABLE)
            now = utc_now()
            # read everything first: the batch is applied only when the block ends
            for contact_id, current in list(table.raw_items()):
                tags = current.get("tags") or []
                if not tags:
                    continue
                new_tags = change(list(tags))
                if new_tags == tags:
                    continue
                doc = dict(current)
                if new_tags:
                    doc["tags"] = new_tags
                else:
                    doc.pop("tags", None)  # stored documents leave empty fields out
                doc["updated_at"], doc["updated_by"] = now, author
                doc["version"] = int(current.get("version", 0)) + 1
                batch.put(TABLE, contact_id, doc)
                self.contacts.history.record_changes(batch, CONTACT_ENTITY, contact_id, current, doc, author=author,
                                                     action=h.BULK_EDITED)
                if not current.get("deleted_at"):
                    changed_live += 1
        return changed_live
