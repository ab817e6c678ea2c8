"""Merging duplicate contacts into one (seed 001 "Scalanie kontrahentów").

The user picks, field by field, whose value wins; lists (phones, e-mails, addresses, tags,
notes, consents) are united without duplicates, so nothing of any contact is lost. The rules
about links (one organization per person, exactly one primary contact) are described here as
``MergeConflict`` questions; the store moves the links once the user has answered them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui_crm.i18n import _

from .contact import Address, Contact, ContactKind, Email, Note, Phone, normalize_tags
from .contact_persons import ContactPersonLink
from .text import digits, fold
from .validation import normalize_phone

#: Single-value fields whose winner the user picks, by kind of contact (in the form's order).
PERSON_FIELDS = ("first_name", "last_name", "position")
ORGANIZATION_FIELDS = ("name", "nip", "regon")
SHARED_FIELDS = ("supplier", "account_manager", "source", "discount")

#: Fields that are united rather than chosen.
LIST_FIELDS = ("phones", "emails", "addresses", "tags", "notes", "consents")

#: Kinds of rule questions a merge may raise.
ORGANIZATION, PRIMARY, SUCCESSOR = "organization", "primary", "successor"


class MergeError(ValueError):
    """These contacts cannot be merged as asked; the message is for the user."""


def choosable_fields(kind: ContactKind) -> tuple[str, ...]:
    own = PERSON_FIELDS if kind == ContactKind.PERSON else ORGANIZATION_FIELDS
    return own + SHARED_FIELDS


# -- the merge itself --------------------------------------------------------------------------


def merge_contacts(survivor: Contact, others: Sequence[Contact], choices: Mapping[str, int]) -> Contact:
    """The survivor as it will be after the merge (a new object; the inputs are not changed).

    ``choices`` maps a field to the id of the contact whose value wins; a field not in it keeps
    the survivor's value. Lists are united, the survivor's entries first, then the others' in
    id order, so the result does not depend on the order ``others`` are given in.
    """
    contacts = _checked(survivor, others)
    by_id = {c.id: c for c in contacts}
    ordered = [survivor, *sorted(others, key=lambda c: c.id)]
    result = Contact.from_doc(survivor.to_doc(), survivor.id)
    allowed = choosable_fields(survivor.kind)
    for name, contact_id in choices.items():
        if name not in allowed:
            raise MergeError(f"{name!r} is not a field to choose")  # a programming error
        if contact_id not in by_id:
            raise MergeError(f"contact {contact_id} is not being merged")
        setattr(result, name, getattr(by_id[contact_id], name))
    result.phones = unite_phones(p for c in ordered for p in c.phones)
    result.emails = unite_emails(e for c in ordered for e in c.emails)
    result.addresses = unite_addresses(a for c in ordered for a in c.addresses)
    result.tags = normalize_tags([t for c in ordered for t in c.tags])
    result.notes = unite_notes(n for c in ordered for n in c.notes)
    result.consents = unite_consents(c.consents for c in ordered)
    result.deleted_at = result.deleted_by = None
    result.merged_into = None
    return result


def _checked(survivor: Contact, others: Sequence[Contact]) -> list[Contact]:
    contacts = [survivor, *others]
    if not others:
        raise MergeError(_("Choose at least two contacts to merge."))
    ids = [c.id for c in contacts]
    if None in ids or len(set(ids)) != len(ids):
        raise MergeError("contacts to merge need distinct ids")  # a programming error
    if any(c.kind != survivor.kind for c in others):
        raise MergeError(_("A person cannot be merged with an organization; change the type of one of them first."))
    return contacts


def phone_key(number: str) -> str:
    """Numbers equal once normalized ("601 234 567" and "+48601234567") are one number."""
    try:
        return normalize_phone(number)
    except ValueError:
        return "?" + digits(number)


def unite_phones(phones: Iterable[Phone]) -> list[Phone]:
    """One entry per number: the first one's type, every messenger flag of any copy, the
    notes of all copies joined (each once)."""
    united: dict[str, Phone] = {}
    for phone in phones:
        key = phone_key(phone.number)
        kept = united.get(key)
        if kept is None:
            united[key] = Phone(phone.number, phone.type, phone.note, phone.whatsapp, phone.viber, phone.sms)
            continue
        kept.whatsapp |= phone.whatsapp
        kept.viber |= phone.viber
        kept.sms |= phone.sms
        kept.note = join_texts(kept.note, phone.note)
    return list(united.values())


def join_texts(first: str, second: str) -> str:
    """``first`` and ``second`` as one text (" · " between), ``second`` left out if already there."""
    if not second or second in first.split(" · "):
        return first
    return f"{first} · {second}" if first else second


def unite_emails(emails: Iterable[Email]) -> list[Email]:
    """One entry per address (case does not matter); consent if any copy had it."""
    united: dict[str, Email] = {}
    for email in emails:
        key = email.address.strip().casefold()
        kept = united.get(key)
        if kept is None:
            united[key] = Email(email.address, email.consent)
        else:
            kept.consent |= email.consent
    return list(united.values())


def address_key(address: Address) -> tuple[str, str, str]:
    """(street, postal code, city) without case, diacritics, punctuation or extra spaces."""

    def words(text: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)).split())

    postal = "".join(ch for ch in address.postal_code if ch.isalnum()).upper()
    return words(address.street), postal, words(address.city)


def unite_addresses(addresses: Iterable[Address]) -> list[Address]:
    united: dict[tuple[str, str, str], Address] = {}
    for address in addresses:
        key = address_key(address)
        kept = united.get(key)
        if kept is None:
            united[key] = Address(address.street, address.postal_code, address.city, address.country)
        elif not kept.country:
            kept.country = address.country
    return list(united.values())


def unite_notes(notes: Iterable[Note]) -> list[Note]:
    """Every note, oldest first; a note present in two contacts (same text, author, time) once."""
    united: dict[tuple[str, str, str], Note] = {}
    for note in notes:
        united.setdefault((note.at, note.author, note.text), Note(note.text, note.author, note.at))
    return sorted(united.values(), key=lambda n: (n.at, n.author, n.text))


def unite_consents(consents: Iterable[Mapping[str, str | None]]) -> dict[str, str | None]:
    """Per channel, the most recent date a consent was given (ISO dates sort as text)."""
    united: dict[str, str | None] = {}
    for given in consents:
        for channel, date in given.items():
            current = united.get(channel)
            if date and (current is None or date > current):
                united[channel] = date
            else:
                united.setdefault(channel, current)
    return united


# -- defaults and the plan the screen edits ----------------------------------------------------


def _filled(contact: Contact) -> int:
    """How much a contact holds: filled fields plus list entries."""
    singles = sum(1 for name in choosable_fields(contact.kind) if getattr(contact, name))
    lists = len(contact.phones) + len(contact.emails) + len(contact.addresses) + len(contact.tags) + len(contact.notes)
    return singles + lists


def default_survivor(contacts: Sequence[Contact]) -> Contact:
    """The record that stays unless the user picks another: the oldest one (what other records
    point to longest); between records of the same age, the one holding the most data."""
    return min(contacts, key=lambda c: (c.created_at or "~", -_filled(c), c.id or 0))


def differing_fields(contacts: Sequence[Contact]) -> list[str]:
    """The choosable fields whose value is not the same in all contacts."""
    kind = contacts[0].kind
    return [name for name in choosable_fields(kind) if len({_comparable(getattr(c, name)) for c in contacts}) > 1]


def _comparable(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def default_choices(contacts: Sequence[Contact], survivor_id: int) -> dict[str, int]:
    """For each differing field: the survivor's value, unless it is empty and another's is not
    (then the first such other, by id)."""
    survivor = next(c for c in contacts if c.id == survivor_id)
    others = sorted((c for c in contacts if c.id != survivor_id), key=lambda c: c.id or 0)
    choices = {}
    for name in differing_fields(contacts):
        if getattr(survivor, name):
            choices[name] = survivor_id
        else:
            choices[name] = next((c.id for c in others if getattr(c, name)), survivor_id)
    return choices


def kept_over(survivor: Contact, other: Contact, choices: Mapping[str, int]) -> list[str]:
    """The fields where ``other`` has a value of its own that the merge leaves out (the
    survivor's value wins): what an import merging a record should say it did not take."""
    return [name for name in differing_fields([survivor, other])
            if choices.get(name, survivor.id) == survivor.id and getattr(other, name)]


@dataclass
class MergePlan:
    """What the merge screen shows and edits: the contacts, which one stays, whose values win."""

    contacts: list[Contact]
    survivor_id: int
    choices: dict[str, int] = field(default_factory=dict)
    #: fields the user picked by hand: kept when another survivor is chosen
    picked: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, contacts: Sequence[Contact]) -> MergePlan:
        contacts = list(contacts)
        if len(contacts) < 2:
            raise MergeError(_("Choose at least two contacts to merge."))
        _checked(contacts[0], contacts[1:])
        survivor = default_survivor(contacts)
        return cls(contacts, survivor.id, default_choices(contacts, survivor.id))

    @property
    def survivor(self) -> Contact:
        return next(c for c in self.contacts if c.id == self.survivor_id)

    @property
    def others(self) -> list[Contact]:
        return [c for c in self.contacts if c.id != self.survivor_id]

    @property
    def fields(self) -> list[str]:
        return differing_fields(self.contacts)

    def choose(self, name: str, contact_id: int) -> None:
        if name not in self.fields or contact_id not in {c.id for c in self.contacts}:
            raise MergeError(f"cannot choose {contact_id} for {name!r}")
        self.choices[name] = contact_id
        self.picked.add(name)

    def choose_survivor(self, contact_id: int) -> None:
        """Another record stays; values the user did not pick follow the new survivor's defaults."""
        if contact_id not in {c.id for c in self.contacts}:
            raise MergeError(f"contact {contact_id} is not being merged")
        self.survivor_id = contact_id
        defaults = default_choices(self.contacts, contact_id)
        self.choices = {name: self.choices[name] if name in self.picked else chosen for name, chosen in defaults.items()}

    def refreshed(self, contacts: Sequence[Contact]) -> MergePlan:
        """The same plan over newer versions of the contacts (another session saved one):
        the same survivor, the user's picks kept where the field still differs."""
        plan = MergePlan(list(contacts), self.survivor_id, default_choices(contacts, self.survivor_id))
        for name in self.picked & set(plan.fields):
            plan.choose(name, self.choices[name])
        return plan

    def result(self) -> Contact:
        return merge_contacts(self.survivor, self.others, self.choices)


