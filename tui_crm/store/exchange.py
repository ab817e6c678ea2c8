"""Export contacts to a vCard or CSV file, and import them from one.

An export is written to a temporary file and renamed into place, so a failed export never
leaves half a file. An import reads and checks every record first (validation, then the
duplicate rules against the database and against the records before it in the file) and then
writes all the accepted ones in ONE batch with their history entries: all or nothing. With
``on_duplicate="merge"`` a record that is a likely duplicate of exactly one existing contact is
merged into it (``tui_crm.domain.merge`` rules: the existing contact's values win, lists are
united) in that same batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_crm.domain import csv_exchange, vcard
from tui_crm.domain.contact import Contact, ContactKind, display_name
from tui_crm.domain.contact_persons import Affiliation, link_flags
from tui_crm.domain.dictionaries import CONTACT_ROLES, Entry, key_for, label_of
from tui_crm.domain.duplicates import contact_keys, matches_among, reason_label
from tui_crm.domain.merge import (
    MergeError,
    default_choices,
    kept_over,
    merge_contacts,
    unite_notes,
)
from tui_crm.domain.validation import error_field_label, field_label, validate_contact
from tui_crm.i18n import _, format_number, ngettext, os_reason

from . import history as h
from .contact_index import ContactQuery
from .contacts import TABLE, ContactRepository, stale_reason
from .database import paused_gc
from .dictionaries import DictionaryRepository
from .duplicate_index import DuplicateIndex
from .errors import StoreError
from .files import fsync_dir
from .history import CONTACT_ENTITY
from .links import ImportedLink, LinkRepository
from .timestamps import utc_now

FORMATS = ("vcf", "csv")
#: what to do with a record that is a likely duplicate
SKIP_DUPLICATES, ADD_DUPLICATES, MERGE_DUPLICATES = "skip", "add", "merge"
DUPLICATE_CHOICES = (SKIP_DUPLICATES, ADD_DUPLICATES, MERGE_DUPLICATES)
#: the id a record gets while it is merged (merge_contacts wants distinct ids)
_RECORD_ID = -1

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    line: int  # where the record starts in the file
    name: str
    reason: str = ""
    #: ids of the existing contacts it is a likely duplicate of (0: an earlier record of the file)
    duplicate_of: tuple[int, ...] = ()
    contact_id: int | None = None  # the new contact, once imported


@dataclass(slots=True)
class PlannedMerge:
    """An existing contact as it will be once the file's duplicates of it are merged in."""

    contact_id: int
    old_doc: dict[str, Any]  # as read while planning: the write is refused if it changed since
    contact: Contact  # the merged result
    outcomes: list[RecordOutcome] = field(default_factory=list)  # the records merged into it


@dataclass(slots=True)
class ImportResult:
    imported: list[RecordOutcome] = field(default_factory=list)
    skipped: list[RecordOutcome] = field(default_factory=list)
    failed: list[RecordOutcome] = field(default_factory=list)
    #: records merged into an existing contact (contact_id: that contact)
    merged: list[RecordOutcome] = field(default_factory=list)
    dry_run: bool = False
    #: the contacts that will be / were written, in file order
    contacts: list[Contact] = field(default_factory=list)
    #: the existing contacts that will be / were changed by merging, by id
    merges: dict[int, PlannedMerge] = field(default_factory=dict)
    #: ``contacts`` as documents, converted once while planning (``to_doc`` is the slow part)
    docs: list[dict[str, Any]] = field(default_factory=list, repr=False)
    #: the persons to link to their organization (vCard ORG, the CSV column)
    links: list[PlannedLink] = field(default_factory=list)
    #: organizations named by persons of the file and found nowhere: created with the import
    new_organizations: list[Contact] = field(default_factory=list)


