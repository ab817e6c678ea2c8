"""The basket: the contacts an operator marked in the list, kept per operator across sessions.

One record per operator in the "baskets" table: ``{"operator": login, "ids": [...]}``, where a
run of consecutive ids is stored as a ``[first, last]`` pair, so "mark all 100,000" is a short
record and one write.

Every change is made under the database lock on the record as it is stored at that moment
(other sessions' writes replayed first), so two sessions of the same operator never lose each
other's marks. Contacts moved to the trash or removed for good are left out when the basket is
read, and dropped from the record at its next change; a contact restored before that is in the
basket again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .database import Database
from .journal import Op

TABLE = "baskets"
CONTACTS = "contacts"

StoredIds = list[int | list[int]]


def encode_ids(ids: Iterable[int]) -> StoredIds:
    """Sorted ids, each run of consecutive ids as ``[first, last]``: [1, 2, 3, 7] -> [[1, 3], 7]."""
    encoded: StoredIds = []
    first = last = None
    for contact_id in sorted(set(ids)):
        if last is not None and contact_id == last + 1:
            last = contact_id
            continue
        if first is not None:
            encoded.append(first if first == last else [first, last])
        first = last = contact_id
    if first is not None:
        encoded.append(first if first == last else [first, last])
    return encoded


def decode_ids(stored: StoredIds) -> frozenset[int]:
    ids: set[int] = set()
    for item in stored:
        if isinstance(item, list):
            ids.update(range(item[0], item[1] + 1))
        else:
            ids.add(item)
    return frozenset(ids)


class BasketRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)
        self._contacts = database.table(CONTACTS)
        #: operator -> ids in the record / the same without trashed and purged contacts
        self._stored: dict[str, frozenset[int]] = {}
        self._live: dict[str, frozenset[int]] = {}
        database.subscribe(self._on_change)

    # -- reading ---------------------------------------------------------------------------

    def ids(self, operator: str) -> frozenset[int]:
        """The operator's basket: ids of live contacts (a set look-up per list row)."""
        live = self._live.get(operator)
        if live is None:
            stored = self._stored.get(operator)
            if stored is None:
                stored = self._stored[operator] = self._read(operator)
            live = self._live[operator] = self._live_only(stored)
        return live

    def count(self, operator: str) -> int:
        return len(self.ids(operator))

    # -- writing ---------------------------------------------------------------------------

    def add(self, operator: str, ids: Iterable[int]) -> frozenset[int]:
        added = set(ids)
        return self._update(operator, lambda current: current | added)

    def remove(self, operator: str, ids: Iterable[int]) -> frozenset[int]:
        removed = set(ids)
        return self._update(operator, lambda current: current - removed)

    def clear(self, operator: str) -> frozenset[int]:
        return self._update(operator, lambda current: set())

    def toggle(self, operator: str, contact_id: int) -> bool:
        """Put the contact in the basket or take it out; True if it is in the basket now."""
        return contact_id in self._update(operator, lambda current: current ^ {contact_id})

    def _update(self, operator: str, change: Callable[[set[int]], set[int]]) -> frozenset[int]:
        """Apply ``change`` to the basket as stored now, under the lock, in one write.

        The write first replays other sessions' batches, and the change feed keeps the cached
        basket equal to the stored record, so the cache is the current basket here.
        """
        with self.database.write() as batch:
            live = self.ids(operator)
            stored = self._stored[operator]
            wanted = change(set(live))
            new = frozenset(wanted & live) | self._live_only(wanted - live)  # only new ids need a look
            if new != stored:  # a change, or trashed contacts to drop from the record
                found = self._find(operator)
                doc_id = found[0] if found else batch.new_id(TABLE)
                batch.put(TABLE, doc_id, {"operator": operator, "ids": encode_ids(new)})
        return new

    # -- internals -------------------------------------------------------------------------

    def _find(self, operator: str) -> tuple[int, dict[str, Any]] | None:
        """The operator's record; the table holds one small record per operator."""
        return next(((i, doc) for i, doc in self._table.raw_items() if doc.get("operator") == operator), None)

    def _read(self, operator: str) -> frozenset[int]:
        found = self._find(operator)
        return decode_ids(found[1].get("ids", [])) if found else frozenset()

    def _live_only(self, ids: Iterable[int]) -> frozenset[int]:
        """``ids`` without contacts in the trash or removed; 100,000 in a few hundredths of a second."""
        docs = self._contacts._read_table()  # what raw_get reads, taken once instead of per id
        return frozenset(i for i in ids if (doc := docs.get(str(i))) is not None and not doc.get("deleted_at"))

    def _on_change(self, ops: list[Op]) -> None:
        if not ops:  # a full reload: read again when asked
            self._stored.clear()
            self._live.clear()
            return
        for table, _id, doc in ops:
            if table == TABLE and doc is not None:
                # Every writer keeps only live contacts, checked under the lock: the record as
                # written is the live basket (later trashing is caught below).
                self._stored[doc["operator"]] = self._live[doc["operator"]] = decode_ids(doc.get("ids", []))
            elif table == TABLE:
                self._stored.clear()
                self._live.clear()
        changed = {contact_id for table, contact_id, _doc in ops if table == CONTACTS}
        if changed:
            for operator, stored in self._stored.items():
                if not changed.isdisjoint(stored):  # trashed, restored or purged: filter again
                    self._live.pop(operator, None)
