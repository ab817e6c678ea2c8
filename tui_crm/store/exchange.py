"""Export contacts to a vCard or CSV file, and import them from one.

An export is written to a temporary file and renamed into place, so a failed export never
leaves half a file. An import reads and checks every record first (validation, then the
duplicate rules against the database and against the records before it in the file) and then
writes all the accepted ones in ONE batch with their history entries: all or nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_crm.domain import csv_exchange, vcard
from tui_crm.domain.contact import Contact
from tui_crm.domain.duplicates import contact_keys, matches_among, reason_label
from tui_crm.domain.validation import validate_contact
from tui_crm.i18n import _

from . import history as h
from .contacts import TABLE, ContactRepository
from .duplicate_index import DuplicateIndex
from .errors import StoreError
from .files import fsync_dir
from .history import CONTACT_ENTITY
from .timestamps import utc_now

FORMATS = ("vcf", "csv")
#: what to do with a record that is a likely duplicate
SKIP_DUPLICATES, ADD_DUPLICATES = "skip", "add"

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
class ImportResult:
    imported: list[RecordOutcome] = field(default_factory=list)
    skipped: list[RecordOutcome] = field(default_factory=list)
    failed: list[RecordOutcome] = field(default_factory=list)
    dry_run: bool = False
    #: the contacts that will be / were written, in file order
    contacts: list[Contact] = field(default_factory=list)


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
    """The file's text: UTF-8 (with or without a BOM), else cp1250 (old Polish exports)."""
    data = Path(path).expanduser().read_bytes()
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# -- export ----------------------------------------------------------------------------------


