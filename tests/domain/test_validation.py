import math

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui_crm import i18n
from tui_crm.domain.contact import Address, Contact, ContactKind, Email, Note, Phone
from tui_crm.domain.validation import (
    FieldError,
    ValidationResult,
    format_phone,
    map_link,
    normalize_email,
    normalize_nip,
    normalize_phone,
    normalize_postal_code,
    normalize_regon,
    validate_contact,
)

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def person(**kw) -> Contact:
    kw.setdefault("first_name", "Jan")
    kw.setdefault("last_name", "Kowalski")
    return Contact(kind=ContactKind.PERSON, **kw)


def org(**kw) -> Contact:
    kw.setdefault("name", "ACME sp. z o.o.")
    return Contact(kind=ContactKind.ORGANIZATION, **kw)


def fields_of(result: ValidationResult) -> list[str]:
    return [e.field for e in result.errors]


# --- names, kinds ------------------------------------------------------------------------


def test_valid_person_is_ok_and_trimmed():
    result = validate_contact(person(first_name="  Jan ", last_name=" Kowalski", position=" CEO "))
    assert result.ok
    assert result.errors == []
    assert (result.contact.first_name, result.contact.last_name) == ("Jan", "Kowalski")
    assert result.contact.position == "CEO"


def test_person_needs_first_or_last_name():
    result = validate_contact(person(first_name=" ", last_name=""))
    assert not result.ok
    assert result.errors == [FieldError("last_name", "Enter a first or last name.")]
    assert result.errors_for("last_name") == ["Enter a first or last name."]
    assert result.errors_for("first_name") == []


@pytest.mark.parametrize("first, last", [("Jan", ""), ("", "Kowalski")])
def test_person_with_one_name_is_enough(first, last):
    assert validate_contact(person(first_name=first, last_name=last)).ok


def test_organization_needs_name():
    result = validate_contact(org(name="   "))
    assert fields_of(result) == ["name"]


def test_fields_of_other_kind_are_dropped_not_validated():
    # A person with a broken NIP left over from being an organization: not an error.
    contact = person(nip="garbage", name="Old Org")
    result = validate_contact(contact)
    assert result.ok
    assert result.contact.nip == "" and result.contact.name == ""
    # The reverse.
    result = validate_contact(org(first_name="Jan", position="CEO"))
    assert result.ok
    assert result.contact.first_name == "" and result.contact.position == ""


def test_all_errors_reported_at_once():
    contact = org(
        name="",
        nip="1234563219",
        regon="123",
        phones=[Phone("12")],
        emails=[Email("nope")],
        addresses=[Address(postal_code="1-2", city="Kraków")],
        discount=150,
        consents={"email": "yesterday"},
    )
    result = validate_contact(contact)
    assert fields_of(result) == [
        "name",
        "nip",
        "regon",
        "phones.0.number",
        "emails.0.address",
        "addresses.0.postal_code",
        "discount",
        "consents.email",
    ]
    assert all(e.message for e in result.errors)


def test_input_contact_is_not_modified():
    contact = person(phones=[Phone("601 234 567")], emails=[Email("A@EXAMPLE.COM")], tags=[" x "])
    before = contact.to_doc()
    result = validate_contact(contact)
    assert contact.to_doc() == before
    assert result.contact is not contact
    assert result.contact.phones[0].number == "+48601234567"


# --- NIP, REGON --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["1234563218", "123-456-32-18", "PL1234563218", "pl 123 456 32 18", " 123-45-63-218 "]
)
def test_nip_forms_are_accepted_and_stored_compact(raw):
    assert normalize_nip(raw) == "1234563218"
    result = validate_contact(org(nip=raw))
    assert result.ok
    assert result.contact.nip == "1234563218"


def test_nip_error_messages_distinguish_checksum_length_and_format():
    with pytest.raises(ValueError, match="check digit"):
        normalize_nip("1234563219")
    with pytest.raises(ValueError, match="10 digits"):
        normalize_nip("123456321")
    with pytest.raises(ValueError) as exc:
        normalize_nip("12345abc18")
    assert "check digit" not in str(exc.value) and "10 digits" not in str(exc.value)
    # Non-ASCII digits are not digits of a NIP.
    with pytest.raises(ValueError):
        normalize_nip("١٢٣٤٥٦٣٢١٨")


