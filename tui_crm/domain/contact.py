"""The contact: a person or an organization, with its phones, e-mails and addresses.

Contacts travel through the program as these dataclasses; the store keeps them as plain JSON
documents (``to_doc`` / ``from_doc``), so the file stays readable by TinyDB and by people.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any


class ContactKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


#: Built-in phone types; users may add their own (any other string).
STANDARD_PHONE_TYPES = ("mobile", "work", "home")

#: Channels a marketing consent can be given for.
CONSENT_CHANNELS = ("email", "sms", "phone")


@dataclass(slots=True)
class Phone:
    number: str = ""  # E.164 once validated, e.g. "+48601234567"
    type: str = "mobile"
    note: str = ""
    whatsapp: bool = False
    viber: bool = False
    sms: bool = False


@dataclass(slots=True)
class Email:
    address: str = ""
    consent: bool = False


@dataclass(slots=True)
class Address:
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""  # ISO 3166 alpha-2; empty = the default region (PL), set by validation

    def is_empty(self) -> bool:
        return not (self.street.strip() or self.postal_code.strip() or self.city.strip())


@dataclass(slots=True)
class Note:
    text: str
    author: str = ""
    at: str = ""  # ISO 8601, UTC


@dataclass(slots=True)
class Contact:
    kind: ContactKind = ContactKind.PERSON
    # person
    first_name: str = ""
    last_name: str = ""
    position: str = ""
    # organization
    name: str = ""
    nip: str = ""
    regon: str = ""
    # both
    supplier: bool = False
    phones: list[Phone] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    account_manager: str = ""
    source: str = ""
    #: channel -> ISO date the consent was given; a channel absent (or None) has no consent.
    consents: dict[str, str | None] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    discount: float = 0.0  # personal discount, percent
    # bookkeeping, set by the store
    id: int | None = None
    version: int = 0
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""
    deleted_at: str | None = None
    deleted_by: str | None = None
    #: set when the contact was merged into another one and went to the trash: that one's id
    merged_into: int | None = None

    @property
    def display_name(self) -> str:
        return display_name(self.to_doc())

    @property
    def is_person(self) -> bool:
        return self.kind == ContactKind.PERSON

    def switch_kind(self, kind: ContactKind) -> None:
        """Change person <-> organization, keeping every field both kinds share.

        The fields of the other kind are kept too (hidden), so switching back and forth while
        editing loses nothing; ``cleaned_for_save`` drops them when the contact is saved.
        """
        if kind == self.kind:
            return
        if kind == ContactKind.ORGANIZATION and not self.name:
            self.name = " ".join(p for p in (self.first_name, self.last_name) if p)
        elif kind == ContactKind.PERSON and not (self.first_name or self.last_name) and self.name:
            first, _, last = self.name.partition(" ")
            self.first_name, self.last_name = first, last
        self.kind = kind

    def copy(self) -> Contact:
        """A deep copy: rows and lists are new objects (strings and numbers are shared)."""
        copy = _clone(self)
        copy.phones = [_clone(p) for p in self.phones]
        copy.emails = [_clone(e) for e in self.emails]
        copy.addresses = [_clone(a) for a in self.addresses]
        copy.notes = [_clone(n) for n in self.notes]
        copy.tags = list(self.tags)
        copy.consents = dict(self.consents)
        return copy

    def cleaned_for_save(self) -> Contact:
        """A copy without the fields that do not belong to its kind, nor empty rows."""
        return self.copy().clean()

    def clean(self) -> Contact:
        """``cleaned_for_save`` in place, for a contact nobody else holds (an imported record)."""
        if self.kind == ContactKind.PERSON:
            self.name = self.nip = self.regon = ""
        else:
            self.first_name = self.last_name = self.position = ""
        self.phones = [p for p in self.phones if p.number.strip()]
        self.emails = [e for e in self.emails if e.address.strip()]
        self.addresses = [a for a in self.addresses if not a.is_empty()]
        self.tags = normalize_tags(self.tags)
        return self

    def copy_as_new(self) -> Contact:
        """A new, unsaved contact prefilled from this one (the card's Copy action)."""
        copy = self.copy()
        copy.id = None
        copy.version = 0
        copy.created_at = copy.created_by = copy.updated_at = copy.updated_by = ""
        copy.deleted_at = copy.deleted_by = None
        copy.merged_into = None
        copy.notes = []
        return copy

    def to_doc(self) -> dict[str, Any]:
        """The stored form: empty values (the defaults) are left out to keep 100k records small."""
        # compact_record(self) written out for a contact's known shape: it runs for every
        # contact of an import, and the generic walk costs three times as much.
        doc: dict[str, Any] = {}
        for name in _field_names(Contact):
            value = getattr(self, name)
            if not value or name == "id":
                continue
            if name in _ROW_LISTS:
                value = [_row_doc(row) for row in value]
            elif name == "tags":
                value = list(value)
            elif name == "consents":
                value = {channel: given for channel, given in value.items() if given}
                if not value:
                    continue
            doc[name] = value
        doc["kind"] = str(self.kind)  # a plain string, not the enum
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], doc_id: int | None = None) -> Contact:
        known = _field_names(cls)
        values = {k: v for k, v in doc.items() if k in known}
        values["kind"] = ContactKind(values.get("kind", ContactKind.PERSON))
        values["phones"] = [Phone(**p) for p in doc.get("phones", [])]
        values["emails"] = [Email(**e) for e in doc.get("emails", [])]
        values["addresses"] = [Address(**a) for a in doc.get("addresses", [])]
        values["notes"] = [Note(**n) for n in doc.get("notes", [])]
        values["tags"] = list(doc.get("tags", []))
        values["consents"] = dict(doc.get("consents", {}))
        if doc_id is not None:
            values["id"] = doc_id
        return cls(**values)


