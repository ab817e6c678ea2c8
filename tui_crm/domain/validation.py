"""Checking and normalizing a contact before it is saved.

``validate_contact`` reports every problem at once, each on the path of the field it belongs
to (``"phones.0.number"``), and returns the normalized contact: phones in E.164, e-mails in
their normalized form, NIP as 10 digits, Polish postal codes as 00-000, and so on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers import ValidationResult as _Reason
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.pl import nip as _stdnum_nip
from stdnum.pl import regon as _stdnum_regon

from tui_crm.domain.contact import Address, Contact, ContactKind
from tui_crm.i18n import _

__all__ = [
    "FieldError",
    "ValidationResult",
    "validate_contact",
    "normalize_phone",
    "normalize_email",
    "format_phone",
    "normalize_nip",
    "normalize_regon",
    "normalize_postal_code",
    "error_field_label",
    "field_label",
    "map_link",
]


@dataclass(frozen=True)
class FieldError:
    #: Path of the field: "first_name", "nip", "phones.0.number", "consents.email", ...
    #: Row indexes are those of the contact that was validated (rows as the form shows them,
    #: empty rows included), not of the cleaned copy in ``ValidationResult.contact``.
    field: str
    message: str


@dataclass
class ValidationResult:
    #: A normalized copy of the contact (empty rows dropped); save this one when ``ok``.
    contact: Contact
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_for(self, field: str) -> list[str]:
        """The messages for one field path, e.g. ``errors_for("phones.0.number")``."""
        return [e.message for e in self.errors if e.field == field]


# --- phones ---------------------------------------------------------------------------------


def _phone_parse_message(exc: NumberParseException) -> str:
    if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return _("Unknown country code; start an international number with + and the code.")
    if exc.error_type in (
        NumberParseException.TOO_SHORT_AFTER_IDD,
        NumberParseException.TOO_SHORT_NSN,
    ):
        return _("The phone number is too short.")
    if exc.error_type == NumberParseException.TOO_LONG:
        return _("The phone number is too long.")
    return _("This does not look like a phone number.")


_POLISH_E164 = re.compile(r"\+48([1-9][0-9]{8})")


def _valid_polish(national: str) -> bool:
    """``phonenumbers.is_valid_number`` for a Polish national number, with its metadata's
    patterns joined into one expression (7x quicker: an import checks 150,000 numbers)."""
    general, types = _polish_patterns(len(national))
    return general is not None and types is not None and bool(general.fullmatch(national)) and bool(
        types.fullmatch(national))


#: the number types ``phonenumbers`` tries in turn: a number matching any of them is valid
_NUMBER_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
                 "fixed_line", "mobile")


@lru_cache(maxsize=32)
def _polish_patterns(length: int) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The general pattern and the number types' patterns joined, for numbers of ``length`` digits."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("PL")

    def pattern(desc: Any) -> str | None:
        if desc is None or not desc.national_number_pattern:
            return None
        if desc.possible_length and length not in desc.possible_length:
            return None
        return desc.national_number_pattern

    general = pattern(metadata.general_desc)
    types = [p for name in _NUMBER_TYPES if (p := pattern(getattr(metadata, name)))]
    return (re.compile(general) if general else None,
            re.compile("|".join(f"(?:{p})" for p in types)) if types else None)


def normalize_phone(raw: str, region: str = "PL") -> str:
    """The number in E.164 (``"601 234 567"`` -> ``"+48601234567"``), numbers without a
    country code being taken as numbers of ``region``.

    Raises ``ValueError`` with a translated message when it is not a valid number.
    """
    text = raw.strip()
    if not text:
        raise ValueError(_("Enter a phone number."))
    polish = _POLISH_E164.fullmatch(text.replace(" ", "").replace("-", ""))
    if polish and _valid_polish(polish[1]):
        return polish[0]  # already E.164: the common case of an import, without parsing
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except NumberParseException as exc:
        raise ValueError(_phone_parse_message(exc)) from None
    if number.extension:
        raise ValueError(_("Remove the extension from the number; you can put it in the note."))
    if not phonenumbers.is_valid_number(number):
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason == _Reason.TOO_SHORT:
            raise ValueError(_("The phone number is too short."))
        if reason == _Reason.TOO_LONG:
            raise ValueError(_("The phone number is too long."))
        if reason == _Reason.INVALID_COUNTRY_CODE:
            raise ValueError(
                _("Unknown country code; start an international number with + and the code.")
            )
        raise ValueError(_("This is not a valid phone number."))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored number for display: national format for Polish numbers (``"601 234 567"``),
    international for the others (``"+49 30 123456"``). Anything that does not parse as a
    valid number comes back unchanged."""
    try:
        number = phonenumbers.parse(e164, "PL")
    except NumberParseException:
        return e164
    if not phonenumbers.is_valid_number(number):
        return e164
    if number.country_code == 48:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


