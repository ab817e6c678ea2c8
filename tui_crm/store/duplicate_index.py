"""The duplicates index: every live contact's duplicate keys (``tui_crm.domain.duplicates``), and
for each key the contacts that have it, so a save-time check is a few look-ups.

Nothing is computed until first needed (a save, the report): at 100,000 contacts building takes
about a second. ``ready()`` builds it in a thread, so the screen keeps answering keys; the result
is installed on the caller's thread, and any change that arrived meanwhile is applied on top.
Afterwards the index follows every change (ours or another session's) through
``Database.subscribe``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tui_crm.domain.contact import Contact
from tui_crm.domain.duplicates import (
    ContactKeys,
    DuplicateGroup,
    Match,
    contact_keys,
    duplicate_groups,
    matches_by_key,
)

from .contacts import TABLE, ContactRepository
from .database import paused_gc
from .journal import Op

_Keys = dict[int, ContactKeys]
#: key -> the id of the one contact that has it, or a list of the ids when several have it (most
#: keys belong to one contact: a list for each would cost 30 MB at 100,000 contacts)
_Blocks = dict[str, "int | list[int]"]


def _ids(value: int | list[int] | None) -> list[int]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _add(blocks: _Blocks, keys: tuple[str, ...], contact_id: int) -> None:
    for key in keys:
        ids = blocks.get(key)
        if ids is None:
            blocks[key] = contact_id
        elif isinstance(ids, list):
            ids.append(contact_id)
        else:
            blocks[key] = [ids, contact_id]


def _remove(blocks: _Blocks, keys: tuple[str, ...], contact_id: int) -> None:
    for key in keys:
        ids = blocks.get(key)
        if ids == contact_id:
            del blocks[key]
        elif isinstance(ids, list) and contact_id in ids:
            ids.remove(contact_id)
            if len(ids) == 1:
                blocks[key] = ids[0]


def _compute(items: list[tuple[int, dict[str, Any]]]) -> tuple[_Keys, _Blocks]:
    """Keys and blocks of the live contacts among ``items``; reads the (never changed) documents
    only, so it may run in another thread."""
    keys: _Keys = {}
    blocks: _Blocks = {}
    with paused_gc():  # hundreds of thousands of small long-lived objects
        for contact_id, doc in items:
            if not doc.get("deleted_at"):
                found = keys[contact_id] = contact_keys(doc)
                _add(blocks, found.all(), contact_id)
    return keys, blocks


class DuplicateIndex:
    def __init__(self, contacts: ContactRepository) -> None:
        self._table = contacts.database.table(TABLE)
        self._keys: _Keys | None = None  # None: not built yet
        self._blocks: _Blocks = {}
        self._groups: list[DuplicateGroup] | None = None  # the report, until the data changes
        self._building: asyncio.Future[tuple[_Keys, _Blocks]] | None = None
        self._building_generation = 0
        self._changed_while_building: set[int] = set()
        self._generation = 0  # bumped by a full reload: a build started before it is stale
        self._version = 0  # bumped by every change: a report computed from older data is stale
        contacts.database.subscribe(self._on_change)

    @property
    def built(self) -> bool:
        return self._keys is not None

    # -- building ----------------------------------------------------------------------------

    def build(self) -> None:
        """Build now, on this thread (no-op when built)."""
        if self._keys is None:
            self._install(*_compute(self._snapshot()))

    async def ready(self) -> None:
        """Build in a worker thread (no-op when built); safe to await from several places."""
        while self._keys is None:
            if self._building is None:
                self._changed_while_building = set()
                self._building_generation = self._generation
                self._building = asyncio.ensure_future(asyncio.to_thread(_compute, self._snapshot()))
            building, generation = self._building, self._building_generation
            try:
                # shielded: a caller that gives up (its screen closed) leaves the build running
                result = await asyncio.shield(building)
            except Exception:
                if self._building is building:
                    self._building = None  # the next caller tries again
                raise
            if self._building is building:
                self._building = None
                if self._keys is None and generation == self._generation:
                    self._install(*result)

    def _snapshot(self) -> list[tuple[int, dict[str, Any]]]:
        """The documents as they are now (taken on the writer's thread: the table may change
        under a reader in another thread; the documents themselves are never changed)."""
        return list(self._table.raw_items())

    def _install(self, keys: _Keys, blocks: _Blocks) -> None:
        self._keys, self._blocks = keys, blocks
        self._groups = None
        for contact_id in self._changed_while_building:
            self._update(contact_id, self._table.raw_get(contact_id))
        self._changed_while_building = set()

    # -- asking ------------------------------------------------------------------------------

    def for_contact(self, contact: Contact, exclude_id: int | None = None) -> list[Match]:
        """The likely duplicates of ``contact`` (saved or not) among the live contacts, surest
        first; never ``exclude_id`` nor the contact itself."""
        exclude = {exclude_id, contact.id} - {None}
        return [m for m in self.for_keys(contact_keys(contact)) if m.contact_id not in exclude]

    def for_keys(self, keys: ContactKeys) -> list[Match]:
        """The likely duplicates, surest first, of a contact with these keys (an import
        computes the keys of each record once and asks with them)."""
        self.build()
        assert self._keys is not None
        blocks = self._blocks
        return matches_by_key(keys, lambda key: _ids(blocks.get(key)), self._keys)

    def report(self) -> list[DuplicateGroup]:
        """The likely duplicate groups of the whole database, biggest first."""
        if self._groups is None:
            self.build()
            self._groups = duplicate_groups(*self._report_input())
        return self._groups

    async def report_ready(self) -> list[DuplicateGroup]:
        """``report()``, with the heavy work in a worker thread."""
        while self._groups is None:
            await self.ready()
            version = self._version
            groups = await asyncio.to_thread(duplicate_groups, *self._report_input())
            if version == self._version and self._keys is not None:
                self._groups = groups
        return self._groups

    def groups(self) -> list[list[int]]:
        """The ids of each likely duplicate group."""
        return [list(group.ids) for group in self.report()]

    def _report_input(self) -> tuple[_Keys, dict[str, list[int]]]:
        """Copies of the blocks shared by several contacts, and of those contacts' keys: what
        ``duplicate_groups`` needs, safe from changes while another thread works on it."""
        assert self._keys is not None
        blocks = {key: list(ids) for key, ids in self._blocks.items() if isinstance(ids, list)}
        keys = {i: self._keys[i] for ids in blocks.values() for i in ids}
        return keys, blocks

    # -- following changes -------------------------------------------------------------------

    def _on_change(self, ops: list[Op]) -> None:
        if not ops:  # a full reload: build again when next needed
            self._keys, self._blocks, self._groups = None, {}, None
            self._generation += 1
            self._version += 1
            return
        changed = [(contact_id, doc) for table, contact_id, doc in ops if table == TABLE]
        if not changed:
            return
        self._version += 1
        self._groups = None
        for contact_id, doc in changed:
            if self._keys is not None:
                self._update(contact_id, doc)
            elif self._building is not None:  # applied when the build is installed
                self._changed_while_building.add(contact_id)

    def _update(self, contact_id: int, doc: dict[str, Any] | None) -> None:
        assert self._keys is not None
        old = self._keys.pop(contact_id, None)
        if old is not None:
            _remove(self._blocks, old.all(), contact_id)
        if doc is not None and not doc.get("deleted_at"):
            new = self._keys[contact_id] = contact_keys(doc)
            _add(self._blocks, new.all(), contact_id)
