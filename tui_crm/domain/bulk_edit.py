"""Bulk edit: one change applied to many contacts; only the fields the user touched change.

A ``BulkEdit`` says, field by field, what to set; ``None`` (or an empty tuple / mapping) means
"not touched". ``apply`` is pure: it returns a changed copy of one contact, or ``None`` when the
edit changes nothing on it, so the preview can count the contacts that will change and applying
the same edit a second time changes nothing.

Rules:

* Account manager and acquisition source: set to the value given ("" clears them).
* Supplier flag: set to ``True`` or ``False``.
* Tags: ``tags_add`` are appended (a tag already there, in any letter case, is kept as it is);
  ``tags_remove`` are removed (any letter case). A tag may not be in both lists.
* Address: the touched fields (street, postal code, city, country) are written into the
  contact's *first* address, the one lists and cards show; a contact without an address gets one
  holding the touched fields. An edit that would leave that address without street, postal code
  and city is not made: bulk edit never deletes an address.
* Marketing consents, per channel: ``True`` gives the consent with ``today``'s date (a consent
  already given keeps its original date), ``False`` withdraws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from tui_crm.domain.contact import CONSENT_CHANNELS, Address, Contact, normalize_tags
from tui_crm.domain.validation import normalize_postal_code
from tui_crm.i18n import _

ADDRESS_FIELDS = ("street", "postal_code", "city", "country")


class BulkEditError(ValueError):
    """The edit itself is contradictory (a tag both added and removed, …); nothing is applied."""


@dataclass(frozen=True, slots=True)
class AddressEdit:
    """New values for the fields of the first address; ``None`` = not touched."""

    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None

    def touched(self) -> dict[str, str]:
        """The touched fields with their tidied new values."""
        values = {name: getattr(self, name) for name in ADDRESS_FIELDS}
        tidied = {name: value.strip() for name, value in values.items() if value is not None}
        if "country" in tidied:
            tidied["country"] = tidied["country"].upper()
        return tidied


@dataclass(frozen=True, slots=True)
class BulkEdit:
    account_manager: str | None = None
    supplier: bool | None = None
    source: str | None = None
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()
    address: AddressEdit = AddressEdit()
    #: channel -> True (give the consent) / False (withdraw it); channels absent are not touched
    consents: Mapping[str, bool] = field(default_factory=dict)
    #: ISO date written on consents given by this edit
    today: str = ""

    def touched_fields(self) -> frozenset[str]:
        """The names of the ``Contact`` fields this edit may change; all others never change."""
        names = {name for name in ("account_manager", "supplier", "source") if getattr(self, name) is not None}
        if self.tags_add or self.tags_remove:
            names.add("tags")
        if self.address.touched():
            names.add("addresses")
        if self.consents:
            names.add("consents")
        return frozenset(names)

    def is_empty(self) -> bool:
        return not self.touched_fields()

    def check(self) -> None:
        """Raise ``BulkEditError`` (a sentence for the user) when the edit contradicts itself."""
        added = {tag.casefold() for tag in normalize_tags(list(self.tags_add))}
        both = [tag for tag in normalize_tags(list(self.tags_remove)) if tag.casefold() in added]
        if both:
            raise BulkEditError(_("A tag cannot be both added and removed: {tags}.").format(tags=", ".join(both)))
        unknown = sorted(set(self.consents) - set(CONSENT_CHANNELS))
        if unknown:
            raise BulkEditError(_("Unknown consent channel: {channels}.").format(channels=", ".join(unknown)))
        if any(self.consents.values()):
            try:
                date.fromisoformat(self.today)
            except ValueError:
                raise BulkEditError(_("The date for the consents is missing.")) from None

    def apply(self, contact: Contact) -> Contact | None:
        """``contact`` with this edit applied, or ``None`` if it would not change.

        The contact given is never modified; the copy shares the lists of the fields that did
        not change.
        """
        changes: dict[str, object] = {}
        for name in ("account_manager", "source"):
            value = getattr(self, name)
            if value is not None and value.strip() != getattr(contact, name):
                changes[name] = value.strip()
        if self.supplier is not None and self.supplier != contact.supplier:
            changes["supplier"] = self.supplier
        if self.tags_add or self.tags_remove:
            tags = self._tags(contact.tags)
            if tags != contact.tags:
                changes["tags"] = tags
        addresses = self._addresses(contact.addresses)
        if addresses is not None:
            changes["addresses"] = addresses
        consents = self._consents(contact.consents)
        if consents is not None:
            changes["consents"] = consents
        return replace(contact, **changes) if changes else None

    # -- the rules of each field -------------------------------------------------------------

    def _tags(self, tags: list[str]) -> list[str]:
        removed = {tag.casefold() for tag in normalize_tags(list(self.tags_remove))}
        return [tag for tag in normalize_tags([*tags, *self.tags_add]) if tag.casefold() not in removed]

    def _addresses(self, addresses: list[Address]) -> list[Address] | None:
        touched = self.address.touched()
        if not touched:
            return None
        first = addresses[0] if addresses else Address()
        updated = replace(first, **touched)
        if "postal_code" in touched or "country" in touched:
            try:  # 00950 -> 00-950 as a save would store it, so a second apply changes nothing
                updated.postal_code = normalize_postal_code(updated.postal_code, updated.country or "PL")
            except ValueError:
                pass  # left as typed: the save reports it and skips the contact
        if updated.is_empty() or updated == first:
            return None
        return [updated, *addresses[1:]]

    def _consents(self, consents: dict[str, str | None]) -> dict[str, str | None] | None:
        result = {channel: given for channel, given in consents.items() if given}
        for channel, give in self.consents.items():
            if give and not result.get(channel):
                result[channel] = self.today
            elif not give:
                result.pop(channel, None)
        current = {channel: given for channel, given in consents.items() if given}
        return None if result == current else result


@dataclass(frozen=True, slots=True)
class Skipped:
    """A contact a bulk write left as it was, and why (a sentence for the user)."""

    contact_id: int
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What a bulk write did: the ids saved, and the contacts skipped with the reason."""

    saved: tuple[int, ...] = ()
    skipped: tuple[Skipped, ...] = ()