def export_contacts(contacts: ContactRepository, ids: Iterable[int], path: str | os.PathLike[str], fmt: str, *,
                    vcard_version: str = "3.0", progress: Progress | None = None) -> int:
    """Write the live contacts among ``ids`` to ``path``; returns how many were written."""
    if fmt not in FORMATS:
        raise StoreError(_("Unknown format {format}: use vcf or csv.").format(format=fmt))
    if vcard_version not in vcard.VERSIONS:
        raise StoreError(_("Unknown vCard version {version}: use 3.0 or 4.0.").format(version=vcard_version))
    items = [(i, doc) for i in ids if (doc := contacts.doc(i)) is not None and not doc.get("deleted_at")]
    total = len(items)
    target = Path(path).expanduser()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    step = max(total // 100, 1)
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            if fmt == "vcf":
                for n, card in enumerate(vcard.contacts_to_vcards(items, vcard_version), 1):
                    out.write(card)
                    if progress and n % step == 0:
                        progress(n, total)
            else:
                address_count = max((len(doc.get("addresses", [])) for _i, doc in items), default=1) or 1
                for n in csv_exchange.write_csv((doc for _i, doc in items), out, address_count):
                    if progress and n % step == 0:
                        progress(n, total)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    if progress:
        progress(total, total)
    return total


# -- import ----------------------------------------------------------------------------------


def parse_records(text: str, fmt: str, mapping: Mapping[str, str] | None = None) -> list[tuple[int, Contact | None, str]]:
    """(line, contact or None, error) for every record of the file."""
    if fmt == "vcf":
        return [(r.line, r.contact, r.error) for r in vcard.parse_vcards(text)]
    if fmt == "csv":
        return [(r.line, r.contact, r.error) for r in csv_exchange.parse_csv(text, mapping)]
    raise StoreError(_("Unknown format {format}: use vcf or csv.").format(format=fmt))


def plan_import(contacts: ContactRepository, records: list[tuple[int, Contact | None, str]], *,
                duplicates: DuplicateIndex | None = None, on_duplicate: str = SKIP_DUPLICATES,
                progress: Progress | None = None) -> ImportResult:
    """What an import would do: nothing is written."""
    index = duplicates or DuplicateIndex(contacts)
    result = ImportResult()
    in_file: dict[int, Any] = {}  # position among the accepted -> keys (duplicates inside the file)
    blocks: dict[str, list[int]] = {}
    total = len(records)
    step = max(total // 100, 1)
    for n, (line, parsed, error) in enumerate(records, 1):
        if progress and n % step == 0:
            progress(n, total)
        if parsed is None:
            result.failed.append(RecordOutcome(line, "", error))
            continue
        checked = validate_contact(parsed)
        name = csv_exchange.describe(checked.contact)
        if not checked.ok:
            reason = "; ".join(f"{e.field}: {e.message}" for e in checked.errors)
            result.failed.append(RecordOutcome(line, name, reason))
            continue
        contact = checked.contact
        if on_duplicate == SKIP_DUPLICATES:
            matches = index.for_contact(contact)
            keys = contact_keys(contact)
            candidates = {i: in_file[i] for key in keys.all() for i in blocks.get(key, ())}
            earlier = matches_among(keys, candidates)
            if matches or earlier:
                found = matches[0] if matches else earlier[0]
                reasons = ", ".join(reason_label(r) for r in found.reasons)
                if matches:
                    shown = contacts.doc(found.contact_id)
                    other = csv_exchange.describe(Contact.from_doc(shown)) if shown else f"#{found.contact_id}"
                    reason = _("Likely duplicate of {name} (#{id}): {reasons}.").format(
                        name=other, id=found.contact_id, reasons=reasons)
                else:
                    reason = _("Likely duplicate of {name}, earlier in the file: {reasons}.").format(
                        name=csv_exchange.describe(result.contacts[found.contact_id]), reasons=reasons)
                result.skipped.append(RecordOutcome(line, name, reason, tuple(m.contact_id for m in matches) or (0,)))
                continue
            position = len(result.contacts)
            in_file[position] = keys
            for key in keys.all():
                blocks.setdefault(key, []).append(position)
        result.contacts.append(contact)
        result.imported.append(RecordOutcome(line, name))
    if progress:
        progress(total, total)
    return result


def import_file(contacts: ContactRepository, path: str | os.PathLike[str], *, author: str, dry_run: bool = False,
                mapping: Mapping[str, str] | None = None, fmt: str | None = None,
                duplicates: DuplicateIndex | None = None, on_duplicate: str = SKIP_DUPLICATES,
                progress: Progress | None = None) -> ImportResult:
    text = read_text(path)
    records = parse_records(text, fmt or detect_format(path, text), mapping)
    result = plan_import(contacts, records, duplicates=duplicates, on_duplicate=on_duplicate, progress=progress)
    result.dry_run = dry_run
    if not dry_run:
        write_import(contacts, result, author=author)
    return result


def write_import(contacts: ContactRepository, result: ImportResult, *, author: str) -> None:
    """Write the planned contacts in one batch, each with its "created" history entry."""
    if not result.contacts:
        return
    now = utc_now()
    ids = []
    with contacts.database.write() as batch:
        for contact in result.contacts:
            contact.id = batch.new_id(TABLE)
            contact.version = 1
            contact.created_at, contact.created_by = now, author
            contact.updated_at, contact.updated_by = now, author
            for note in contact.notes:
                note.author, note.at = note.author or author, note.at or now
            batch.put(TABLE, contact.id, contact.to_doc())
            contacts.history.record(batch, CONTACT_ENTITY, contact.id, author=author, action=h.CREATED)
            ids.append(contact.id)
    result.imported = [RecordOutcome(o.line, o.name, contact_id=i) for o, i in zip(result.imported, ids, strict=True)]


def summary(result: ImportResult) -> str:
    template = (_("Would import {imported}, skip {skipped}, {failed} failed (dry run: nothing was written).")
                if result.dry_run else _("Imported {imported}, skipped {skipped}, {failed} failed."))
    return template.format(imported=len(result.imported), skipped=len(result.skipped), failed=len(result.failed))


def report_lines(result: ImportResult) -> list[str]:
    """One line per skipped or failed record, in file order: where it is and why."""
    rows = [(o.line, _("line {line}: skipped {name}: {reason}").format(line=o.line, name=o.name, reason=o.reason))
            for o in result.skipped]
    rows += [(o.line, _("line {line}: failed {name}: {reason}").format(line=o.line, name=o.name or "-",
                                                                       reason=o.reason)) for o in result.failed]
    return [text for _line, text in sorted(rows, key=lambda row: row[0])]