# -- links: the rules a merge may break --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergeConflict:
    """A question the user must answer before the merge.

    ``ORGANIZATION``: the persons belong to different organizations; ``options`` are the
    organization ids, one stays. ``PRIMARY``: several of the organizations have a primary
    contact; ``options`` are those persons, one stays primary. ``SUCCESSOR``: the merged person
    leaves ``organization_id`` whose primary contact they were; ``options`` are the persons left
    there, one becomes primary.
    """

    kind: str
    options: tuple[int, ...]
    organization_id: int | None = None

    @property
    def message(self) -> str:
        return {
            ORGANIZATION: _("These persons belong to different organizations, but a person belongs to one "
                            "organization only: choose which one stays."),
            PRIMARY: _("Each of these organizations has a primary contact, but the merged one may have only one: "
                       "choose who stays primary."),
            SUCCESSOR: _("The merged person leaves an organization whose primary contact they are: "
                         "choose who becomes primary there."),
        }[self.kind]


def merge_conflicts(contacts: Sequence[Contact], links: Mapping[int, Sequence[ContactPersonLink]], *,
                    organization_choice: int | None = None) -> list[MergeConflict]:
    """The rule questions of merging ``contacts``.

    ``links`` maps each organization involved to its (live) contact persons' links: for persons,
    the organizations they belong to; for organizations, themselves. The successor questions of
    a person merge follow from ``organization_choice`` (asked first when there are several
    organizations), so call again once it is answered.
    """
    ids = {c.id for c in contacts}
    if contacts and contacts[0].kind == ContactKind.ORGANIZATION:
        primaries = tuple(link.person_id for org in contacts for link in links.get(org.id, ()) if link.primary)
        return [MergeConflict(PRIMARY, primaries)] if len(primaries) > 1 else []
    organizations = person_organizations(contacts, links)
    conflicts = []
    kept = organizations[0] if len(organizations) == 1 else organization_choice
    if len(organizations) > 1:
        conflicts.append(MergeConflict(ORGANIZATION, tuple(organizations)))
        if kept not in organizations:
            return conflicts  # the successors depend on the answer
    for organization_id in organizations:
        if organization_id == kept:
            continue
        own = links.get(organization_id, ())
        leaving_primary = any(link.primary and link.person_id in ids for link in own)
        remaining = tuple(link.person_id for link in own if link.person_id not in ids)
        if leaving_primary and remaining:
            conflicts.append(MergeConflict(SUCCESSOR, remaining, organization_id))
    return conflicts