def test_nip_is_optional_for_organizations():
    result = validate_contact(org(nip="  "))
    assert result.ok and result.contact.nip == ""


def test_nip_error_is_on_nip_field():
    result = validate_contact(org(nip="1234563219"))
    assert result.errors_for("nip") == ["Not a valid Polish NIP (check digit does not match)."]


def _nip_check_digit(first9: str) -> int:
    return sum(w * int(d) for w, d in zip(NIP_WEIGHTS, first9)) % 11


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 9))
def test_generated_nips_pass_and_any_changed_digit_fails(first9, position, delta):
    check = _nip_check_digit(first9)
    assume(check != 10)  # no valid NIP has these nine digits
    nip = first9 + str(check)
    assert normalize_nip(nip) == nip
    assert normalize_nip(f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}") == nip
    broken = nip[:position] + str((int(nip[position]) + delta) % 10) + nip[position + 1 :]
    with pytest.raises(ValueError):
        normalize_nip(broken)


def test_regon():
    assert normalize_regon("123456785") == "123456785"
    assert normalize_regon("123-456-785") == "123456785"
    assert normalize_regon("12345678512347") == "12345678512347"
    with pytest.raises(ValueError, match="check digit"):
        normalize_regon("123456786")
    with pytest.raises(ValueError, match="9 or 14"):
        normalize_regon("1234")
    result = validate_contact(org(regon="123456786"))
    assert fields_of(result) == ["regon"]
    assert validate_contact(org(regon=" 123456785 ")).contact.regon == "123456785"


