"""vCard (3.0 and 4.0) <-> Contact: writing is plain string work (fast: 100,000 cards in a
second or two). Reading is one card at a time, so a malformed card is reported with its line
and the others still read: the simple, well-formed cards we and most programs write are read
by plain string code (``read_simple_card``, about ten times faster than vobject); any card it is
not sure of (vCard 2.1, QUOTED-PRINTABLE, base64, groups, quoted parameters …) goes through
vobject.

What vCard has no property for (NIP, consents, phone flags, note authors …) travels in one
``X-TUI-CRM`` property holding JSON; other programs ignore it, and a file from another program
simply has none.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from tui_crm.domain.contact import (
    Address,
    Contact,
    ContactKind,
    Email,
    Note,
    Phone,
    compact_doc,
    display_name,
)
from tui_crm.domain.contact_persons import NO_AFFILIATION, Affiliation
from tui_crm.domain.text import DAMAGED
from tui_crm.i18n import _

VERSIONS = ("3.0", "4.0")
EXTRA = "X-TUI-CRM"

#: vCard TEL types <-> our standard phone types
_TYPE_OF_VCARD = {"cell": "mobile", "mobile": "mobile", "work": "work", "home": "home"}
_VCARD_OF_TYPE = {"mobile": "CELL", "work": "WORK", "home": "HOME"}
#: TYPE values that say nothing about which phone it is
_NEUTRAL_TYPES = {"voice", "pref", "internet", "x400", "msg", "text", "other", "main"}


@dataclass(frozen=True, slots=True)
class ParsedCard:
    """One card read from a file: the contact, or why it could not be read."""

    line: int  # where the card starts (1-based)
    contact: Contact | None
    error: str = ""
    affiliation: Affiliation = NO_AFFILIATION  # a person's organization and role
    uid: str = ""  # the card's UID: a person's card may name its organization's by it
    name: str = ""  # of a card that could not be read, as far as its text says


# -- writing ---------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")
            .replace(",", "\\,").replace(";", "\\;"))


def _param(value: str) -> str:
    value = value.replace('"', "'").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ';:,') else value


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (RFC 6350 3.2), never inside a UTF-8 sequence."""
    if len(line) <= 75 and line.isascii() or len(line.encode()) <= 75:
        return line
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def contact_to_vcard(doc: dict[str, Any] | Contact, version: str = "3.0", uid: str = "",
                     affiliation: Affiliation = NO_AFFILIATION) -> str:
    """One card (CRLF line ends), from a stored document or a Contact; a person's organization
    and role (``affiliation``) go to ORG and ROLE."""
    if isinstance(doc, Contact):
        doc = doc.to_doc()
    v4 = version == "4.0"
    organization = doc.get("kind") == ContactKind.ORGANIZATION
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid or uuid.uuid4()}"]
    name = display_name(doc)
    lines.append("FN:" + escape_text(name))
    if organization:
        lines.append("N:" + escape_text(name) + ";;;;")
        lines.append("ORG:" + escape_text(name))
        lines.append("KIND:org" if v4 else "X-ADDRESSBOOKSERVER-KIND:org")
    else:
        lines.append(f"N:{escape_text(doc.get('last_name', ''))};{escape_text(doc.get('first_name', ''))};;;")
        if doc.get("position"):
            lines.append("TITLE:" + escape_text(doc["position"]))
        if affiliation.organization:
            lines.append("ORG:" + escape_text(affiliation.organization))
        if affiliation.role:
            lines.append("ROLE:" + escape_text(affiliation.role))
    extra: dict[str, Any] = {key: doc.get(key) for key in (
        "nip", "regon", "supplier", "account_manager", "source", "consents", "discount")}
    phones = doc.get("phones", [])
    for phone in phones:
        kind = _VCARD_OF_TYPE.get(phone.get("type", "mobile")) or _param(phone.get("type", ""))
        if v4:
            lines.append(f"TEL;VALUE=uri;TYPE={kind.lower()}:tel:{phone['number']}")
        else:
            lines.append(f"TEL;TYPE={kind}:{phone['number']}")
    extra["phones"] = [{k: p.get(k) for k in ("note", "whatsapp", "viber", "sms")} for p in phones]
    emails = doc.get("emails", [])
    for email in emails:
        lines.append(("EMAIL:" if v4 else "EMAIL;TYPE=INTERNET:") + escape_text(email["address"]))
    extra["emails"] = [bool(e.get("consent")) for e in emails]
    for address in doc.get("addresses", []):
        parts = ("", "", address.get("street", ""), address.get("city", ""), "", address.get("postal_code", ""),
                 address.get("country", ""))
        lines.append("ADR:" + ";".join(escape_text(p) for p in parts))
    notes = doc.get("notes", [])
    for note in notes:
        lines.append("NOTE:" + escape_text(note.get("text", "")))
    extra["notes"] = [{"author": n.get("author", ""), "at": n.get("at", "")} for n in notes]
    if doc.get("tags"):
        lines.append("CATEGORIES:" + ",".join(escape_text(t) for t in doc["tags"]))
    extra = compact_doc(extra)
    extra["kind"] = str(doc.get("kind", ContactKind.PERSON))
    if affiliation.organization_uid:
        extra["organization_uid"] = affiliation.organization_uid
    if affiliation.flags is not None:
        extra["link"] = dict(affiliation.flags)
    lines.append(f"{EXTRA}:" + escape_text(json.dumps(extra, ensure_ascii=False, separators=(",", ":"))))
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def contacts_to_vcards(items: Iterable[tuple[int, dict[str, Any]]], version: str = "3.0",
                       affiliations: Mapping[int, Affiliation] | None = None) -> Iterator[str]:
    for contact_id, doc in items:
        affiliation = affiliations.get(contact_id, NO_AFFILIATION) if affiliations else NO_AFFILIATION
        yield contact_to_vcard(doc, version, uid=card_uid(contact_id), affiliation=affiliation)


