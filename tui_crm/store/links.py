"""Contact persons (person ↔ organization links) and relations between persons.

Every rule that spans several links — one organization per person, exactly one primary
contact — is checked inside one write, under the lock, against the current state, and all
links it touches change in the same batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tui_crm.domain.bulk_edit import BulkResult
from tui_crm.domain.contact import display_name
from tui_crm.domain.contact_persons import (
    ContactPersonLink,
    LinkRuleError,
    apply_link_flags,
    check_new_link,
    primary_after_unlink,
    recipients,
    successor_candidates,
)
from tui_crm.domain.portal import default_permissions
from tui_crm.i18n import _

from .contacts import ContactRepository, utc_now
from .database import WriteBatch, joined
from .errors import ConflictError, NotFoundError, StoreError
from .journal import Op
from .settings import DEFAULT_PERMISSIONS, SettingsRepository

LINKS = "links"
RELATIONS = "relations"


@dataclass(frozen=True, slots=True)
class ImportedLink:
    """A person of an import and the organization to link them to (see ``add_imported``)."""

    person_id: int
    organization_id: int
    role: str = ""
    flags: Mapping[str, Any] | None = None  # ``contact_persons.link_flags`` as read from the file


class LinkError(StoreError):
    """A contact-person rule refused the change; nothing was written."""


class LinkRepository:
    def __init__(self, contacts: ContactRepository, settings: SettingsRepository | None = None) -> None:
        self.contacts = contacts
        self.database = contacts.database
        self.settings = settings or SettingsRepository(self.database)
        self._links = self.database.table(LINKS)
        self._relations = self.database.table(RELATIONS)
        self._by_person: dict[int, int] = {}
        self._by_organization: dict[int, set[int]] = {}
        self._owners: dict[int, tuple[int, int]] = {}  # link id -> (person id, organization id)
        self._rebuild()
        self.database.subscribe(self._on_change)

    # -- reading ---------------------------------------------------------------------------

    def of_person(self, person_id: int) -> ContactPersonLink | None:
        link_id = self._by_person.get(person_id)
        return None if link_id is None else self._get(link_id)

    def of_organization(self, organization_id: int, *, include_trashed: bool = False) -> list[ContactPersonLink]:
        """The organization's contact persons, primary first, then by name."""
        links = [self._get(i) for i in self._by_organization.get(organization_id, ())]
        if not include_trashed:
            links = [link for link in links if self._live(link.person_id)]
        return sorted(links, key=lambda link: (not link.primary, self._name(link.person_id)))

    def primary_of(self, organization_id: int) -> ContactPersonLink | None:
        return next((link for link in self.of_organization(organization_id) if link.primary), None)

    def notification_recipients(self, organization_id: int, kind: str) -> list[ContactPersonLink]:
        """The organization's live contact persons who get e-mail notifications of ``kind``
        (primary first, then by name); ``ValueError`` for an unknown kind."""
        links = self.of_organization(organization_id)
        wanted = set(recipients(links, kind))
        return [link for link in links if link.person_id in wanted]

    def successor_candidates(self, person_id: int) -> list[ContactPersonLink]:
        """Who may become primary if this person leaves their organization (unlink, move,
        trash); empty when no choice is needed."""
        link = self.of_person(person_id)
        if link is None:
            return []
        return successor_candidates(self.of_organization(link.organization_id), person_id)

    def login_taken(self, email: str, *, except_link_id: int | None = None) -> bool:
        wanted = email.strip().casefold()
        return any(
            (doc.get("portal", {}).get("login_email", "").casefold() == wanted and link_id != except_link_id)
            for link_id, doc in self._links.raw_items()
        )

    def role_uses(self, roles: Iterable[str]) -> int:
        wanted = set(roles)
        return sum(1 for _, doc in self._links.raw_items() if doc.get("role") in wanted)

    def related_persons(self, person_id: int) -> list[tuple[int, str]]:
        """(other person id, note) for each relation of this person."""
        found = []
        for _id, doc in self._relations.raw_items():
            if person_id in (doc["a"], doc["b"]):
                other = doc["b"] if doc["a"] == person_id else doc["a"]
                if self._live(other):
                    found.append((other, doc.get("note", "")))
        return found

    # -- writing ---------------------------------------------------------------------------

    def link(self, link: ContactPersonLink, *, author: str, move: bool = False,
             successor_id: int | None = None) -> ContactPersonLink:
        """Add ``link``. With ``move`` a person already in another organization moves here
        (``successor_id`` becomes primary there if the person was its primary). A link
        without permissions gets the default ones (setting "default_permissions"). The first
        person of an organization becomes its primary; a later one only if ``link.primary``."""
        with self._write() as batch:
            person = self.contacts.doc(link.person_id)
            organization = self.contacts.doc(link.organization_id)
            if person is None or organization is None:
                raise NotFoundError(_("The contact no longer exists."))
            existing = self.of_person(link.person_id)
            check_new_link(person.get("kind", ""), organization.get("kind", ""), existing, link.organization_id, move=move)
            if existing is not None:
                self._remove_link(batch, existing, successor_id, author)
            new = ContactPersonLink.from_doc(link.to_doc())
            new.id = batch.new_id(LINKS)
            if not new.permissions:
                new.permissions = default_permissions(self.settings.get(DEFAULT_PERMISSIONS))
            new.primary = link.primary or not self.of_organization(link.organization_id)
            if new.primary:  # the flag moves here (also from a primary left in the trash)
                self._clear_primary(batch, link.organization_id, author)
            new.version = 1
            new.created_at = new.updated_at = utc_now()
            new.created_by = new.updated_by = author
            batch.put(LINKS, new.id, new.to_doc())
        return new

    def update(self, link: ContactPersonLink, *, author: str, batch: WriteBatch | None = None) -> ContactPersonLink:
        """Save the role, flags, portal settings etc. of a link edited from ``link.version``.

        Making it primary moves the flag from the current primary; switching the flag off is
        refused: another person has to be made primary instead. With ``batch`` the change
        joins that write (e.g. together with the e-mails it queues).
        """
        with self._write(batch) as batch:
            current = self._links.raw_get(link.id) if link.id is not None else None
            if current is None or current.get("version") != link.version:
                raise ConflictError(current)
            if current.get("primary") and not link.primary:
                raise LinkRuleError(_("The primary contact cannot be switched off; make another person primary instead."))
            login = link.portal.login_email
            if login and self.login_taken(login, except_link_id=link.id):
                raise LinkRuleError(_("The login e-mail {email} is already used by another contact.").format(email=login))
            if link.primary and not current.get("primary"):
                self._clear_primary(batch, link.organization_id, author)
            saved = ContactPersonLink.from_doc(link.to_doc(), link.id)
            saved.person_id, saved.organization_id = current["person_id"], current["organization_id"]
            self._stamp(saved, current, author)
            batch.put(LINKS, saved.id, saved.to_doc())
        return saved

    def set_primary(self, person_id: int, *, author: str) -> ContactPersonLink:
        link = self.of_person(person_id)
        if link is None:
            raise NotFoundError(_("This person is not a contact person of any organization."))
        link.primary = True
        return self.update(link, author=author)

    def unlink(self, person_id: int, *, author: str, successor_id: int | None = None) -> None:
        """Remove the person from their organization; both contacts stay."""
        with self._write() as batch:
            link = self.of_person(person_id)
            if link is None:
                raise NotFoundError(_("This person is not a contact person of any organization."))
            self._remove_link(batch, link, successor_id, author)

    def relate(self, a: int, b: int, *, note: str = "", author: str) -> None:
        """Relate two persons (seed 001 "related contacts")."""
        if a == b:
            raise LinkRuleError(_("A person cannot be related to themselves."))
        with self._write() as batch:
            if any({doc["a"], doc["b"]} == {a, b} for _id, doc in self._relations.raw_items()):
                raise LinkRuleError(_("These persons are already related."))
            batch.put(RELATIONS, batch.new_id(RELATIONS), {"a": a, "b": b, "note": note, "created_by": author, "created_at": utc_now()})

    def unrelate(self, a: int, b: int) -> None:
        with self._write() as batch:
            for relation_id, doc in self._relations.raw_items():
                if {doc["a"], doc["b"]} == {a, b}:
                    batch.remove(RELATIONS, relation_id)

    def primaries_leaving(self, person_ids: Iterable[int]) -> list[tuple[ContactPersonLink, list[ContactPersonLink]]]:
        """For trashing ``person_ids`` together: each leaving primary contact whose organization
        keeps other live contact persons, with those (the successor candidates), by organization."""
        leaving = set(person_ids)
        found = []
        for person_id in sorted(leaving):
            link = self.of_person(person_id)
            if link is None or not link.primary or not self._live(person_id):
                continue
            staying = [other for other in self.of_organization(link.organization_id) if other.person_id not in leaving]
            if staying:
                found.append((link, staying))
        return found

    def trash(self, contact_ids: list[int], *, author: str, successors: Mapping[int, int] | None = None) -> BulkResult:
        """Move contacts to the trash in one write; ``successors`` (organization id -> person
        id) become primary where a leaving primary contact leaves others behind: every one of
        ``primaries_leaving`` needs one, or nothing is written (``LinkError``)."""
        successors = successors or {}
        with self._write() as batch:
            for link, staying in self.primaries_leaving(contact_ids):
                heir = successors.get(link.organization_id)
                if heir not in {other.person_id for other in staying}:
                    raise LinkRuleError(_("“{person}” is the primary contact of “{organization}”: choose who becomes "
                                          "the primary contact instead.").format(
                        person=self._name(link.person_id), organization=self._name(link.organization_id)))
                self._clear_primary(batch, link.organization_id, author)
                successor = self.of_person(heir)  # type: ignore[arg-type]
                assert successor is not None
                successor.primary = True
                self._stamp(successor, self._links.raw_get(successor.id), author)
                batch.put(LINKS, successor.id, successor.to_doc())
            return self.contacts.delete_many(contact_ids, author=author, batch=batch)

    def add_imported(self, batch: WriteBatch, wanted: list[ImportedLink], *, author: str) -> int:
        """Link imported persons within the import's write; returns how many were linked. A
        person who already belongs to an organization keeps it (one organization per person).
        An organization that has live contact persons keeps its primary; for one without, the
        person the file marks primary becomes it, else the first one (as with ``link``). Flags,
        permissions and notifications come from the file when it says, else the defaults."""
        defaults = default_permissions(self.settings.get(DEFAULT_PERMISSIONS))
        now = utc_now()
        new_links: dict[int, list[ContactPersonLink]] = {}  # organization -> its links from this import
        marked: dict[int, ContactPersonLink] = {}  # organization -> the link the file marks primary
        for item in wanted:
            if item.person_id in self._by_person:
                continue
            link = ContactPersonLink(item.person_id, item.organization_id, role=item.role, permissions=list(defaults),
                                     version=1, created_at=now, created_by=author, updated_at=now, updated_by=author)
            if item.flags is not None and apply_link_flags(link, item.flags):
                marked.setdefault(item.organization_id, link)
            new_links.setdefault(item.organization_id, []).append(link)
        for organization_id, links in new_links.items():
            if not self.of_organization(organization_id):  # nobody live there yet: one of these leads
                (marked.get(organization_id) or links[0]).primary = True
                self._clear_primary(batch, organization_id, author)  # a primary left in the trash
            for link in links:
                batch.put(LINKS, batch.new_id(LINKS), link.to_doc())
        return sum(len(links) for links in new_links.values())

    # -- internals -------------------------------------------------------------------------

    @contextmanager
    def _write(self, batch: WriteBatch | None = None) -> Iterator[WriteBatch]:
        try:
            with joined(self.database, batch) as write:
                yield write
        except LinkRuleError as error:
            raise LinkError(str(error)) from error

    def _remove_link(self, batch: WriteBatch, link: ContactPersonLink, successor_id: int | None, author: str) -> None:
        links = self.of_organization(link.organization_id)
        new_primary = primary_after_unlink(links, link.person_id, successor_id)
        batch.remove(LINKS, link.id)
        if new_primary is not None:
            successor = self.of_person(new_primary)
            successor.primary = True
            self._stamp(successor, self._links.raw_get(successor.id), author)
            batch.put(LINKS, successor.id, successor.to_doc())

    def _clear_primary(self, batch: WriteBatch, organization_id: int, author: str) -> None:
        for other in self.of_organization(organization_id, include_trashed=True):
            if other.primary:
                other.primary = False
                self._stamp(other, self._links.raw_get(other.id), author)
                batch.put(LINKS, other.id, other.to_doc())

    @staticmethod
    def _stamp(link: ContactPersonLink, current: dict[str, Any], author: str) -> None:
        link.version = int(current.get("version", 0)) + 1
        link.created_at, link.created_by = current.get("created_at", ""), current.get("created_by", "")
        link.updated_at, link.updated_by = utc_now(), author

    def _get(self, link_id: int) -> ContactPersonLink:
        return ContactPersonLink.from_doc(self._links.raw_get(link_id), link_id)

    def _live(self, contact_id: int) -> bool:
        doc = self.contacts.doc(contact_id)
        return doc is not None and not doc.get("deleted_at")

    def _name(self, contact_id: int) -> str:
        doc = self.contacts.doc(contact_id)
        return display_name(doc) if doc else ""

    def _rebuild(self) -> None:
        self._by_person.clear()
        self._by_organization.clear()
        self._owners.clear()
        for link_id, doc in self._links.raw_items():
            self._index(link_id, doc)

    def _index(self, link_id: int, doc: dict[str, Any]) -> None:
        person_id, organization_id = doc["person_id"], doc["organization_id"]
        self._owners[link_id] = (person_id, organization_id)
        self._by_person[person_id] = link_id
        self._by_organization.setdefault(organization_id, set()).add(link_id)

    def _unindex(self, link_id: int) -> None:
        owner = self._owners.pop(link_id, None)
        if owner is not None:
            person_id, organization_id = owner
            if self._by_person.get(person_id) == link_id:
                del self._by_person[person_id]
            self._by_organization.get(organization_id, set()).discard(link_id)

    def _on_change(self, ops: list[Op]) -> None:
        if not ops:
            self._rebuild()
            return
        for table, link_id, doc in ops:
            if table == LINKS:
                self._unindex(link_id)
                if doc is not None:
                    self._index(link_id, doc)