# --- NIP, REGON -----------------------------------------------------------------------------

_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalize_nip(raw: str) -> str:
    """A Polish NIP as 10 digits; accepts ``"123-456-32-18"``, ``"PL 1234563218"``...

    Raises ``ValueError`` with a translated message when it is not a valid NIP.
    """
    if len(raw) == 10 and raw.isascii() and raw.isdigit() and _stdnum_nip.checksum(raw) == 0:
        return raw  # already compact (every NIP of an import): python-stdnum's cleaning is the slow part
    try:
        compact = _stdnum_nip.compact(raw)
        if not _ASCII_DIGITS.fullmatch(compact):
            raise ValueError(_("A NIP may contain only digits, dashes and spaces."))
        return _stdnum_nip.validate(compact)
    except InvalidChecksum:
        raise ValueError(_("Not a valid Polish NIP (check digit does not match).")) from None
    except InvalidLength:
        raise ValueError(_("A NIP has 10 digits.")) from None
    except ValidationError:
        raise ValueError(_("Not a valid Polish NIP.")) from None


def normalize_regon(raw: str) -> str:
    """A REGON as 9 or 14 digits; raises ``ValueError`` (translated message) when invalid."""
    if len(raw) in (9, 14) and raw.isascii() and raw.isdigit() and raw[-1] == _stdnum_regon.calc_check_digit(
            raw[:-1]) and (len(raw) == 9 or raw[8] == _stdnum_regon.calc_check_digit(raw[:8])):
        return raw  # already compact, as with the NIP
    try:
        compact = _stdnum_regon.compact(raw)
        if not _ASCII_DIGITS.fullmatch(compact):
            raise ValueError(_("A REGON may contain only digits, dashes and spaces."))
        return _stdnum_regon.validate(compact)
    except InvalidChecksum:
        raise ValueError(_("Not a valid REGON (check digit does not match).")) from None
    except InvalidLength:
        raise ValueError(_("A REGON has 9 or 14 digits.")) from None
    except ValidationError:
        raise ValueError(_("Not a valid REGON.")) from None


# --- addresses ------------------------------------------------------------------------------

_PL_POSTAL_CODE = re.compile(r"([0-9]{2})[-\u2010-\u2015 ]?([0-9]{3})")

