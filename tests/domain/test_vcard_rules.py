"""vCard writing and reading: round trip, files from other programs, malformed cards."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_org, make_person
from tui_crm.demo import generate_contacts
from tui_crm.domain.contact import Address, Contact, ContactKind, Email, Note, Phone
from tui_crm.domain.validation import validate_contact
from tui_crm.domain.vcard import (
    VERSIONS,
    component_to_contact,
    contact_to_vcard,
    contacts_to_vcards,
    parse_vcards,
    read_simple_card,
    split_cards,
)

BOOKKEEPING = ("version", "created_at", "created_by", "updated_at", "updated_by")


def comparable(contact: Contact) -> dict:
    doc = validate_contact(contact).contact.to_doc()
    for key in BOOKKEEPING:
        doc.pop(key, None)
    return doc


def read_back(text: str) -> list[Contact]:
    parsed = list(parse_vcards(text))
    assert all(card.contact for card in parsed), [card.error for card in parsed if not card.contact]
    return [card.contact for card in parsed]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), count=st.integers(1, 30), version=st.sampled_from(VERSIONS))
def test_generated_contacts_survive_a_round_trip(seed, count, version):
    docs = generate_contacts(count, seed=seed)
    text = "".join(contacts_to_vcards(enumerate(docs, 1), version))
    back = read_back(text)
    assert [comparable(c) for c in back] == [comparable(Contact.from_doc(d)) for d in docs]


@settings(max_examples=40, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_text_in_names_notes_and_tags_comes_back(text):
    text = text.strip() or "x"
    contact = make_person(first=text, last="Nowak", position=text, tags=[text.replace(";", "")[:20] or "t"],
                          notes=[Note(text + "\nline, two; three", "anna", "2025-01-01T00:00:00+00:00")])
    back = read_back(contact_to_vcard(contact))[0]
    assert back.first_name == text
    assert back.position == text
    assert back.notes[0].text == text + "\nline, two; three"
    assert back.notes[0].author == "anna"


def test_phone_types_map_to_vcard_types_and_back():
    contact = make_person(phones=[Phone("+48601234567", "mobile", "evenings", whatsapp=True),
                                  Phone("+48221234567", "work"), Phone("+48227654321", "home"),
                                  Phone("+48611111111", "księgowość")])
    card = contact_to_vcard(contact)
    assert "TEL;TYPE=CELL:+48601234567" in card
    assert "TEL;TYPE=WORK:+48221234567" in card
    assert "TEL;TYPE=HOME:+48227654321" in card
    back = read_back(card)[0]
    assert [(p.type, p.note, p.whatsapp) for p in back.phones] == [
        ("mobile", "evenings", True), ("work", "", False), ("home", "", False), ("księgowość", "", False)]


def test_an_organization_is_written_as_org_and_read_back_as_one():
    org = make_org(nip="5261040828", emails=[Email("biuro@zuraw.pl", consent=True)])
    for version in VERSIONS:
        card = contact_to_vcard(org, version)
        assert "ORG:Zakład Ślusarski Żuraw" in card
        back = read_back(card)[0]
        assert back.kind == ContactKind.ORGANIZATION
        assert (back.name, back.nip, back.emails[0].consent) == ("Zakład Ślusarski Żuraw", "5261040828", True)


def test_long_lines_are_folded_at_75_octets():
    card = contact_to_vcard(make_person(notes=[Note("ż" * 200)]))
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    assert read_back(card)[0].notes[0].text == "ż" * 200


KHARD_LIKE = """BEGIN:VCARD
VERSION:3.0
FN:Anna Kowalska
N:Kowalska;Anna;;;
ORG:ACME Sp. z o.o.
TITLE:Chief buyer
TEL;TYPE=CELL,VOICE:601 234 567
TEL;TYPE=WORK:+48 22 123 45 67
EMAIL;TYPE=INTERNET,PREF:anna@acme.pl
ADR;TYPE=WORK:;;ul. Prosta 1;Warszawa;;00-001;Poland
CATEGORIES:klient,VIP
NOTE:Met at the fair
UID:abc-123
END:VCARD
"""

ANDROID_21 = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:W=C3=B3jcik;=C5=81ukasz;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=81ukasz W=C3=B3jcik
TEL;CELL:+48 601 111 222
TEL;HOME:22 765 43 21
EMAIL;HOME:lukasz@example.com
END:VCARD
"""

THUNDERBIRD_40 = """BEGIN:VCARD
VERSION:4.0
FN:Piotr Zieliński
N:Zieliński;Piotr;;;
EMAIL;PREF=1:piotr@example.org
TEL;VALUE=TEXT;TYPE=cell:+48 602 333 444
END:VCARD
"""