def person_organizations(persons: Sequence[Contact], links: Mapping[int, Sequence[ContactPersonLink]]) -> list[int]:
    """The organizations the persons belong to, in the persons' order, each once."""
    found: list[int] = []
    for person in persons:
        for organization_id, own in links.items():
            if organization_id not in found and any(link.person_id == person.id for link in own):
                found.append(organization_id)
    return found


def unresolved(conflicts: Sequence[MergeConflict], *, organization_choice: int | None,
               primary_choice: int | None, successors: Mapping[int, int]) -> MergeConflict | None:
    """The first conflict the given answers do not settle, or None."""
    for conflict in conflicts:
        answer = {ORGANIZATION: organization_choice, PRIMARY: primary_choice}.get(
            conflict.kind, successors.get(conflict.organization_id or 0))
        if answer not in conflict.options:
            return conflict
    return None


def merge_links(kept: ContactPersonLink, dropped: Sequence[ContactPersonLink]) -> ContactPersonLink:
    """The one link left when several merged persons were contact persons of the same
    organization: the kept link's role and portal (the other's portal if it had none), every
    authorization, permission and notification any of them had, primary if any was."""
    result = ContactPersonLink.from_doc(kept.to_doc(), kept.id)
    for other in dropped:
        result.contact_person |= other.contact_person
        result.may_collect_mail |= other.may_collect_mail
        result.may_represent |= other.may_represent
        result.primary |= other.primary
        result.role = result.role or other.role
        result.info = join_texts(result.info, other.info)
        result.permissions += [p for p in other.permissions if p not in result.permissions]
        result.notifications += [n for n in other.notifications if n not in result.notifications]
        if not result.portal.login_email and other.portal.login_email:
            result.portal = other.portal
    return result
