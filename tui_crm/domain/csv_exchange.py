"""CSV <-> Contact: one contact a row, a header row naming the columns.

Our own columns (``COLUMNS``) carry lists in one cell: phones as ``"mobile: +48601234567;
work: +48221234567"``, e-mails and tags separated by ``"; "``, notes by a line ``"--"``. A file
from another program is read through a mapping: its header -> one of ``FIELDS`` (or ignored);
``guess_mapping`` proposes one from the usual header names.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tui_crm.domain.contact import (
    Address,
    Contact,
    ContactKind,
    Email,
    Note,
    Phone,
)
from tui_crm.domain.contact_persons import NO_AFFILIATION, Affiliation
from tui_crm.domain.text import DAMAGED
from tui_crm.i18n import _

LIST_SEPARATOR = "; "

NOTE_SEPARATOR = "\n--\n"
CONSENT_COLUMNS = ("consent_email", "consent_sms", "consent_phone")
ADDRESS_PARTS = ("street", "postal_code", "city", "country")
COLUMNS = ("kind", "first_name", "last_name", "position", "organization", "role", "name", "nip", "regon", "supplier", "phones", "emails",
           *ADDRESS_PARTS, "tags", "notes", "account_manager", "source", "discount", *CONSENT_COLUMNS)
#: what a column of any file can be mapped to ("" = ignored)
FIELDS = (*COLUMNS, "full_name", "phone_mobile", "phone_work", "phone_home", "email",
          *(f"{part}_2" for part in ADDRESS_PARTS))
IGNORE = ""
_PHONE_COLUMNS = (("mobile", "phone_mobile"), ("work", "phone_work"), ("home", "phone_home"))
_NUMBERED_ADDRESS = re.compile(r"(street|postal_code|city|country)_([2-9]|[1-9][0-9])")

_ALIASES = {
    "first name": "first_name", "given name": "first_name", "imię": "first_name", "imie": "first_name",
    "last name": "last_name", "family name": "last_name", "surname": "last_name", "nazwisko": "last_name",
    "name": "full_name", "full name": "full_name", "display name": "full_name",
    # a row with a person's names is a person working there; a row without, the organization
    "company": "organization", "organisation": "organization", "organization name": "organization",
    "organization 1 - name": "organization", "firma": "organization", "nazwa": "name",
    "role": "role", "rola": "role", "funkcja": "role",
    "job title": "position", "title": "position", "organization 1 - title": "position", "stanowisko": "position",
    "e-mail": "email", "email": "email", "e-mail address": "email", "email address": "email",
    "primary email": "email", "e-mail 1 - value": "email", "mail": "email",
    "phone": "phone_mobile", "mobile": "phone_mobile", "mobile phone": "phone_mobile", "cell phone": "phone_mobile",
    "telefon": "phone_mobile", "phone 1 - value": "phone_mobile", "business phone": "phone_work",
    "work phone": "phone_work", "home phone": "phone_home", "notes": "notes", "note": "notes",
    "categories": "tags", "labels": "tags", "group membership": "tags", "city": "city", "miasto": "city",
    "zip": "postal_code", "postal code": "postal_code", "kod pocztowy": "postal_code", "country": "country",
    "street": "street", "ulica": "street", "business street": "street", "business city": "city",
    "business postal code": "postal_code", "business country/region": "country", "nip": "nip", "vat id": "nip",
    # Outlook in Polish
    "telefon służbowy": "phone_work", "telefon komórkowy": "phone_mobile", "telefon domowy": "phone_home",
    "telefon służbowy 2": "phone_work", "telefon domowy 2": "phone_home", "inny telefon": "phone_mobile",
    "adres e-mail": "email", "adres e-mail 2": "email", "adres e-mail 3": "email", "notatki": "notes",
    "kategorie": "tags", "ulica (służbowy)": "street", "miasto (służbowy)": "city",
    "kod pocztowy (służbowy)": "postal_code", "kraj/region (służbowy)": "country",
    # Google Contacts (both layouts; numbered columns are read by _GOOGLE_NUMBERED)
    "organization title": "position", "organization 1 - title": "position",
}
#: "Phone 2 - Value", "E-mail 1 - Value", "Address 1 - Street" of Google Contacts' CSV
_GOOGLE_NUMBERED = re.compile(r"(?P<what>phone|e-mail|address) (?P<n>[1-9][0-9]?) - "
                              r"(?P<part>value|street|city|postal code|country)")
_GOOGLE_PARTS = {"street": "street", "city": "city", "postal code": "postal_code", "country": "country"}
#: fields several columns may fill: their cells are joined, not the last one kept
_LIST_FIELDS = frozenset({"phones", "emails", "email", "tags", "phone_mobile", "phone_work", "phone_home"})
#: Google's label separator, and its system groups ("* myContacts", "* starred")
_GOOGLE_LABELS = " ::: "


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int  # line of the file where the row starts (the header is line 1)
    contact: Contact | None
    error: str = ""
    affiliation: Affiliation = NO_AFFILIATION  # a person's organization and role
    uid: str = ""  # (a vCard's; CSV rows have none)
    name: str = ""  # of a row that could not be read: its first cells


def is_field(name: str) -> bool:
    """Whether a column can be mapped to ``name``: one of ``FIELDS`` or a numbered address part."""
    return name in FIELDS or _NUMBERED_ADDRESS.fullmatch(name) is not None


def field_title(field: str) -> str:
    """What a column can be mapped to, as the mapping screen offers it."""
    numbered = _NUMBERED_ADDRESS.fullmatch(field)
    if numbered:
        return _("{part} (address {n})").format(part=field_title(numbered[1]), n=numbered[2])
    titles = {
        IGNORE: _("(ignored)"), "kind": _("Type (person/organization)"), "first_name": _("First name"),
        "last_name": _("Last name"), "full_name": _("Full name (first and last)"), "position": _("Position"),
        "organization": _("Organization (of a person)"), "role": _("Role in the organization"),
        "name": _("Organization name"), "nip": _("NIP"), "regon": _("REGON"), "supplier": _("Supplier (yes/no)"),
        "phones": _("Phones (type: number; …)"), "phone_mobile": _("Phone, mobile"), "phone_work": _("Phone, work"),
        "phone_home": _("Phone, home"), "emails": _("E-mails (separated by ;)"), "email": _("E-mail"),
        "street": _("Street"), "postal_code": _("Postal code"), "city": _("City"), "country": _("Country"),
        "tags": _("Tags (separated by ;)"), "notes": _("Notes"), "account_manager": _("Account manager"),
        "source": _("Source"), "discount": _("Discount (%)"), "consent_email": _("Consent date, e-mail"),
        "consent_sms": _("Consent date, SMS"), "consent_phone": _("Consent date, phone"),
    }
    return titles.get(field, field)


# -- writing ---------------------------------------------------------------------------------


def header(address_count: int = 1) -> list[str]:
    columns = list(COLUMNS)
    at = columns.index("country") + 1
    for n in range(2, address_count + 1):
        columns[at:at] = [f"{part}_{n}" for part in ADDRESS_PARTS]
        at += len(ADDRESS_PARTS)
    return columns


def contact_row(doc: dict[str, Any], address_count: int = 1, affiliation: Affiliation = NO_AFFILIATION) -> list[str]:
    person = doc.get("kind", "person") != ContactKind.ORGANIZATION
    consents = doc.get("consents", {})
    addresses = doc.get("addresses", [])
    row = [
        "person" if person else "organization", doc.get("first_name", ""), doc.get("last_name", ""),
        doc.get("position", ""), affiliation.organization, affiliation.role,
        doc.get("name", ""), doc.get("nip", ""), doc.get("regon", ""),
        "yes" if doc.get("supplier") else "",
        LIST_SEPARATOR.join(f"{p.get('type', 'mobile')}: {p['number']}" for p in doc.get("phones", [])),
        LIST_SEPARATOR.join(e["address"] for e in doc.get("emails", [])),
    ]
    for n in range(address_count):
        address = addresses[n] if n < len(addresses) else {}
        row.extend(address.get(part, "") for part in ADDRESS_PARTS)
    row += [
        LIST_SEPARATOR.join(doc.get("tags", [])), NOTE_SEPARATOR.join(n.get("text", "") for n in doc.get("notes", [])),
        doc.get("account_manager", ""), doc.get("source", ""),
        _number(doc.get("discount", 0)), *(consents.get(c.removeprefix("consent_")) or "" for c in CONSENT_COLUMNS),
    ]
    return row


def _number(value: float) -> str:
    return "" if not value else (str(int(value)) if float(value).is_integer() else str(value))


def write_csv(items: Iterable[tuple[int, dict[str, Any]]], out: io.TextIOBase, address_count: int = 1,
              affiliations: Mapping[int, Affiliation] | None = None) -> Iterator[int]:
    """Write the rows of (id, document) ``items``; yields after each one (for a progress bar)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(address_count))
    for n, (contact_id, doc) in enumerate(items, 1):
        affiliation = affiliations.get(contact_id, NO_AFFILIATION) if affiliations else NO_AFFILIATION
        writer.writerow(contact_row(doc, address_count, affiliation))
        yield n