def test_cards_from_other_programs_read():
    (anna,) = read_back(KHARD_LIKE)
    assert (anna.first_name, anna.last_name, anna.position) == ("Anna", "Kowalska", "Chief buyer")
    assert [(p.number, p.type) for p in anna.phones] == [("601 234 567", "mobile"), ("+48 22 123 45 67", "work")]
    assert anna.addresses[0].country == "PL"
    assert anna.tags == ["klient", "VIP"]
    assert validate_contact(anna).ok
    (lukasz,) = read_back(ANDROID_21)
    assert (lukasz.first_name, lukasz.last_name) == ("Łukasz", "Wójcik")
    assert [p.type for p in lukasz.phones] == ["mobile", "home"]
    assert validate_contact(lukasz).ok
    (piotr,) = read_back(THUNDERBIRD_40)
    assert piotr.emails[0].address == "piotr@example.org"
    assert validate_contact(piotr).contact.phones[0].number == "+48602333444"


PHONE_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:Żak;Wiesław;;;\r\nTITLE:Kierownik, handlowiec\r\n"
    "NOTE:raz, dwa; trzy\r\nADR;WORK:;;ul. Długa 5, lok. 3;Łódź;;90-001;PL\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Klient z targ=C3=B3w, zaintere=\r\nsowany ofert=C4=85=2C tak\r\n"
    "TEL;CELL:605333444\r\nCATEGORIES:a,b\r\nEND:VCARD\r\n")


def test_a_phones_vcard_21_keeps_the_commas_of_its_texts():
    """vCard 2.1 writes commas as they are; read as 3.0 text they would cut a note at the first."""
    (zak,) = read_back(PHONE_21)
    assert zak.position == "Kierownik, handlowiec"
    assert [n.text for n in zak.notes] == ["raz, dwa; trzy", "Klient z targów, zainteresowany ofertą, tak"]
    assert zak.addresses[0].street == "ul. Długa 5, lok. 3"
    assert zak.tags == ["a", "b"]  # a list property stays a list


def test_a_tel_uri_extension_goes_to_the_phones_note():
    card = ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jan Kos\r\nN:Kos;Jan;;;\r\n"
            "TEL;VALUE=uri;TYPE=work:tel:+48221112233;ext=12\r\nEND:VCARD\r\n")
    (jan,) = read_back(card)
    assert [(p.number, p.note) for p in jan.phones] == [("+48221112233", "ext. 12")]
    assert validate_contact(jan).ok


def test_a_malformed_card_is_reported_by_line_and_the_others_read():
    broken = "BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nthis line has no colon\nEND:VCARD\n"
    unterminated = "BEGIN:VCARD\nVERSION:3.0\nFN:Never ends\n"
    text = KHARD_LIKE + broken + THUNDERBIRD_40 + unterminated
    parsed = list(parse_vcards(text))
    assert [bool(p.contact) for p in parsed] == [True, False, True, False]
    assert parsed[1].line == text.splitlines().index("this line has no colon") + 1  # the broken line itself
    assert parsed[1].error
    assert parsed[3].line == text.splitlines().index("FN:Never ends") - 1  # its BEGIN line (1-based)


def vobject_read(card_text: str) -> Contact:
    import vobject

    return component_to_contact(vobject.readOne(card_text, allowQP=True))


_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), version=st.sampled_from(VERSIONS), first=_ANY_TEXT, street=_ANY_TEXT,
       note=_ANY_TEXT, tag=_ANY_TEXT, phone_type=_ANY_TEXT, organization=st.booleans())
def test_the_fast_reader_reads_exported_cards_as_vobject_does(seed, version, first, street, note, tag, phone_type,
                                                              organization):
    doc = generate_contacts(1, seed=seed)[0]
    contact = Contact.from_doc(doc)
    if organization:
        contact.kind, contact.name = ContactKind.ORGANIZATION, first or "x"
    else:
        contact.first_name = first
    contact.phones.append(Phone("+48601234567", phone_type or "mobile"))
    contact.addresses.append(Address(street, "00-950", first, "PL"))
    contact.notes.append(Note(note, "anna", "2025-01-01T00:00:00+00:00"))
    contact.tags.append(tag)
    card = contact_to_vcard(contact, version)
    simple = read_simple_card(card)
    assert simple is not None or '"' in card  # only a quoted parameter sends it to vobject
    if simple is not None:
        assert component_to_contact(simple) == vobject_read(card)
    assert next(iter(parse_vcards(card))).contact == vobject_read(card)


def test_cards_the_fast_reader_is_not_sure_of_go_to_vobject():
    for text in (ANDROID_21, THUNDERBIRD_40, KHARD_LIKE):
        for _line, card, _error, _name in split_cards(text):
            if read_simple_card(card) is None:
                assert next(iter(parse_vcards(card))).contact == vobject_read(card)
            else:
                assert component_to_contact(read_simple_card(card)) == vobject_read(card)
    assert read_simple_card(split_cards_one(ANDROID_21)) is None  # vCard 2.1
    quoted = "BEGIN:VCARD\r\nVERSION:3.0\r\nN;ENCODING=QUOTED-PRINTABLE:=C5=81ukasz;;;;\r\nEND:VCARD\r\n"
    assert read_simple_card(quoted) is None
    assert read_simple_card("BEGIN:VCARD\r\nVERSION:3.0\r\nitem1.TEL:1\r\nEND:VCARD\r\n") is None


def split_cards_one(text: str) -> str:
    return next(card for _line, card, _error, _name in split_cards(text))