@dataclass(slots=True)
class PlannedLink:
    """A person of the file (or an existing one a record is merged into) and the organization
    they work for: an existing one, one of the file, or a new one."""

    role: str  # the dictionary key
    person_position: int | None = None  # in ``ImportResult.contacts``
    flags: Mapping[str, Any] | None = None  # what the file says of the link (``link_flags``)
    person_id: int | None = None  # an existing person (merge)
    organization_id: int | None = None
    organization_position: int | None = None  # in ``ImportResult.contacts``
    new_organization: int | None = None  # in ``ImportResult.new_organizations``


def detect_format(path: str | os.PathLike[str], text: str | None = None) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcf"
    if suffix == ".csv":
        return "csv"
    if text is not None and text.lstrip("\ufeff \r\n\t").upper().startswith("BEGIN:VCARD"):
        return "vcf"
    return "csv"


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text: UTF-8 (with or without a BOM), else cp1250 (old Polish exports).

    A UTF-8 file with a few damaged lines stays UTF-8: the damaged bytes read as U+FFFD and
    the records holding them are reported, rather than every Polish letter of the file being
    misread as cp1250.
    """
    return _one_newline(_decoded(Path(path).expanduser().read_bytes()))


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8-sig", errors="replace")
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _one_newline(text: str) -> str:
    """Lines end in "\n": Windows' "\r\n" and a lone "\r" (old Mac files, a stray one in a
    CSV cell) would otherwise stop the CSV reader ("new-line character seen in unquoted field")."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _mostly_utf8(data: bytes) -> bool:
    """Whether more lines with letters beyond ASCII read as UTF-8 than fail to: a cp1250 file's
    Polish letters (one byte each) almost never form valid UTF-8 sequences."""
    valid = damaged = 0
    for line in data.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            damaged += 1
        else:
            valid += 1
    return valid > damaged


# -- export ----------------------------------------------------------------------------------