def display_name(doc: dict[str, Any]) -> str:
    """The name shown in lists and headers: "First Last" for a person, the name of an organization."""
    if doc.get("kind") == ContactKind.ORGANIZATION:
        return doc.get("name", "")
    return " ".join(p for p in (doc.get("first_name", ""), doc.get("last_name", "")) if p)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


def _clone(record: Any) -> Any:
    """A shallow copy of a record (``dataclasses.replace`` without its checks: 3x quicker)."""
    kind = type(record)
    return kind(*[getattr(record, name) for name in _field_names(kind)])


_ROW_LISTS = frozenset({"phones", "emails", "addresses", "notes"})


def _row_doc(row: Phone | Email | Address | Note) -> dict[str, Any]:
    """A row's stored form: its fields are plain values, the empty ones left out."""
    doc = {}
    for name in _field_names(type(row)):
        value = getattr(row, name)
        if value:
            doc[name] = value
    return doc


def compact_record(value: Any) -> Any:
    """``compact_doc(dataclasses.asdict(value))`` in one pass and without deep copies of strings
    and numbers: ``to_doc`` runs for every contact of an import."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [compact_record(item) for item in value]
    if kind is dict:
        compacted = ((key, compact_record(item)) for key, item in value.items())
        return {key: item for key, item in compacted if item}
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value):
        names = _field_names(kind)
    if names is None:
        return value  # enums and other immutable values
    doc = {}
    for name in names:
        item = compact_record(getattr(value, name))
        if item:
            doc[name] = item
    return doc


def compact_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` without empty values ("", None, False, 0, [], {}), recursively.

    ``Contact.from_doc`` fills them back in from the dataclass defaults.
    """
    compacted = ((key, _compact(value)) for key, value in doc.items())
    return {key: value for key, value in compacted if value}


def _compact(value: Any) -> Any:
    if isinstance(value, dict):
        return compact_doc(value)
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def normalize_tags(tags: list[str]) -> list[str]:
    """Trimmed, without empties and without case-insensitive duplicates, order kept."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        tag = " ".join(tag.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    return result