#: Territory codes the CLDR knows that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    from babel import Locale

    return frozenset(
        code
        for code in Locale.parse("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def normalize_postal_code(raw: str, country: str = "PL") -> str:
    """A postal code in its usual form: ``"00950"`` -> ``"00-950"`` in Poland; other countries'
    codes are only trimmed. Raises ``ValueError`` (translated) for a malformed Polish code."""
    text = raw.strip()
    if (country or "PL").upper() != "PL" or not text:
        return text
    match = _PL_POSTAL_CODE.fullmatch(text)
    if not match:
        raise ValueError(_("Enter the postal code as 00-000."))
    return f"{match[1]}-{match[2]}"


def _country_name(code: str) -> str:
    from babel import Locale

    from tui_crm.i18n import babel_locale

    return Locale.parse(babel_locale()).territories.get(code, code)


def map_link(address: Address) -> str:
    """An OpenStreetMap search for the address: "street, postal code city, country"."""
    country = (address.country or "PL").strip().upper()
    place = " ".join(p for p in (address.postal_code.strip(), address.city.strip()) if p)
    parts = [address.street.strip(), place, _country_name(country) if country else ""]
    query = ", ".join(p for p in parts if p)
    return "https://www.openstreetmap.org/search?query=" + quote(query, safe="")


# --- the contact ----------------------------------------------------------------------------


def field_label(name: str) -> str:
    """The label of a stored contact field, as the form shows it."""
    labels = {
        "kind": _("Type"), "supplier": _("Supplier"), "first_name": _("First name"), "last_name": _("Last name"),
        "position": _("Position"), "name": _("Organization name"), "nip": _("NIP"), "regon": _("REGON"),
        "phones": _("Phones"), "emails": _("E-mails"), "addresses": _("Addresses"),
        "account_manager": _("Account manager"), "source": _("Source"), "consents": _("Consents"),
        "tags": _("Tags"), "notes": _("Notes"), "discount": _("Discount"),
    }
    return labels.get(name, name)


def error_field_label(path: str) -> str:
    """A ``FieldError`` path for people: "phones.0.number" -> "Phone 1", "addresses.1.city" ->
    "Address 2, city", "consents.sms" -> "Consents, sms"."""
    parts = path.split(".")
    rows = {"phones": _("Phone {n}"), "emails": _("E-mail {n}"), "addresses": _("Address {n}")}
    if len(parts) >= 2 and parts[0] in rows and parts[1].isdigit():
        row = rows[parts[0]].format(n=int(parts[1]) + 1)
        detail = {"type": _("type"), "postal_code": _("postal code"), "city": _("city"), "street": _("street"),
                  "country": _("country")}.get(parts[2] if len(parts) > 2 else "")
        return f"{row}, {detail}" if detail else row
    label = field_label(parts[0])
    return f"{label}, {parts[1]}" if len(parts) > 1 else label

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: an ASCII local part of dots and atoms: what nearly every address has
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def normalize_email(address: str) -> str:
    """The normalized address (the domain lower-cased, IDNA-checked), or ValueError.

    The domain is checked once per domain: an import of 100k addresses meets the same few
    thousand domains again and again, and email_validator's domain check is its slow part. An
    address whose local part is anything but plain dots and atoms gets the full check.
    """
    local, at, domain = address.rpartition("@")
    if at and len(local) <= 64 and len(address) <= 254 and address.isascii() and _DOT_ATOM.fullmatch(local):
        return local + "@" + _normalized_domain(domain)
    return _validated(address)


@lru_cache(maxsize=16384)
def _normalized_domain(domain: str) -> str:
    return _validated("a@" + domain).partition("@")[2]


def _validated(address: str) -> str:
    """email_validator's verdict. Imported late: it costs 30 ms at start-up."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


def _parse_discount(value: Any) -> float:
    """The discount as a float; accepts numbers and strings ("12,5"). Raises ValueError."""
    if isinstance(value, str):
        value = value.strip().replace(",", ".").rstrip("%").strip() or "0"
    return float(value)


def _rows(rows: list[Any], keep: Any) -> list[int]:
    """Indexes of the rows of the original list that ``cleaned_for_save`` keeps."""
    return [i for i, row in enumerate(rows) if keep(row)]


def validate_contact(contact: Contact, default_region: str = "PL", *, in_place: bool = False) -> ValidationResult:
    """Check and normalize a contact; every problem is reported, not only the first.

    Works on ``contact.cleaned_for_save()``; the cleaned, normalized copy is returned in the
    result whether or not there are errors (fields that failed stay as entered, trimmed).
    ``default_region`` is the country of phone numbers without a country code and of
    addresses without a country. ``in_place``: the caller gives the contact up (an imported
    record), so it is cleaned and normalized itself instead of a copy.
    """
    region = (default_region or "PL").strip().upper() or "PL"
    # Paths use the row numbers of the contact as given (as the form shows them).
    phone_rows = _rows(contact.phones, lambda p: p.number.strip())
    email_rows = _rows(contact.emails, lambda e: e.address.strip())
    address_rows = _rows(contact.addresses, lambda a: not a.is_empty())
    result = ValidationResult(contact.clean() if in_place else contact.cleaned_for_save())
    c = result.contact
    errors = result.errors

    def error(path: str, message: str) -> None:
        errors.append(FieldError(path, message))

    # names and identifiers
    c.first_name, c.last_name = c.first_name.strip(), c.last_name.strip()
    c.position, c.name = c.position.strip(), c.name.strip()
    c.account_manager, c.source = c.account_manager.strip(), c.source.strip()
    if c.kind == ContactKind.PERSON:
        if not (c.first_name or c.last_name):
            error("last_name", _("Enter a first or last name."))
    else:
        if not c.name:
            error("name", _("Enter the organization's name."))
        for key, normalize in (("nip", normalize_nip), ("regon", normalize_regon)):
            value = getattr(c, key).strip()
            if value:
                try:
                    value = normalize(value)
                except ValueError as exc:
                    error(key, str(exc))
            setattr(c, key, value)

    if len(phone_rows) != len(c.phones):  # pragma: no cover - cleaned_for_save changed
        phone_rows = list(range(len(c.phones)))
    if len(email_rows) != len(c.emails):  # pragma: no cover
        email_rows = list(range(len(c.emails)))
    if len(address_rows) != len(c.addresses):  # pragma: no cover
        address_rows = list(range(len(c.addresses)))

    seen_phones: set[str] = set()
    for row, phone in zip(phone_rows, c.phones):
        try:
            phone.number = normalize_phone(phone.number, region)
        except ValueError as exc:
            phone.number = phone.number.strip()
            error(f"phones.{row}.number", str(exc))
        else:
            if phone.number in seen_phones:
                error(f"phones.{row}.number", _("This phone number is already on the list."))
            seen_phones.add(phone.number)
        phone.type = phone.type.strip()
        phone.note = phone.note.strip()
        if not phone.type:
            error(f"phones.{row}.type", _("Choose or enter the type of the number."))

    seen_emails: set[str] = set()
    for row, email in zip(email_rows, c.emails):
        address = email.address.strip()
        email.address = address
        try:
            email.address = normalize_email(address)
        except ValueError:
            if "@" not in address:
                message = _("An e-mail address needs an @ sign.")
            else:
                message = _("Not a valid e-mail address.")
            error(f"emails.{row}.address", message)
        else:
            if email.address.casefold() in seen_emails:
                error(f"emails.{row}.address", _("This e-mail address is already on the list."))
            seen_emails.add(email.address.casefold())

    for row, address in zip(address_rows, c.addresses):
        address.street, address.city = address.street.strip(), address.city.strip()
        address.country = (address.country or "").strip().upper() or region
        if address.country not in _country_codes():
            error(
                f"addresses.{row}.country",
                _("Enter a two-letter country code, such as PL or DE."),
            )
        try:
            address.postal_code = normalize_postal_code(address.postal_code, address.country)
        except ValueError as exc:
            address.postal_code = address.postal_code.strip()
            error(f"addresses.{row}.postal_code", str(exc))

    try:
        discount = _parse_discount(c.discount)
    except (TypeError, ValueError):
        error("discount", _("Enter the discount as a number."))
    else:
        if not (math.isfinite(discount) and 0 <= discount <= 100):
            error("discount", _("The discount must be between 0 and 100."))
        else:
            c.discount = discount

    consents: dict[str, str | None] = {}
    for channel, given in c.consents.items():
        if isinstance(given, date):
            given = given.isoformat()[:10]
        if isinstance(given, str):
            given = given.strip()
        if given is None or given == "":
            consents[channel] = None
            continue
        consents[channel] = given
        if not (isinstance(given, str) and _ISO_DATE.fullmatch(given)):
            error(f"consents.{channel}", _("Enter the date of the consent as YYYY-MM-DD."))
            continue
        try:
            date.fromisoformat(given)
        except ValueError:
            error(f"consents.{channel}", _("This date does not exist."))
    c.consents = consents

    return result