def card_uid(contact_id: int) -> str:
    """The UID of a contact's card in our exports."""
    return f"tui-crm-{contact_id}"


# -- reading ---------------------------------------------------------------------------------

_BEGIN = re.compile(r"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)


_BEGIN_INSIDE = re.compile(r"BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)


def split_cards(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """(first line, card text or None, error, name) for each card; text outside cards is an
    error; a card cut short is named (FN) when its text says."""
    start = 0
    card: list[str] | None = None
    stray = 0
    # Lines end at "\n" ("\r\n"): str.splitlines would also break at U+2028 and other
    # separators a note may hold, and cut its card in two.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        begins = _BEGIN.match(line)
        # junk, then a card on one line (a damaged file); the regex only for lines ending in VCARD
        if not begins and line.rstrip()[-5:].upper() == "VCARD" and (inside := _BEGIN_INSIDE.search(line)):
            if line[:inside.start()].strip() and card is None and not stray:
                yield number, None, _("Text outside a card (BEGIN:VCARD missing)."), ""
            line, begins = line[inside.start():], inside
        if card is None:
            if begins:
                start, card = number, [line]
            elif line.strip() and not stray:
                stray = number
                yield number, None, _("Text outside a card (BEGIN:VCARD missing)."), ""
            continue
        if begins:  # the previous card never ended
            yield start, None, _("The card has no END:VCARD."), card_name(card)
            start, card = number, [line]
            continue
        card.append(line)
        if _END.match(line):
            yield start, "\r\n".join(card) + "\r\n", "", ""
            card, stray = None, 0
    if card is not None:
        yield start, None, _("The card has no END:VCARD."), card_name(card)


def card_name(lines: list[str]) -> str:
    """The name a card's text gives (FN, else N), to report a card that could not be read."""
    for prefix in ("FN", "N"):
        for line in lines:
            head, colon, value = line.partition(":")
            if colon and head.split(";", 1)[0].strip().upper() == prefix:
                parts = [part.strip() for part in value.split(";")[:2] if part.strip()]
                return " ".join(reversed(parts) if prefix == "N" else parts[:1])[:60]
    return ""


def parse_vcards(text: str, default_region: str = "PL") -> Iterator[ParsedCard]:
    for line, card_text, error, name in split_cards(text):
        if card_text is None:
            yield ParsedCard(line, None, error, name=name)
            continue
        if DAMAGED in card_text:
            yield ParsedCard(line, None, _("The card holds bytes that are not UTF-8 text (a damaged file?)."),
                             name=card_name(card_text.split("\r\n")))
            continue
        simple = _simple_contact(card_text)
        if simple is not None:
            yield ParsedCard(line, *simple)
            continue
        import vobject  # only when needed: its import takes a while

        if _VERSION_21.search(card_text):
            card_text = commas_escaped_21(card_text)
        try:
            component = vobject.readOne(card_text, allowQP=True)
            contact = component_to_contact(component)
            affiliation = card_affiliation(component, contact)
        except Exception as exc:  # noqa: BLE001 - vobject raises many kinds; each card stands alone
            at = line + _bad_line_offset(card_text)
            yield ParsedCard(at, None, _("Not a readable vCard: {reason}").format(reason=_short(exc)),
                             name=card_name(card_text.split("\r\n")))
            continue
        yield ParsedCard(line, contact, "", affiliation, _uid(component))


_VERSION_21 = re.compile(r"^VERSION:\s*2\.1\s*$", re.IGNORECASE | re.MULTILINE)
#: text properties in which vCard 2.1 writes a comma as it is (3.0 escapes it, and vobject
#: splits 3.0 text at unescaped commas: "raz, dwa" would be read as "raz")
_PLAIN_COMMAS_21 = frozenset({"NOTE", "TITLE", "ROLE", "FN", "N", "ADR", "ORG", "LABEL"})
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def commas_escaped_21(card_text: str) -> str:
    """A vCard 2.1 card with the commas of its text values escaped, so vobject keeps them.
    A quoted-printable value goes on over lines ending in "=" (its "=2C" is a comma too)."""
    lines = card_text.split("\r\n")
    escaping = continued = False
    for i, line in enumerate(lines):
        if continued or (line[:1] in (" ", "\t") and escaping):
            if escaping:
                lines[i] = _escape_commas(line)
        else:
            head, colon, value = line.partition(":")
            name = head.split(";", 1)[0].rpartition(".")[2].strip().upper()
            escaping = bool(colon) and name in _PLAIN_COMMAS_21
            if escaping:
                lines[i] = head + colon + _escape_commas(value)
        quoted_printable = "QUOTED-PRINTABLE" in line.upper() or continued
        continued = quoted_printable and line.endswith("=")
    return "\r\n".join(lines)


def _escape_commas(value: str) -> str:
    return _UNESCAPED_COMMA.sub(r"\\,", value.replace("=2C", "\\,").replace("=2c", "\\,"))


def _simple_contact(card_text: str) -> tuple[Contact, str, Affiliation, str] | None:
    """The card read without vobject, or None when vobject must read it."""
    simple = read_simple_card(card_text)
    if simple is None:
        return None
    try:
        contact = component_to_contact(simple)
        return contact, "", card_affiliation(simple, contact), _uid(simple)
    except Exception:  # noqa: BLE001 - then vobject reads it, and words any error
        return None


def _uid(card: Any) -> str:
    return next((_text(p.value) for p in _values(card, "uid")), "")


def card_affiliation(card: Any, contact: Contact) -> Affiliation:
    """A person card's organization (the first part of ORG, and its card's UID when our
    export wrote it) and role (ROLE)."""
    if contact.kind != ContactKind.PERSON:
        return NO_AFFILIATION
    organization = ""
    for prop in _values(card, "org"):
        parts = prop.value if isinstance(prop.value, list) else [prop.value]
        organization = _text(parts[0] if parts else "")
    if not organization:
        return NO_AFFILIATION
    role = next((_text(p.value) for p in _values(card, "role")), "")
    uid, flags = "", None
    for prop in _values(card, EXTRA.lower()):
        extra = _json_of(prop)
        if isinstance(extra, dict):
            uid = extra["organization_uid"] if isinstance(extra.get("organization_uid"), str) else uid
            flags = extra["link"] if isinstance(extra.get("link"), dict) else flags
    return Affiliation(organization, role, uid, flags)


def _bad_line_offset(card_text: str) -> int:
    """Offset of the first line that is no "NAME:value" line (vobject's own count is unreliable)."""
    for offset, text in enumerate(card_text.split("\r\n")):
        if text and not text[0] in " \t" and ":" not in text:
            return offset
    return 0


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__


def _values(component: Any, name: str) -> list[Any]:
    """The card's properties called ``name`` (its own list: read it, do not change it)."""
    return component.contents.get(name) or []


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value or "").strip()


def _types(prop: Any) -> list[str]:
    found: list[str] = []
    for key, values in prop.params.items():
        if key.upper() == "TYPE":
            for value in values:
                found.extend(v.strip().lower() for v in value.split(",") if v.strip())
    found.extend(value.lower() for value in getattr(prop, "singletonparams", []))  # vCard 2.1: TEL;CELL:…
    return found


def _phone_type(prop: Any) -> str:
    types = _types(prop)
    for wanted in ("cell", "mobile", "work", "home"):
        if wanted in types:
            return _TYPE_OF_VCARD[wanted]
    others = [t for t in types if t not in _NEUTRAL_TYPES and not t.startswith("x-") and t != "uri"]
    return others[0] if others else "mobile"


def _country(value: str) -> str:
    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    if not value:
        return ""
    from babel import Locale

    folded = value.casefold()
    for language in ("en", "pl", "de"):
        for code, name in Locale.parse(language).territories.items():
            if name.casefold() == folded and len(code) == 2:
                return code
    return value


_UNREAD = object()


def _json_of(prop: Any) -> Any:
    """The X-TUI-CRM property's JSON (None when it is not JSON), read once for both readers of it."""
    parsed = getattr(prop, "parsed_json", _UNREAD)
    if parsed is _UNREAD:
        try:
            parsed = orjson.loads(prop.value)
        except (ValueError, TypeError):
            parsed = None
        prop.parsed_json = parsed
    return parsed


def component_to_contact(card: Any) -> Contact:
    extra: dict[str, Any] = {}
    for prop in _values(card, EXTRA.lower()):
        parsed = _json_of(prop)
        extra = {} if parsed is None else parsed
    organization_name = ""
    for prop in _values(card, "org"):
        value = prop.value
        parts = value if isinstance(value, list) else [value]
        organization_name = _text(parts[0] if parts else "")
    kinds = [_text(p.value).lower() for p in _values(card, "kind") + _values(card, "x-addressbookserver-kind")]
    contact = Contact()
    family = given = ""
    for prop in _values(card, "n"):
        family, given = _text(prop.value.family), _text(prop.value.given)
    full_name = next((_text(p.value) for p in _values(card, "fn")), "")
    if extra.get("kind") == "organization" or "org" in kinds or "organization" in kinds or (
            organization_name and not given and (not family or family == organization_name)):
        contact.kind = ContactKind.ORGANIZATION
        contact.name = organization_name or full_name or family
    else:
        contact.first_name, contact.last_name = given, family
        if not (given or family) and full_name:
            contact.first_name, _sep, contact.last_name = full_name.rpartition(" ")
            if not contact.first_name:
                contact.first_name, contact.last_name = contact.last_name, ""
        # ROLE is the role in the organization (ORG); without one it is all the card says
        roles = _values(card, "role") if not organization_name else []
        contact.position = next((_text(p.value) for p in _values(card, "title") + roles), "")
    phone_extras = extra.get("phones", [])
    for i, prop in enumerate(_values(card, "tel")):
        number = _text(prop.value)
        if number.lower().startswith("tel:"):
            number = number[4:]
        number, _sep, extension = number.partition(";ext=")  # a tel: URI's extension (vCard 4.0)
        more = phone_extras[i] if i < len(phone_extras) else {}
        note = more.get("note", "") or (_("ext. {extension}").format(extension=extension) if extension else "")
        contact.phones.append(Phone(number, _phone_type(prop), note,
                                    bool(more.get("whatsapp")), bool(more.get("viber")), bool(more.get("sms"))))
    consents = extra.get("emails", [])
    for i, prop in enumerate(_values(card, "email")):
        contact.emails.append(Email(_text(prop.value), bool(consents[i]) if i < len(consents) else False))
    for prop in _values(card, "adr"):
        adr = prop.value
        street = ", ".join(p for p in (_text(adr.box), _text(adr.extended), _text(adr.street)) if p)
        contact.addresses.append(Address(street, _text(adr.code), _text(adr.city), _country(_text(adr.country))))
    note_extras = extra.get("notes", [])
    for i, prop in enumerate(_values(card, "note")):
        more = note_extras[i] if i < len(note_extras) else {}
        text = str(prop.value or "").strip()
        if text:
            contact.notes.append(Note(text, more.get("author", "") or "", more.get("at", "") or ""))
    for prop in _values(card, "categories"):
        value = prop.value
        contact.tags.extend(_text(v) for v in (value if isinstance(value, list) else [value]))
    for key in ("nip", "regon", "account_manager", "source"):
        if isinstance(extra.get(key), str):
            setattr(contact, key, extra[key])
    contact.supplier = bool(extra.get("supplier"))
    if isinstance(extra.get("consents"), dict):
        contact.consents = dict(extra["consents"])
    if isinstance(extra.get("discount"), int | float):
        contact.discount = float(extra["discount"])
    return contact


# -- the fast path: simple cards without vobject -------------------------------------------------


class _Property:
    """What ``component_to_contact`` reads of a vobject property."""

    __slots__ = ("params", "parsed_json", "value")
    singletonparams = ()

    def __init__(self, value: Any, params: dict[str, list[str]]) -> None:
        self.value, self.params = value, params


class _Card:
    __slots__ = ("contents",)

    def __init__(self, contents: dict[str, list[_Property]]) -> None:
        self.contents = contents


class _Fields:
    """A structured value (N, ADR) read by attribute, as vobject's Name and Address."""

    def __init__(self, names: tuple[str, ...], values: list[Any]) -> None:
        for name, value in zip(names, values + [""] * (len(names) - len(values)), strict=False):
            setattr(self, name, value)


_NAME_FIELDS = ("family", "given", "additional", "prefix", "suffix")
_ADDRESS_FIELDS = ("box", "extended", "street", "city", "region", "code", "country")
#: the escapes vobject reads in text (any other backslash stays as it is)
_TEXT_ESCAPES = '\\;,Nn"'
_SIMPLE_VERSIONS = {"3.0", "4.0"}
_ODD_PARAMS = {"ENCODING", "CHARSET"}


def _text_values(value: str, separator: str = ",", escapes: str = _TEXT_ESCAPES) -> list[str] | None:
    """vobject's ``stringToTextValues``: split at each unescaped ``separator``, escapes read,
    an empty last part dropped; None for a trailing backslash (vobject reads that oddly)."""
    if "\\" not in value:
        parts = value.split(separator)
    else:
        if (len(value) - len(value.rstrip("\\"))) % 2:
            return None
        parts = []
        pending = ""  # raw text before an escaped separator
        for piece in value.split(separator):
            if (len(piece) - len(piece.rstrip("\\"))) % 2:  # the separator after it is escaped
                pending += piece + separator
                continue
            parts.append(_unescape(pending + piece, escapes))
            pending = ""
    if len(parts) > 1 and not parts[-1]:
        parts.pop()
    return parts


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape(raw: str, escapes: str) -> str:
    if "\\" not in raw:
        return raw

    def read(match: re.Match[str]) -> str:
        escaped = match[1]
        if escaped not in escapes:
            return match[0]
        return "\n" if escaped in "nN" else escaped

    return _ESCAPE.sub(read, raw)


def _fields(value: str) -> list[Any] | None:
    """vobject's ``splitFields`` (N, ADR, ORG): parts at ";", each a text or, with commas, a list."""
    parts = _text_values(value, ";", ";")
    if parts is None:
        return None
    result: list[Any] = []
    for part in parts:
        texts = _text_values(part)
        if texts is None:
            return None
        result.append(texts[0] if len(texts) == 1 else texts)
    return result


_NOT_SIMPLE: Any = ()
#: a property's head ("TEL;TYPE=CELL") -> (name, parameters), or _NOT_SIMPLE: a file repeats a
#: handful of heads, so each is read once (the parameters are shared, and only ever read)
_HEADS: dict[str, Any] = {}
_HEADS_KEPT = 10_000


def _read_head(head: str) -> Any:
    if '"' in head or "." in head:
        return _NOT_SIMPLE
    name, *param_texts = head.split(";")
    name = name.lower()
    # (a QUOTED-PRINTABLE value is refused: ENCODING=… is an odd parameter, a bare one has no "=")
    if not name.replace("-", "").isalnum() or name in ("begin", "end"):
        return _NOT_SIMPLE
    params: dict[str, list[str]] = {}
    for text in param_texts:
        key, equals, values = text.partition("=")
        key = key.upper()
        split = values.split(",")
        if not equals or not key.replace("-", "").isalnum() or key in _ODD_PARAMS or "" in split:
            return _NOT_SIMPLE
        params.setdefault(key, []).extend(split)
    return name, params


def read_simple_card(card_text: str) -> _Card | None:
    """A card read by plain string code, or None when it is not one we are sure to read as
    vobject does (then vobject reads it)."""
    if card_text[:1] in (" ", "\t") or "\r\n\r\n" in card_text.rstrip("\r\n"):
        return None  # a continuation with nothing to continue, or an empty line
    if "\r\n " in card_text or "\r\n\t" in card_text:
        card_text = card_text.replace("\r\n ", "").replace("\r\n\t", "")
    unfolded = card_text.split("\r\n")
    if unfolded and unfolded[-1] == "":
        unfolded.pop()
    if len(unfolded) < 2 or unfolded[0].upper() != "BEGIN:VCARD" or unfolded[-1].upper() != "END:VCARD":
        return None
    contents: dict[str, list[_Property]] = {}
    version = ""
    for line in unfolded[1:-1]:
        head, colon, raw = line.partition(":")
        if not colon:
            return None
        known = _HEADS.get(head)
        if known is None:
            known = _read_head(head)
            if len(_HEADS) < _HEADS_KEPT:
                _HEADS[head] = known
        if known is _NOT_SIMPLE:
            return None
        name, params = known
        if name == "version":
            version = raw.strip()
        if name in ("n", "adr", "org"):
            value: Any = _fields(raw)
            if value is not None and name != "org":
                value = _Fields(_NAME_FIELDS if name == "n" else _ADDRESS_FIELDS, value)
        elif name == "categories":
            value = _text_values(raw)
        elif "\\" not in raw and "," not in raw:  # most values: nothing to read
            value = raw
        elif raw.count("\\") == raw.count("\\,") == raw.count(","):  # only escaped commas (our JSON)
            value = raw.replace("\\,", ",")
        else:
            texts = _text_values(raw)
            value = None if texts is None else texts[0]
        if value is None:
            return None
        contents.setdefault(name, []).append(_Property(value, params))
    if version not in _SIMPLE_VERSIONS:
        return None
    return _Card(contents)
