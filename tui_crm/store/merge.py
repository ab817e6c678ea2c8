"""Merging contacts in the store: the survivor, the moved links and activities, the trashed
duplicates, their history entries — all in one write, so a merge happens completely or not at all.

The merged contacts are not removed: they go to the trash with ``merged_into`` pointing to the
survivor, so whatever the merge did not carry over can still be looked up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui_crm.domain.changes import FieldChange, changed_fields
from tui_crm.domain.contact import Contact, ContactKind
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.merge import (
    MergeConflict,
    MergeError,
    join_texts,
    merge_conflicts,
    merge_contacts,
    merge_links,
    person_organizations,
    unresolved,
)
from tui_crm.domain.validation import validate_contact
from tui_crm.i18n import _

from . import history as h
from .activities import ENTITY as ACTIVITY_ENTITY
from .activities import TABLE as ACTIVITIES
from .activities import ActivityRepository
from .attachments import TABLE as FILES
from .contacts import TABLE as CONTACTS
from .contacts import ContactRepository, InvalidContactError
from .database import WriteBatch
from .documents import TABLE as DOCUMENTS
from .errors import ConflictError, StoreError
from .history import CONTACT_ENTITY
from .links import LINKS, RELATIONS, LinkRepository
from .timestamps import utc_now

#: History field names of a merge (besides the fields that changed).
MERGED_FROM, MERGED_INTO, DROPPED_LINK = "merged_from", "merged_into", "organization_link"


class MergeRuleError(StoreError):
    """The merge was refused (a rule question not answered, a person with an organization…);
    nothing was written. The message is for the user."""


class MergeService:
    def __init__(self, contacts: ContactRepository, links: LinkRepository, activities: ActivityRepository) -> None:
        self.contacts = contacts
        self.links = links
        self.activities = activities
        self.database = contacts.database
        self.history = contacts.history

    # -- questions before the merge ----------------------------------------------------------

    def conflicts(self, contact_ids: Sequence[int], *, organization_choice: int | None = None) -> list[MergeConflict]:
        """The rule questions merging these contacts raises now (see ``merge_conflicts``)."""
        contacts = [c for i in contact_ids if (c := self.contacts.get(i)) is not None]
        return merge_conflicts(contacts, self._involved_links(contacts), organization_choice=organization_choice)

    def _involved_links(self, contacts: Sequence[Contact]) -> dict[int, list[ContactPersonLink]]:
        """Organization id -> its live contact persons' links, for each organization involved."""
        if contacts and contacts[0].kind == ContactKind.ORGANIZATION:
            return {c.id: self.links.of_organization(c.id) for c in contacts}
        involved: dict[int, list[ContactPersonLink]] = {}
        for person in contacts:
            link = self.links.of_person(person.id)
            if link is not None and link.organization_id not in involved:
                involved[link.organization_id] = self.links.of_organization(link.organization_id)
        return involved

    # -- the merge ---------------------------------------------------------------------------

    def merge(self, survivor_id: int, other_ids: Sequence[int], choices: Mapping[str, int], *, author: str,
              expected_versions: Mapping[int, int], organization_choice: int | None = None,
              primary_choice: int | None = None, successors: Mapping[int, int] | None = None) -> Contact:
        """Merge ``other_ids`` into ``survivor_id``; returns the survivor as saved.

        ``choices``: field -> id of the contact whose value wins. ``expected_versions``: contact
        id -> the version the user looked at; if any contact changed since, ``ConflictError``.
        ``organization_choice`` / ``primary_choice`` / ``successors`` (organization id ->
        person id) answer the rule questions of ``conflicts``; an unanswered one raises
        ``MergeRuleError``. Either way nothing is written.
        """
        other_ids = list(dict.fromkeys(other_ids))
        if not other_ids or survivor_id in other_ids:
            raise MergeRuleError(_("Choose at least two contacts to merge."))
        all_ids = [survivor_id, *other_ids]
        with self.database.write() as batch:
            current = {contact_id: self._current(contact_id, expected_versions) for contact_id in all_ids}
            contacts = [Contact.from_doc(current[i], i) for i in all_ids]
            try:
                merged = merge_contacts(contacts[0], contacts[1:], choices)
            except MergeError as error:
                raise MergeRuleError(str(error)) from error
            involved = self._involved_links(contacts)
            conflicts = merge_conflicts(contacts, involved, organization_choice=organization_choice)
            problem = unresolved(conflicts, organization_choice=organization_choice, primary_choice=primary_choice,
                                 successors=successors or {})
            if problem is not None:
                raise MergeRuleError(problem.message)

            now = utc_now()
            survivor_doc = self._survivor_doc(merged, current[survivor_id], author, now)
            batch.put(CONTACTS, survivor_id, survivor_doc)
            remap = {other_id: survivor_id for other_id in other_ids}
            if contacts[0].kind == ContactKind.PERSON:
                dropped = self._move_person_links(batch, contacts, involved, organization_choice, successors or {},
                                                  author, now)
            else:
                dropped = {}
                self._move_organization_links(batch, all_ids, conflicts, primary_choice, involved, author, now)
                self._move_documents(batch, remap)
            self._move_relations(batch, remap)
            self._move_activities(batch, remap, author, now)
            self._move_files(batch, remap)

            changes = [*changed_fields(current[survivor_id], survivor_doc), FieldChange(MERGED_FROM, None, other_ids),
                       *(FieldChange(DROPPED_LINK, link, None) for link in dropped.get(survivor_id, []))]
            self.history.record(batch, CONTACT_ENTITY, survivor_id, author=author, action=h.MERGED, changes=changes)
            for other_id in other_ids:
                doc = dict(current[other_id])
                doc.update(deleted_at=now, deleted_by=author, merged_into=survivor_id, updated_at=now,
                           updated_by=author, version=int(doc.get("version", 0)) + 1)
                batch.put(CONTACTS, other_id, doc)
                changes = [*changed_fields(current[other_id], doc),
                           *(FieldChange(DROPPED_LINK, link, None) for link in dropped.get(other_id, []))]
                self.history.record(batch, CONTACT_ENTITY, other_id, author=author, action=h.MERGED, changes=changes)
        return Contact.from_doc(survivor_doc, survivor_id)

    def _current(self, contact_id: int, expected_versions: Mapping[int, int]) -> dict[str, Any]:
        """The stored contact, if it is still what the user saw (live, same version)."""
        doc = self.contacts.doc(contact_id)
        if doc is None or doc.get("deleted_at") or doc.get("version") != expected_versions.get(contact_id):
            raise ConflictError(doc)
        return doc

    @staticmethod
    def _survivor_doc(merged: Contact, current: dict[str, Any], author: str, now: str) -> dict[str, Any]:
        result = validate_contact(merged)
        if not result.ok:
            raise InvalidContactError(result.errors)
        survivor = result.contact
        survivor.version = int(current.get("version", 0)) + 1
        survivor.created_at, survivor.created_by = current.get("created_at", ""), current.get("created_by", "")
        survivor.updated_at, survivor.updated_by = now, author
        survivor.deleted_at = survivor.deleted_by = survivor.merged_into = None
        return survivor.to_doc()

    # -- links -------------------------------------------------------------------------------

    def _move_person_links(self, batch: WriteBatch, persons: list[Contact], involved: dict[int, list[ContactPersonLink]],
                           organization_choice: int | None, successors: Mapping[int, int], author: str,
                           now: str) -> dict[int, list[dict[str, Any]]]:
        """One organization link for the survivor (the chosen organization's); the others'
        links go. Returns person id -> the link documents removed (kept in their history)."""
        survivor_id = persons[0].id
        own = [link for p in persons if (link := self.links.of_person(p.id)) is not None]
        if not own:
            return {}
        organizations = person_organizations(persons, involved)
        kept_organization = organizations[0] if len(organizations) == 1 else organization_choice
        kept = [link for link in own if link.organization_id == kept_organization]
        dropped: dict[int, list[dict[str, Any]]] = {}
        if kept:
            link = merge_links(kept[0], kept[1:])
            link.person_id = survivor_id
            self._put_link(batch, link, author, now)
        for link in own:
            if kept and link is kept[0]:
                continue
            batch.remove(LINKS, link.id)
            dropped.setdefault(link.person_id, []).append(link.to_doc())
            if link.primary and link.organization_id != kept_organization:
                successor = successors.get(link.organization_id)
                heir = self.links.of_person(successor) if successor is not None else None
                if heir is not None and heir.organization_id == link.organization_id:
                    heir.primary = True
                    self._put_link(batch, heir, author, now)
        return dropped

    def _move_organization_links(self, batch: WriteBatch, organization_ids: list[int], conflicts: list[MergeConflict],
                                 primary_choice: int | None, involved: dict[int, list[ContactPersonLink]],
                                 author: str, now: str) -> None:
        """Every contact person (trashed ones too) now acts for the survivor; one primary."""
        survivor_id = organization_ids[0]
        live_primaries = [link.person_id for links in involved.values() for link in links if link.primary]
        primary = primary_choice if conflicts else (live_primaries[0] if live_primaries else None)
        for organization_id in organization_ids:
            for link in self.links.of_organization(organization_id, include_trashed=True):
                moved = ContactPersonLink.from_doc(link.to_doc(), link.id)
                moved.organization_id = survivor_id
                if primary is not None:
                    moved.primary = link.person_id == primary
                if moved.to_doc() != link.to_doc():
                    self._put_link(batch, moved, author, now)

    def _put_link(self, batch: WriteBatch, link: ContactPersonLink, author: str, now: str) -> None:
        stored = self.database.table(LINKS).raw_get(link.id) or {}
        link.version = int(stored.get("version", 0)) + 1
        link.updated_at, link.updated_by = now, author
        batch.put(LINKS, link.id, link.to_doc())

    # -- relations, activities, documents, files ---------------------------------------------

    def _move_relations(self, batch: WriteBatch, remap: dict[int, int]) -> None:
        """Relations of the merged persons now relate the survivor: none with itself, each pair
        once (the notes of two relations of the same pair are joined)."""
        table = self.database.table(RELATIONS)
        touched = set(remap) | set(remap.values())
        kept: dict[frozenset[int], int] = {}
        updates: dict[int, dict[str, Any] | None] = {}
        for relation_id, doc in sorted(table.raw_items()):
            if doc["a"] not in touched and doc["b"] not in touched:
                continue
            a, b = remap.get(doc["a"], doc["a"]), remap.get(doc["b"], doc["b"])
            pair = frozenset((a, b))
            if a == b:
                updates[relation_id] = None
            elif pair in kept:
                first = updates.get(kept[pair]) or dict(table.raw_get(kept[pair]))
                note = join_texts(first.get("note", ""), doc.get("note", ""))
                if note != first.get("note", ""):
                    updates[kept[pair]] = {**first, "note": note}
                updates[relation_id] = None
            else:
                kept[pair] = relation_id
                if (a, b) != (doc["a"], doc["b"]):
                    updates[relation_id] = {**doc, "a": a, "b": b}
        for relation_id, doc in updates.items():
            if doc is None:
                batch.remove(RELATIONS, relation_id)
            else:
                batch.put(RELATIONS, relation_id, doc)

    def _move_activities(self, batch: WriteBatch, remap: dict[int, int], author: str, now: str) -> None:
        """Activities (trashed and completed ones too) of the merged contacts now name the
        survivor as counterparty or person, each person once."""
        for activity_id, doc in self.database.table(ACTIVITIES).raw_items():
            counterparty = doc.get("counterparty_id")
            persons = doc.get("person_ids") or []
            if counterparty not in remap and not any(p in remap for p in persons):
                continue
            new_counterparty = remap.get(counterparty, counterparty)
            new_persons = list(dict.fromkeys(remap.get(p, p) for p in persons))
            changes = []
            moved = dict(doc)
            if new_counterparty != counterparty:
                moved["counterparty_id"] = new_counterparty
                changes.append(FieldChange("counterparty_id", counterparty, new_counterparty))
            if new_persons != persons:
                moved["person_ids"] = new_persons
                changes.append(FieldChange("person_ids", persons, new_persons))
            moved.update(version=int(doc.get("version", 0)) + 1, updated_at=now, updated_by=author)
            batch.put(ACTIVITIES, activity_id, moved)
            self.history.record(batch, ACTIVITY_ENTITY, activity_id, author=author, action=h.MERGED, changes=changes)

    def _move_documents(self, batch: WriteBatch, remap: dict[int, int]) -> None:
        """Documents generated for a merged organization are listed on the survivor's card."""
        for document_id, doc in self.database.table(DOCUMENTS).raw_items():
            if doc.get("organization_id") in remap:
                batch.put(DOCUMENTS, document_id, {**doc, "organization_id": remap[doc["organization_id"]]})

    def _move_files(self, batch: WriteBatch, remap: dict[int, int]) -> None:
        """Files attached to the merged contacts (trashed ones too) now belong to the survivor."""
        for record_id, doc in self.database.table(FILES).raw_items():
            if doc.get("contact_id") in remap:
                batch.put(FILES, record_id, {**doc, "contact_id": remap[doc["contact_id"]],
                                             "version": int(doc.get("version", 1)) + 1})


__all__ = ["DROPPED_LINK", "MERGED_FROM", "MERGED_INTO", "MergeRuleError", "MergeService"]
