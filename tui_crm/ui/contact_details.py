"""A contact as lines of styled text for the card (user text is never parsed as markup)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from tui_crm.domain.contact import CONSENT_CHANNELS, Contact, ContactKind
from tui_crm.domain.dictionaries import DEFAULTS, PHONE_TYPES, Entry, label_of
from tui_crm.domain.validation import field_label, format_phone  # noqa: F401 - field_label: for the screens
from tui_crm.i18n import _, format_date, format_datetime, format_percent

LABEL_WIDTH = 16
SUPPLIER_ICON = "🚚"


def phone_type_label(phone_type: str, phone_types: Sequence[Entry] = DEFAULTS[PHONE_TYPES]) -> str:
    """What people see for a stored phone type (an archived entry too; an unknown one as stored)."""
    return label_of(phone_types, phone_type)


def consent_label(channel: str) -> str:
    return {"email": _("e-mail"), "sms": _("SMS"), "phone": _("phone")}[channel]


def _field(label: str, value: str) -> Content:
    return Content.assemble((f"{label:<{LABEL_WIDTH}}", "bold"), value)


def _section(title: str) -> Content:
    return Content.styled(title, "bold underline")


def header_lines(contact: Contact) -> list[Content]:
    kind = _("Organization") if contact.kind == ContactKind.ORGANIZATION else _("Person")
    name = f"{SUPPLIER_ICON} {contact.display_name}" if contact.supplier else contact.display_name
    facts = [kind] + ([_("supplier")] if contact.supplier else [])
    if contact.tags:
        facts.append("#" + " #".join(contact.tags))
    return [Content.styled(name, "bold"), Content(" · ".join(facts))]


def detail_lines(contact: Contact, *, phone_types: Sequence[Entry] = DEFAULTS[PHONE_TYPES],
                 sources: Sequence[Entry] = ()) -> list[Content]:
    """``phone_types``/``sources``: the dictionaries, so renamed entries show their new labels."""
    lines: list[Content] = []
    if contact.kind == ContactKind.PERSON:
        lines.append(_field(_("First name"), contact.first_name))
        lines.append(_field(_("Last name"), contact.last_name))
        if contact.position:
            lines.append(_field(_("Position"), contact.position))
    else:
        lines.append(_field(_("Name"), contact.name))
        if contact.nip:
            lines.append(_field(_("NIP"), contact.nip))
        if contact.regon:
            lines.append(_field(_("REGON"), contact.regon))

    lines += ["", _section(_("Phones"))] if contact.phones else []
    for phone in contact.phones:
        channels = [name for flag, name in ((phone.whatsapp, "WhatsApp"), (phone.viber, "Viber"), (phone.sms, "SMS")) if flag]
        text = f"{format_phone(phone.number)}  ({phone_type_label(phone.type, phone_types)})"
        if channels:
            text += "  " + ", ".join(channels)
        if phone.note:
            text += f"  — {phone.note}"
        lines.append(Content(text))

    lines += ["", _section(_("E-mails"))] if contact.emails else []
    for email in contact.emails:
        consent = _("consent to e-mail") if email.consent else _("no consent")
        lines.append(Content(f"{email.address}  ({consent})"))

    lines += ["", _section(_("Addresses"))] if contact.addresses else []
    for address in contact.addresses:
        lines.append(Content(", ".join(p for p in (address.street, f"{address.postal_code} {address.city}".strip(), address.country) if p)))
    if contact.addresses:
        lines.append(Content.styled(_("m shows the map link"), "dim"))

    lines += ["", _section(_("Sales and marketing"))]
    lines.append(_field(_("Account manager"), contact.account_manager or "—"))
    lines.append(_field(_("Source"), label_of(sources, contact.source) if contact.source else "—"))
    lines.append(_field(_("Discount"), format_percent(contact.discount)))
    for channel in CONSENT_CHANNELS:
        given = contact.consents.get(channel)
        value = _("given {date}").format(date=format_date(given)) if given else _("not given")
        lines.append(_field(_("Consent: {channel}").format(channel=consent_label(channel)), value))

    lines += ["", _section(_("Record"))]
    lines.append(_field(_("Created"), f"{format_datetime(contact.created_at)} · {contact.created_by}"))
    lines.append(_field(_("Updated"), f"{format_datetime(contact.updated_at)} · {contact.updated_by}"))
    lines.append(_field(_("Version"), str(contact.version)))
    return [line if isinstance(line, Content) else Content(line) for line in lines]


def note_lines(contact: Contact) -> list[Content]:
    if not contact.notes:
        return [Content(_("No notes yet. Press n to add one."))]
    lines: list[Content] = []
    for note in sorted(contact.notes, key=lambda n: n.at, reverse=True):
        lines.append(Content.styled(f"{format_datetime(note.at)} · {note.author}", "bold"))
        lines.extend(Content(line) for line in note.text.splitlines() or [""])
        lines.append(Content(""))
    return lines