# -- reading ---------------------------------------------------------------------------------


#: the separators files use: "," (ours, Google, Outlook), ";" (Excel in Polish), a tab
DELIMITERS = (",", ";", "\t")


def delimiter_of(text: str) -> str:
    """The separator of a file: the one its header line uses most (a comma when none)."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def read_header(text: str) -> list[str]:
    """The columns the first row names ([] when it cannot be read as CSV)."""
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter_of(text)), [])
    except csv.Error:
        return []


def guess_mapping(columns: list[str], remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """Header -> field, from what the user chose before, our own names, then the usual names."""
    mapping = {}
    for column in columns:
        key = column.strip()
        if remembered and key in remembered and (remembered[key] == IGNORE or is_field(remembered[key])):
            mapping[column] = remembered[key]
        elif is_field(key):
            mapping[column] = key
        else:
            mapping[column] = _ALIASES.get(key.casefold()) or _google_numbered(key.casefold())
    return mapping


def _google_numbered(key: str) -> str:
    found = _GOOGLE_NUMBERED.fullmatch(key)
    if found is None:
        return IGNORE
    what, n, part = found["what"], int(found["n"]), found["part"]
    if what == "phone":
        return "phone_mobile" if part == "value" else IGNORE
    if what == "e-mail":
        return "email" if part == "value" else IGNORE
    field = _GOOGLE_PARTS.get(part, IGNORE)
    return field if not field or n == 1 else f"{field}_{n}"


def parse_csv(text: str, mapping: Mapping[str, str] | None = None) -> Iterator[ParsedRow]:
    """Every row of the file as a contact or an error, by its line. A malformed row (a quote
    never closed, text after a closing quote) is reported and reading goes on with the next
    line, rather than swallowing the rest of the file into one cell."""
    delimiter = delimiter_of(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        columns = next(reader)
    except (StopIteration, csv.Error):
        return
    mapping = dict(mapping) if mapping is not None else guess_mapping(columns)
    targets = [mapping.get(column, IGNORE) for column in columns]
    mapped = [target for target in targets if target]
    joined = len(set(mapped)) < len(mapped)  # several columns to one field: rows are read cell by cell
    first_line = 1  # the file line the reader started at
    starts: list[int] | None = None  # where each line starts, worked out at the first bad row
    while True:
        line = first_line + reader.line_num  # where the next row starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            starts = starts or _line_starts(text)
            raw = text[starts[line]:starts[line + 1]] if line + 1 < len(starts) else text[starts[line]:]
            yield ParsedRow(line, None, _csv_problem(exc), name=_row_name(raw.split(delimiter)))
            first_line = line + 1
            if first_line >= len(starts):
                return
            reader = csv.reader(io.StringIO(text[starts[first_line]:]), delimiter=delimiter, strict=True)
            continue
        yield from _parsed(row, line, columns, targets, joined)


def _cells(targets: list[str], row: list[str]) -> dict[str, str]:
    """A row's cells by field, for a mapping that sends several columns to one field: a list
    field gets every non-empty cell (two phone columns, two e-mail columns), another the first."""
    cells: dict[str, str] = {}
    for target, cell in zip(targets, row, strict=False):
        if not target or not cell.strip():
            continue
        if target not in cells:
            cells[target] = cell
        elif target in _LIST_FIELDS:
            cells[target] += LIST_SEPARATOR + cell
    return cells


def _parsed(row: list[str], line: int, columns: list[str], targets: list[str],
            joined: bool = False) -> Iterator[ParsedRow]:
    if not any(cell.strip() for cell in row):
        return
    if any(DAMAGED in cell for cell in row):
        yield ParsedRow(line, None, _("The row holds bytes that are not UTF-8 text (a damaged file?)."),
                        name=_row_name([cell.replace(DAMAGED, "") for cell in row]))
    elif len(row) > len(columns):
        yield ParsedRow(line, None, _("The row has {n} cells, the header {m}.").format(n=len(row), m=len(columns)),
                        name=_row_name(row))
    else:
        try:
            cells = _cells(targets, row) if joined else dict(zip(targets, row, strict=False))
            contact = row_to_contact(cells)
            yield ParsedRow(line, contact, "", row_affiliation(cells, contact))
        except ValueError as exc:
            yield ParsedRow(line, None, str(exc), name=_row_name(row))


def _row_name(cells: list[str]) -> str:
    """A row that could not be read, named by its first two non-empty cells (names, usually)."""
    words = [" ".join(cell.replace('"', " ").split()) for cell in cells]
    return " ".join([word for word in words if word][:2])[:60]


def _csv_problem(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return _("A quote opened in this row is never closed; the row was left out.")
    if "expected after" in str(error):
        return _("A quote in this row does not end its cell (a quote inside a quoted cell is written twice); "
                 "the row was left out.")
    return _("Not a readable CSV row: {reason}").format(reason=error)


def _line_starts(text: str) -> list[int]:
    """``starts[n]``: the offset of line ``n`` (1-based; lines end at "\\n", as the reader reads them)."""
    starts = [0, 0]
    at = text.find("\n")
    while at != -1 and at + 1 < len(text):
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _split(cell: str) -> list[str]:
    """A list cell's items: ours are separated by ";", Google's by " ::: "."""
    if _GOOGLE_LABELS in cell:
        cell = cell.replace(_GOOGLE_LABELS, ";")
    return [part.strip() for part in cell.split(";") if part.strip()]


def row_to_contact(cells: Mapping[str, str]) -> Contact:
    # One pass over the row's cells (trimmed, the empty ones dropped): this runs per row of a
    # 100,000-row file, so each field below is one dict lookup.
    cells = {key: value.strip() for key, value in cells.items() if value and not value.isspace()}
    get = cells.get
    contact = Contact()
    kind = get("kind", "").casefold()
    if kind in ("organization", "organisation", "org", "company", "firma", "organizacja"):
        contact.kind = ContactKind.ORGANIZATION
    elif kind in ("", "person", "osoba"):
        if not ("first_name" in cells or "last_name" in cells or "full_name" in cells) and (
                "name" in cells or "organization" in cells):
            contact.kind = ContactKind.ORGANIZATION
    else:
        raise ValueError(_("Unknown kind {kind!r}: use person or organization.").format(kind=get("kind")))
    contact.first_name, contact.last_name = get("first_name", ""), get("last_name", "")
    contact.position = get("position", "")
    full_name = get("full_name")
    if full_name and not (contact.first_name or contact.last_name):
        first, _sep, last = full_name.rpartition(" ")
        contact.first_name, contact.last_name = (first, last) if first else (last, "")
    contact.nip, contact.regon = get("nip", ""), get("regon", "")
    if contact.kind == ContactKind.ORGANIZATION:
        contact.name = get("name") or get("organization", "")
    contact.supplier = get("supplier", "").casefold() in ("yes", "true", "1", "tak", "x")
    phones = contact.phones
    if "phones" in cells:
        for item in _split(cells["phones"]):
            kind_text, colon, number = item.rpartition(":")
            phones.append(Phone(number.strip(), kind_text.strip() if colon else "mobile"))
    for phone_type, column in _PHONE_COLUMNS:
        if column in cells:
            phones.extend(Phone(number, phone_type) for number in _split(cells[column]))
    if "emails" in cells or "email" in cells:
        contact.emails = [Email(address) for address in _split(get("emails", "")) + _split(get("email", ""))]
    numbered = sorted({int(key.rsplit("_", 1)[1]) for key in cells
                       if key[-1:].isdigit() and _NUMBERED_ADDRESS.fullmatch(key)})
    for suffix in ("", *(f"_{n}" for n in numbered)):
        address = Address(*(get(part + suffix, "") for part in ADDRESS_PARTS))
        if not address.is_empty():
            address.country = address.country.upper() if len(address.country) == 2 else address.country
            contact.addresses.append(address)
    if "tags" in cells:
        contact.tags = [tag for tag in _split(cells["tags"]) if not tag.startswith("* ")]
    if "notes" in cells:
        contact.notes = [Note(text.strip()) for text in cells["notes"].split(NOTE_SEPARATOR) if text.strip()]
    contact.account_manager, contact.source = get("account_manager", ""), get("source", "")
    discount = get("discount")
    if discount:
        try:
            contact.discount = float(discount.replace(",", "."))
        except ValueError:
            raise ValueError(_("The discount is not a number: {value}").format(value=discount)) from None
    contact.consents = {c.removeprefix("consent_"): cells[c] for c in CONSENT_COLUMNS if c in cells}
    return contact


def row_affiliation(cells: Mapping[str, str], contact: Contact) -> Affiliation:
    """A person row's organization ("organization", or "name" in files that put it there) and role."""
    if contact.kind != ContactKind.PERSON:
        return NO_AFFILIATION
    get = lambda key: " ".join((cells.get(key) or "").split())
    return Affiliation(get("organization") or get("name"), get("role"))


def describe(contact: Contact) -> str:
    """The name to report a record by (without ``to_doc``: it is slow, and runs per record)."""
    if contact.kind == ContactKind.ORGANIZATION:
        return contact.name or _("(no name)")
    return " ".join(p for p in (contact.first_name, contact.last_name) if p) or _("(no name)")