def export_contacts(contacts: ContactRepository, ids: Iterable[int], path: str | os.PathLike[str], fmt: str, *,
                    vcard_version: str = "3.0", progress: Progress | None = None,
                    links: LinkRepository | None = None, roles: list[Entry] | None = None) -> int:
    """Write the live contacts among ``ids`` to ``path``; returns how many were written. With
    ``links`` a person's organization and role (labelled by ``roles``) are written too."""
    if fmt not in FORMATS:
        raise StoreError(_("Unknown format {format}: use vcf or csv.").format(format=fmt))
    if vcard_version not in vcard.VERSIONS:
        raise StoreError(_("Unknown vCard version {version}: use 3.0 or 4.0.").format(version=vcard_version))
    items = [(i, doc) for i in ids if (doc := contacts.doc(i)) is not None and not doc.get("deleted_at")]
    affiliations = _affiliations(contacts, links, roles or [], items) if links is not None else {}
    total = len(items)
    target = Path(path).expanduser()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    step = max(total // 100, 1)
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            if fmt == "vcf":
                for n, card in enumerate(vcard.contacts_to_vcards(items, vcard_version, affiliations), 1):
                    out.write(card)
                    if progress and n % step == 0:
                        progress(n, total)
            else:
                address_count = max((len(doc.get("addresses", [])) for _i, doc in items), default=1) or 1
                for n in csv_exchange.write_csv(items, out, address_count, affiliations):
                    if progress and n % step == 0:
                        progress(n, total)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as error:  # named by the file asked for, not by the temporary one
        tmp.unlink(missing_ok=True)
        raise StoreError(_("Cannot write {path}: {reason}").format(path=target, reason=os_reason(error))) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    if progress:
        progress(total, total)
    return total


def _affiliations(contacts: ContactRepository, links: LinkRepository, roles: list[Entry],
                  items: list[tuple[int, dict[str, Any]]]) -> dict[int, Affiliation]:
    found = {}
    for contact_id, doc in items:
        if doc.get("kind") == ContactKind.ORGANIZATION:
            continue
        link = links.of_person(contact_id)
        organization = contacts.doc(link.organization_id) if link else None
        if link and organization and not organization.get("deleted_at"):
            found[contact_id] = Affiliation(display_name(organization), label_of(roles, link.role) if link.role else "",
                                            vcard.card_uid(link.organization_id), link_flags(link))
    return found


# -- import ----------------------------------------------------------------------------------

#: one record of a file, read: ``line``, ``contact`` (None: unreadable, ``error`` says why, ``name``
#: says what it seems to be), ``affiliation`` and ``uid`` (vCard)
Record = vcard.ParsedCard | csv_exchange.ParsedRow


def parse_records(text: str, fmt: str, mapping: Mapping[str, str] | None = None) -> list[Record]:
    """(line, contact or None, error, affiliation) for every record of the file."""
    if fmt == "vcf":
        return list(vcard.parse_vcards(text))
    if fmt == "csv":
        return list(csv_exchange.parse_csv(text, mapping))
    raise StoreError(_("Unknown format {format}: use vcf or csv.").format(format=fmt))


def _parse_with_progress(text: str, fmt: str, mapping: Mapping[str, str] | None,
                         progress: Progress) -> list[Record]:
    parsed: Iterable[Record]
    if fmt == "vcf":
        estimate = max(text.count("BEGIN:VCARD"), 1)
        parsed = vcard.parse_vcards(text)
    elif fmt == "csv":
        estimate = max(text.count("\n"), 1)
        parsed = csv_exchange.parse_csv(text, mapping)
    else:
        return parse_records(text, fmt, mapping)
    step = max(estimate // 100, 1)
    records = []
    for n, record in enumerate(parsed, 1):
        records.append(record)
        if n % step == 0:
            progress(min(n, estimate), 2 * estimate)
    return records


def plan_import(contacts: ContactRepository, records: list[Record], *,
                duplicates: DuplicateIndex | None = None, on_duplicate: str = SKIP_DUPLICATES,
                progress: Progress | None = None, roles: list[Entry] | None = None) -> ImportResult:
    """What an import would do: nothing is written. ``roles``: the contact-person roles
    dictionary, to store a role read by its label under the entry's key."""
    index = duplicates or DuplicateIndex(contacts)
    result = ImportResult()
    in_file: dict[int, Any] = {}  # position among the accepted -> keys (duplicates inside the file)
    blocks: dict[str, list[int]] = {}
    merged_blocks: dict[str, set[int]] = {}  # key of a merged record -> the contact it went into
    total = len(records)
    step = max(total // 100, 1)
    affiliated: list[tuple[Affiliation, int | None, int | None]] = []  # (affiliation, position, merged into)
    organizations = _FileOrganizations()
    for n, record in enumerate(records, 1):
        if progress and n % step == 0:
            progress(n, total)
        line, parsed, affiliation, uid = record.line, record.contact, record.affiliation, record.uid
        if parsed is None:
            result.failed.append(RecordOutcome(line, record.name, record.error))
            continue
        checked = validate_contact(parsed, in_place=True)  # the record is the import's own
        name = csv_exchange.describe(checked.contact)
        if not checked.ok:
            reason = " ".join(f"{error_field_label(e.field)}: {e.message}" for e in checked.errors)
            result.failed.append(RecordOutcome(line, name, reason))
            continue
        contact = checked.contact
        doc = contact.to_doc()
        if on_duplicate != ADD_DUPLICATES:
            keys = contact_keys(doc)
            matches = index.for_keys(keys)
            if not matches and result.merges:  # like what an earlier record added to a contact?
                matches = matches_among(keys, {i: contact_keys(result.merges[i].contact) for key in keys.all()
                                               for i in merged_blocks.get(key, ())})
            candidates = {i: in_file[i] for key in keys.all() for i in blocks.get(key, ())}
            earlier = matches_among(keys, candidates)
            if matches or earlier:
                found = matches[0] if matches else earlier[0]
                reasons = ", ".join(reason_label(r) for r in found.reasons)
                if matches:
                    other = _describe_stored(contacts, found.contact_id)
                    reason = _("Likely duplicate of {name} (#{id}): {reasons}.").format(
                        name=other, id=found.contact_id, reasons=reasons)
                else:
                    reason = _("Likely duplicate of {name}, earlier in the file: {reasons}.").format(
                        name=csv_exchange.describe(result.contacts[found.contact_id]), reasons=reasons)
                duplicate_of = tuple(m.contact_id for m in matches) or (0,)
                if on_duplicate == MERGE_DUPLICATES and matches and not earlier:
                    refusal = _plan_merge(contacts, result, RecordOutcome(line, name, reason, duplicate_of),
                                          contact, matches, names_organization=bool(affiliation.organization))
                    if not refusal:
                        for key in keys.all():
                            merged_blocks.setdefault(key, set()).add(matches[0].contact_id)
                        if affiliation.organization:
                            affiliated.append((affiliation, None, matches[0].contact_id))
                        organizations.add(contact, uid, contact_id=matches[0].contact_id)
                        continue
                    reason = f"{reason} {refusal}"
                result.skipped.append(RecordOutcome(line, name, reason, duplicate_of))
                # its persons in the file go to the one it duplicates
                organizations.add(contact, uid, contact_id=found.contact_id if matches else None,
                                  position=None if matches else found.contact_id)
                continue
            position = len(result.contacts)
            in_file[position] = keys
            for key in keys.all():
                blocks.setdefault(key, []).append(position)
        if affiliation.organization:
            affiliated.append((affiliation, len(result.contacts), None))
        organizations.add(contact, uid, position=len(result.contacts))
        result.contacts.append(contact)
        result.docs.append(doc)
        result.imported.append(RecordOutcome(line, name))
    if affiliated:
        _plan_links(contacts, result, affiliated, organizations, roles or [])
    if progress:
        progress(total, total)
    return result


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(slots=True)
class _FileOrganizations:
    """What each organization record of the file became: a contact to import (its position
    among the planned ones) or an existing contact (skipped as its duplicate, or merged into
    it), by the card's UID and by name — where its persons are to be linked."""

    by_uid: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    by_name: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def add(self, contact: Contact, uid: str, *, position: int | None = None, contact_id: int | None = None) -> None:
        if contact.kind != ContactKind.ORGANIZATION:
            return
        if uid:
            self.by_uid.setdefault(uid, (position, contact_id))
        self.by_name.setdefault(_folded(contact.name), (position, contact_id))


def _plan_links(contacts: ContactRepository, result: ImportResult,
                affiliated: list[tuple[Affiliation, int | None, int | None]], organizations: _FileOrganizations,
                roles: list[Entry]) -> None:
    """Find each person's organization: the card the person's card names (our own export
    writes its UID), else by name among the organizations of the file, then among the live
    ones of the database; else it is created with the import."""
    stored: dict[str, int] = {}
    for contact_id in sorted(contacts.find(ContactQuery(kind=ContactKind.ORGANIZATION))):
        doc = contacts.doc(contact_id)
        if doc is not None:
            stored.setdefault(_folded(display_name(doc)), contact_id)
    created: dict[str, int] = {}
    for affiliation, position, person_id in affiliated:
        key = _folded(affiliation.organization)
        link = PlannedLink(key_for(roles, affiliation.role) if affiliation.role else "", person_position=position,
                           person_id=person_id, flags=affiliation.flags)
        in_file = organizations.by_uid.get(affiliation.organization_uid) or organizations.by_name.get(key)
        if in_file is not None:
            link.organization_position, link.organization_id = in_file
        elif key in stored:
            link.organization_id = stored[key]
        else:
            if key not in created:
                created[key] = len(result.new_organizations)
                name = " ".join(affiliation.organization.split())
                result.new_organizations.append(Contact(kind=ContactKind.ORGANIZATION, name=name))
            link.new_organization = created[key]
        result.links.append(link)


def _describe_stored(contacts: ContactRepository, contact_id: int) -> str:
    shown = contacts.doc(contact_id)  # read as a document: no Contact built for every skipped record
    return (display_name(shown) or _("(no name)")) if shown else f"#{contact_id}"


def _plan_merge(contacts: ContactRepository, result: ImportResult, outcome: RecordOutcome, record: Contact,
                matches: list[Any], *, names_organization: bool = False) -> str:
    """Merge ``record`` into the one existing contact it duplicates; "" when planned, else why not
    (also when the record holds nothing new for it, unless it ``names_organization`` to link to)."""
    if len({m.contact_id for m in matches}) > 1:
        names = ", ".join(f"{_describe_stored(contacts, m.contact_id)} (#{m.contact_id})" for m in matches)
        return _("Not merged: it is like several contacts ({names}); merge them first.").format(names=names)
    contact_id = matches[0].contact_id
    planned = result.merges.get(contact_id)
    if planned is None:
        doc = contacts.doc(contact_id)
        if doc is None or doc.get("deleted_at"):
            return _("Not merged: that contact is gone.")
        survivor = Contact.from_doc(doc, contact_id)
    else:
        doc, survivor = planned.old_doc, planned.contact
    known_notes = {note.text for note in survivor.notes}
    record.notes = [note for note in record.notes if note.text not in known_notes]  # its own, read back
    record.id = _RECORD_ID
    try:
        if record.kind != survivor.kind:
            raise MergeError(_("Not merged: one is a person, the other an organization."))
        choices = default_choices([survivor, record], contact_id)
        merged = merge_contacts(survivor, [record], choices)
        kept = kept_over(survivor, record, choices)
    except MergeError as error:
        return str(error)
    finally:
        record.id = None
    if not names_organization and merged.to_doc() == survivor.to_doc():
        return _("Nothing in the file is new for it.")
    reason = outcome.reason
    if kept:  # the existing contact's values win: say which of the file's were left out
        reason += " " + _("Kept its own {values}.").format(values="; ".join(
            _("{field} “{value}” (the file: “{other}”)").format(
                field=field_label(name), value=getattr(survivor, name), other=getattr(record, name))
            for name in kept))
    if planned is None:
        planned = result.merges[contact_id] = PlannedMerge(contact_id, doc, merged)
    planned.contact = merged
    merged_outcome = RecordOutcome(outcome.line, outcome.name, reason, outcome.duplicate_of, contact_id)
    planned.outcomes.append(merged_outcome)
    result.merged.append(merged_outcome)
    return ""


def import_file(contacts: ContactRepository, path: str | os.PathLike[str], *, author: str, dry_run: bool = False,
                mapping: Mapping[str, str] | None = None, fmt: str | None = None,
                duplicates: DuplicateIndex | None = None, on_duplicate: str = SKIP_DUPLICATES,
                progress: Progress | None = None, links: LinkRepository | None = None,
                dictionaries: DictionaryRepository | None = None) -> ImportResult:
    roles = dictionaries.entries(CONTACT_ROLES) if dictionaries is not None else None
    text = read_text(path)
    fmt = fmt or detect_format(path, text)
    with paused_gc(freeze=False):  # ~a million short-lived objects, none in a cycle
        result = plan_text(contacts, text, fmt, mapping=mapping, duplicates=duplicates, on_duplicate=on_duplicate,
                           progress=progress, roles=roles)
        result.dry_run = dry_run
        if not dry_run:
            write_import(contacts, result, author=author, links=links, dictionaries=dictionaries)
    return result


def no_contacts_message() -> str:
    return _("No contacts found in the file: a vCard file holds BEGIN:VCARD … END:VCARD cards, "
             "a CSV file a header row and a row per contact.")


def plan_text(contacts: ContactRepository, text: str, fmt: str, *, mapping: Mapping[str, str] | None = None,
              duplicates: DuplicateIndex | None = None, on_duplicate: str = SKIP_DUPLICATES,
              progress: Progress | None = None, roles: list[Entry] | None = None) -> ImportResult:
    """Read a file's text and plan its import (``plan_import``); nothing is written. A file
    without a single record (empty, or not vCard/CSV at all) is a ``StoreError``."""
    with paused_gc(freeze=False):
        if progress is None:
            records = parse_records(text, fmt, mapping)
        else:  # reading is the first half of the work, checking the second
            records = _parse_with_progress(text, fmt, mapping, progress)
        if not records or (fmt == "vcf" and not any(record.contact for record in records)
                           and "BEGIN:VCARD" not in text.upper()):
            raise StoreError(no_contacts_message())
        total = len(records)
        return plan_import(contacts, records, duplicates=duplicates, on_duplicate=on_duplicate, roles=roles,
                           progress=None if progress is None else lambda done, _t: progress(total + done, 2 * total))


def write_import(contacts: ContactRepository, result: ImportResult, *, author: str,
                 links: LinkRepository | None = None, dictionaries: DictionaryRepository | None = None) -> None:
    """Write the planned contacts in one batch, each with its "created" history entry, and the
    planned merges, each as a new version of the existing contact with its "merged" entry, and
    the persons' links to their organizations (``links``: the repository of the session, else
    one is opened for the write). Roles the ``dictionaries`` do not know yet are added to the
    roles dictionary afterwards, to be offered next time.

    A contact to merge into that someone changed or trashed since the plan is left alone: its
    records move to the skipped ones, with the reason.
    """
    if not result.contacts and not result.merges:
        return
    if result.links and links is None:
        links = LinkRepository(contacts)
    now = utc_now()
    bookkeeping = {"version": 1, "created_at": now, "created_by": author, "updated_at": now, "updated_by": author}
    with contacts.database.write() as batch:
        docs = result.docs if len(result.docs) == len(result.contacts) else [c.to_doc() for c in result.contacts]
        ids = [_write_new(contacts, batch, contact, planned, bookkeeping)
               for contact, planned in zip(result.contacts, docs, strict=True)]
        organization_ids = [_write_new(contacts, batch, organization, organization.to_doc(), bookkeeping)
                            for organization in result.new_organizations]
        refused = _write_merges(contacts, result, batch, author, now)
        if result.links and links is not None:
            not_merged = {planned.contact_id for planned, _reason in refused}
            wanted = [ImportedLink(_person_of(link, ids), _organization_of(link, ids, organization_ids), link.role,
                                   link.flags) for link in result.links if link.person_id not in not_merged]
            links.add_imported(batch, wanted, author=author)
    result.imported = [RecordOutcome(o.line, o.name, contact_id=i) for o, i in zip(result.imported, ids, strict=True)]
    if dictionaries is not None and any(link.role for link in result.links):
        dictionaries.remember_all(CONTACT_ROLES, (link.role for link in result.links if link.role), author=author)
    for planned, reason in refused:
        del result.merges[planned.contact_id]
        lines = {o.line for o in planned.outcomes}
        result.merged = [o for o in result.merged if o.line not in lines]
        result.skipped += [RecordOutcome(o.line, o.name, f"{o.reason} {reason}", o.duplicate_of)
                           for o in planned.outcomes]
    result.skipped.sort(key=lambda o: o.line)


def _write_new(contacts: ContactRepository, batch: Any, contact: Contact, planned: dict[str, Any],
               bookkeeping: dict[str, Any]) -> int:
    """Put one new contact (``planned``: its document) with its "created" history entry."""
    author, now = bookkeeping["created_by"], bookkeeping["created_at"]
    contact.id = batch.new_id(TABLE)
    contact.version = 1
    contact.created_at, contact.created_by = now, author
    contact.updated_at, contact.updated_by = now, author
    doc = dict(planned)
    doc.update(bookkeeping)
    if contact.notes:
        for note in contact.notes:
            note.author, note.at = note.author or author, note.at or now
        doc["notes"] = [{**n, "author": n.get("author") or author, "at": n.get("at") or now} for n in planned["notes"]]
    batch.put(TABLE, contact.id, doc)
    contacts.history.record(batch, CONTACT_ENTITY, contact.id, author=author, action=h.CREATED)
    return contact.id


def _person_of(link: PlannedLink, ids: list[int]) -> int:
    return link.person_id if link.person_id is not None else ids[link.person_position]  # type: ignore[index]


def _organization_of(link: PlannedLink, ids: list[int], organization_ids: list[int]) -> int:
    if link.organization_id is not None:
        return link.organization_id
    if link.organization_position is not None:
        return ids[link.organization_position]
    return organization_ids[link.new_organization]  # type: ignore[index]


def _write_merges(contacts: ContactRepository, result: ImportResult, batch: Any, author: str,
                  now: str) -> list[tuple[PlannedMerge, str]]:
    refused = []
    for planned in result.merges.values():
        current = contacts.doc(planned.contact_id)
        reason = stale_reason(current, planned.old_doc.get("version"))
        if reason:
            refused.append((planned, _("Not merged: {reason}").format(reason=reason)))
            continue
        assert current is not None
        merged = planned.contact
        for note in merged.notes:  # the file's notes: written now, by the importing operator
            note.author, note.at = note.author or author, note.at or now
        merged.notes = unite_notes(merged.notes)
        doc = merged.to_doc()
        if doc == current:
            continue  # the file held nothing new for it
        merged.version = int(current.get("version", 0)) + 1
        merged.updated_at, merged.updated_by = now, author
        doc = merged.to_doc()
        batch.put(TABLE, planned.contact_id, doc)
        contacts.history.record_changes(batch, CONTACT_ENTITY, planned.contact_id, current, doc, author=author,
                                        action=h.MERGED)
    return refused


def summary(result: ImportResult) -> str:
    if result.merged:
        template = (_("Would import {imported}, merge {merged} into existing contacts, skip {skipped}, {failed} "
                      "failed (dry run: nothing was written).") if result.dry_run
                    else _("Imported {imported}, merged {merged} into existing contacts, skipped {skipped}, "
                           "{failed} failed."))
    else:
        template = (_("Would import {imported}, skip {skipped}, {failed} failed (dry run: nothing was written).")
                    if result.dry_run else _("Imported {imported}, skipped {skipped}, {failed} failed."))
    text = template.format(imported=format_number(len(result.imported)), merged=format_number(len(result.merged)),
                           skipped=format_number(len(result.skipped)), failed=format_number(len(result.failed)))
    created = len(result.new_organizations)
    if created:
        more = (ngettext("{count} organization named by its persons will be created.",
                         "{count} organizations named by their persons will be created.", created) if result.dry_run
                else ngettext("{count} organization named by its persons was created.",
                              "{count} organizations named by their persons were created.", created))
        text += " " + more.format(count=format_number(created))
    return text


def report_lines(result: ImportResult) -> list[str]:
    """One line per merged, skipped or failed record, in file order: where it is and why."""
    if result.dry_run:  # a preview says what would happen
        merged, skipped = _("line {line}: would merge {name} into #{id}: {reason}"), _(
            "line {line}: would skip {name}: {reason}")
    else:
        merged, skipped = _("line {line}: merged {name} into #{id}: {reason}"), _(
            "line {line}: skipped {name}: {reason}")
    rows = [(o.line, merged.format(line=o.line, name=o.name, id=o.contact_id, reason=o.reason))
            for o in result.merged]
    rows += [(o.line, skipped.format(line=o.line, name=o.name, reason=o.reason)) for o in result.skipped]
    rows += [(o.line, _("line {line}: failed {name}: {reason}").format(line=o.line, name=o.name or _("(no name)"),
                                                                       reason=o.reason)) for o in result.failed]
    lines = [text for _line, text in sorted(rows, key=lambda row: row[0])]
    persons = [0] * len(result.new_organizations)
    for link in result.links:
        if link.new_organization is not None:
            persons[link.new_organization] += 1
    lines += [ngettext("new organization {name}, named by {count} person of the file",
                       "new organization {name}, named by {count} persons of the file", count).format(
        name=organization.name, count=count) for organization, count in zip(result.new_organizations, persons,
                                                                          strict=True)]
    return lines