# --- phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("601 234 567", "+48601234567"),
        ("+48 601-234-567", "+48601234567"),
        ("0048601234567", "+48601234567"),
        ("(22) 123 45 67", "+48221234567"),
        ("+49 30 123456", "+4930123456"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_normalize_phone(raw, e164):
    assert normalize_phone(raw) == e164


def test_normalize_phone_region():
    assert normalize_phone("030 123456", region="DE") == "+4930123456"
    assert normalize_phone("030 123456", region="de") == "+4930123456"


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "Enter a phone number"),
        ("12", "too short"),
        ("601 234 567 890 123 4", "too long"),
        ("abc", "does not look like a phone number"),
        ("+999 123 456", "country code"),
        ("601 234 567 ext. 12", "extension"),
        ("+48 999 999 999", "not a valid phone number"),
    ],
)
def test_normalize_phone_errors(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        normalize_phone(raw)


@given(st.text(alphabet="0123456789 +-()", max_size=20))
def test_normalize_phone_output_reparses_to_itself(raw):
    try:
        e164 = normalize_phone(raw)
    except ValueError:
        return
    assert e164.startswith("+") and e164[1:].isdigit()
    assert normalize_phone(e164) == e164
    assert normalize_phone(e164, region="US") == e164  # a "+" number ignores the region
    assert phonenumbers.is_valid_number(phonenumbers.parse(e164, None))


@given(st.from_regex(r"[5-8][0-9]{8}", fullmatch=True))
def test_polish_mobile_like_numbers_roundtrip_with_format_phone(national):
    try:
        e164 = normalize_phone(national)
    except ValueError:
        return
    assert e164 == "+48" + national
    assert normalize_phone(format_phone(e164)) == e164


def test_format_phone():
    assert format_phone("+48601234567") == "601 234 567"
    assert format_phone("+48221234567") == "22 123 45 67"
    assert format_phone("+4930123456") == "+49 30 123456"
    assert format_phone("not a number") == "not a number"
    assert format_phone("+48 12") == "+48 12"  # unparsable as a valid number: unchanged
    assert format_phone("") == ""


def test_phones_stored_e164_and_duplicates_flagged_on_the_second():
    contact = person(
        phones=[
            Phone("601 234 567", type="mobile"),
            Phone("+48 22 123 45 67", type="reception desk"),  # custom type is fine
            Phone("0048601234567", type="work"),
        ]
    )
    result = validate_contact(contact)
    assert [p.number for p in result.contact.phones] == [
        "+48601234567",
        "+48221234567",
        "+48601234567",
    ]
    assert result.contact.phones[1].type == "reception desk"
    assert result.errors == [
        FieldError("phones.2.number", "This phone number is already on the list.")
    ]


def test_phone_type_must_not_be_empty():
    result = validate_contact(person(phones=[Phone("601234567", type="  ")]))
    assert fields_of(result) == ["phones.0.type"]


def test_default_region_applies_to_phones():
    result = validate_contact(person(phones=[Phone("030 123456")]), default_region="DE")
    assert result.ok
    assert result.contact.phones[0].number == "+4930123456"


def test_error_paths_use_rows_of_the_given_contact_and_empty_rows_are_dropped():
    contact = person(
        phones=[Phone(""), Phone("  "), Phone("12")],
        emails=[Email(""), Email("bad")],
        addresses=[Address(), Address(postal_code="1")],
    )
    result = validate_contact(contact)
    assert fields_of(result) == ["phones.2.number", "emails.1.address", "addresses.1.postal_code"]
    assert len(result.contact.phones) == 1
    assert len(result.contact.emails) == 1
    assert len(result.contact.addresses) == 1


# --- e-mails -----------------------------------------------------------------------------


def test_emails_normalized():
    result = validate_contact(person(emails=[Email(" Jan.Kowalski@EXAMPLE.com ", consent=True)]))
    assert result.ok
    assert result.contact.emails[0].address == "Jan.Kowalski@example.com"
    assert result.contact.emails[0].consent is True


def test_email_errors():
    result = validate_contact(person(emails=[Email("jan.example.com"), Email("jan@"), Email("a@b")]))
    assert result.errors_for("emails.0.address") == ["An e-mail address needs an @ sign."]
    assert result.errors_for("emails.1.address") == ["Not a valid e-mail address."]
    assert result.errors_for("emails.2.address") == ["Not a valid e-mail address."]


def test_duplicate_email_ignores_case():
    result = validate_contact(
        person(emails=[Email("jan@example.com"), Email("x@example.com"), Email("JAN@Example.COM")])
    )
    assert result.errors == [
        FieldError("emails.2.address", "This e-mail address is already on the list.")
    ]


# --- addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["00-950", "00950", " 00 950 ", "00\u2013950"])
def test_polish_postal_code_normalized(raw):
    assert normalize_postal_code(raw) == "00-950"
    result = validate_contact(person(addresses=[Address(postal_code=raw, city="Warszawa")]))
    assert result.ok
    assert result.contact.addresses[0].postal_code == "00-950"


@pytest.mark.parametrize("raw", ["0-950", "000-950", "00-95", "AB-123", "00-9500"])
def test_bad_polish_postal_code(raw):
    result = validate_contact(person(addresses=[Address(postal_code=raw, city="Warszawa")]))
    assert result.errors_for("addresses.0.postal_code") == ["Enter the postal code as 00-000."]
    assert result.contact.addresses[0].postal_code == raw.strip()


def test_foreign_postal_code_is_free_text_and_country_uppercased():
    result = validate_contact(
        person(addresses=[Address("Baker St 221b", " NW1 6XE ", "London", " gb ")])
    )
    assert result.ok
    address = result.contact.addresses[0]
    assert (address.country, address.postal_code) == ("GB", "NW1 6XE")


def test_empty_country_means_default_region():
    result = validate_contact(person(addresses=[Address(postal_code="00950", city="W", country="")]))
    assert result.ok and result.contact.addresses[0].country == "PL"
    assert result.contact.addresses[0].postal_code == "00-950"
    result = validate_contact(
        person(addresses=[Address(postal_code="10115", city="Berlin", country="")]),
        default_region="DE",
    )
    assert result.ok and result.contact.addresses[0].country == "DE"


@pytest.mark.parametrize("country", ["XX", "POL", "P", "EU", "1A"])
def test_unknown_country_code(country):
    result = validate_contact(person(addresses=[Address(city="X", country=country)]))
    assert fields_of(result) == ["addresses.0.country"]


def test_map_link(monkeypatch):
    monkeypatch.setattr(i18n, "_language", "en")
    address = Address("ul. Polna 3/5", "00-950", "Warszawa", "PL")
    assert map_link(address) == (
        "https://www.openstreetmap.org/search?query="
        "ul.%20Polna%203%2F5%2C%2000-950%20Warszawa%2C%20Poland"
    )
    assert map_link(Address(city="Berlin", country="DE")).endswith("query=Berlin%2C%20Germany")
    monkeypatch.setattr(i18n, "_language", "pl")
    assert map_link(Address(city="Łódź")) == (
        "https://www.openstreetmap.org/search?query=%C5%81%C3%B3d%C5%BA%2C%20Polska"
    )


# --- discount, consents, tags ------------------------------------------------------------


@pytest.mark.parametrize("value, stored", [(0, 0.0), (100, 100.0), (12.5, 12.5), ("7,5", 7.5)])
def test_discount_ok(value, stored):
    result = validate_contact(person(discount=value))
    assert result.ok
    assert result.contact.discount == stored
    assert isinstance(result.contact.discount, float)


@pytest.mark.parametrize("value", [-0.01, 100.01, math.nan, math.inf, "lots"])
def test_discount_out_of_range(value):
    result = validate_contact(person(discount=value))
    assert fields_of(result) == ["discount"]


def test_consents():
    result = validate_contact(
        person(consents={"email": "2024-03-01", "sms": "", "phone": None})
    )
    assert result.ok
    consents = result.contact.consents
    assert consents["email"] == "2024-03-01"
    assert consents.get("sms") is None and consents.get("phone") is None


@pytest.mark.parametrize("value", ["01.03.2024", "2024-3-1", "20240301", "2024-02-30", "yes"])
def test_bad_consent_dates(value):
    result = validate_contact(person(consents={"sms": value}))
    assert fields_of(result) == ["consents.sms"]


def test_tags_normalized():
    result = validate_contact(person(tags=[" VIP ", "vip", "", "big   client"]))
    assert result.contact.tags == ["VIP", "big client"]


# --- properties --------------------------------------------------------------------------

any_text = st.text(max_size=30)


@st.composite
def contacts(draw):
    kind = draw(st.sampled_from(list(ContactKind)))
    return Contact(
        kind=kind,
        first_name=draw(any_text),
        last_name=draw(any_text),
        position=draw(any_text),
        name=draw(any_text),
        nip=draw(st.one_of(any_text, st.from_regex(r"(PL)?[0-9 -]{10,13}", fullmatch=True))),
        regon=draw(any_text),
        phones=draw(
            st.lists(
                st.builds(
                    Phone,
                    number=st.one_of(any_text, st.from_regex(r"\+?[0-9 ]{6,14}", fullmatch=True)),
                    type=any_text,
                    note=any_text,
                ),
                max_size=3,
            )
        ),
        emails=draw(
            st.lists(
                st.builds(Email, address=st.one_of(any_text, st.emails().map(str))), max_size=3
            )
        ),
        addresses=draw(
            st.lists(
                st.builds(Address, street=any_text, postal_code=any_text, city=any_text,
                          country=st.one_of(any_text, st.sampled_from(["PL", "de", ""]))),
                max_size=2,
            )
        ),
        consents=draw(st.dictionaries(st.sampled_from(["email", "sms", "phone"]),
                                      st.one_of(st.none(), any_text, st.dates().map(str)))),
        tags=draw(st.lists(any_text, max_size=3)),
        notes=draw(st.lists(st.builds(Note, text=any_text, author=any_text), max_size=2)),
        supplier=draw(st.booleans()),
        discount=draw(st.one_of(st.floats(allow_nan=True), any_text)),
    )


@settings(max_examples=150, deadline=None)
@given(contacts())
def test_validation_never_raises_and_is_idempotent(contact):
    result = validate_contact(contact)
    assert isinstance(result, ValidationResult)
    assert result.ok == (not result.errors)
    for error in result.errors:
        assert isinstance(error, FieldError) and error.field and error.message
    if result.ok:
        # Validating the normalized contact changes nothing and finds nothing.
        again = validate_contact(result.contact)
        assert again.ok
        assert again.contact.to_doc() == result.contact.to_doc()
        for phone in result.contact.phones:
            assert normalize_phone(phone.number) == phone.number


@st.composite
def plausible_contacts(draw):
    """Contacts that are mostly valid, so the idempotence check below really runs."""
    name = st.text(alphabet="abcĄćęŁńóŚźż -", min_size=1, max_size=12).filter(str.strip)
    return Contact(
        kind=ContactKind.PERSON,
        first_name=draw(name),
        last_name=draw(st.one_of(st.just(""), name)),
        phones=draw(
            st.lists(
                st.builds(
                    Phone,
                    number=st.from_regex(r"(\+48 ?)?[5-8][0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{3}", fullmatch=True),
                    type=st.sampled_from(["mobile", "work", "home", " fax "]),
                ),
                max_size=3,
            )
        ),
        emails=draw(st.lists(st.builds(Email, address=st.emails().map(str)), max_size=2)),
        addresses=draw(
            st.lists(
                st.builds(
                    Address,
                    street=name,
                    postal_code=st.from_regex(r"[0-9]{2}-?[0-9]{3}", fullmatch=True),
                    city=name,
                    country=st.sampled_from(["PL", "pl", ""]),
                ),
                max_size=2,
            )
        ),
        consents=draw(
            st.dictionaries(st.sampled_from(["email", "sms", "phone"]),
                            st.one_of(st.none(), st.just(""), st.dates().map(str)))
        ),
        discount=draw(st.floats(0, 100)),
    )


@settings(max_examples=100, deadline=None)
@given(plausible_contacts())
def test_validated_contact_is_a_fixed_point(contact):
    result = validate_contact(contact)
    # Only phones (unassigned prefixes) and duplicates can fail in these contacts.
    assert {e.field.split(".")[0] for e in result.errors} <= {"phones", "emails"}
    again = validate_contact(result.contact)
    assert again.contact.to_doc() == result.contact.to_doc()
    assert len(again.errors) == len(result.errors)
    for address in result.contact.addresses:
        assert address.country == "PL"
        assert len(address.postal_code) == 6 and address.postal_code[2] == "-"
    for row, phone in enumerate(result.contact.phones):  # no empty rows: indexes agree
        assert phone.type == phone.type.strip()
        if not result.errors_for(f"phones.{row}.number"):
            assert normalize_phone(phone.number) == phone.number
            assert phone.number.startswith("+48")


@given(contacts())
def test_the_stored_form_is_the_compacted_asdict(contact) -> None:
    from dataclasses import asdict

    from tui_crm.domain.contact import compact_doc

    expected = compact_doc(asdict(contact))
    expected["kind"] = str(contact.kind)
    expected.pop("id", None)
    assert contact.to_doc() == expected
    assert contact.copy() == contact


@settings(max_examples=100, deadline=None)
@given(contacts())
def test_validating_in_place_gives_what_validating_a_copy_gives(contact) -> None:
    """An import validates its own records in place (no copy): same contact, same errors."""
    expected = validate_contact(contact.copy())
    given_up = contact.copy()
    result = validate_contact(given_up, in_place=True)
    assert result.contact is given_up
    assert result.contact.to_doc() == expected.contact.to_doc()
    assert result.errors == expected.errors


# -- the fast paths of an import agree with the libraries --------------------------------------


@given(st.text(alphabet="0123456789", min_size=8, max_size=15))
def test_a_compact_nip_or_regon_gets_python_stdnums_verdict(digits: str) -> None:
    from stdnum.pl import nip, regon

    assert (_verdict(normalize_nip, digits) != "refused") == nip.is_valid(digits)
    assert (_verdict(normalize_regon, digits) != "refused") == regon.is_valid(digits)


def _verdict(check, value: str) -> str:
    try:
        return check(value)
    except ValueError:
        return "refused"


def _email_validator(address: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return "refused"


@given(st.text(alphabet="aZ09.-_+@!ąx\"", max_size=20),
       st.sampled_from(["wp.pl", "Firma.PL", "b", "x.test", "-a.pl", "a..pl", "1.2", "ÅB.pl",
                        "xn--bcher-kva.de", "a_b.pl", "", "localhost", "[1.2.3.4]"]))
def test_an_email_is_normalized_as_email_validator_does(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert _verdict(normalize_email, address) == _email_validator(address)


def _phonenumbers(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw.strip(), "PL")
    except phonenumbers.NumberParseException:
        return "refused"
    if number.extension or not phonenumbers.is_valid_number(number):
        return "refused"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@given(st.text(alphabet="+48 0123456789-", min_size=1, max_size=16).filter(str.strip))
def test_a_phone_is_normalized_as_phonenumbers_does(raw: str) -> None:
    assert _verdict(normalize_phone, raw) == _phonenumbers(raw)


@settings(max_examples=400)
@given(st.integers(100_000_000, 999_999_999))
def test_a_polish_number_is_valid_exactly_when_phonenumbers_says_so(national: int) -> None:
    """The quick check of E.164 Polish numbers (an import's usual case) agrees both ways."""
    from tui_crm.domain.validation import _valid_polish

    number = phonenumbers.PhoneNumber(country_code=48, national_number=national)
    assert _valid_polish(str(national)) == phonenumbers.is_valid_number(number)
