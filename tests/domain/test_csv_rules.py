"""CSV export/import rules: our own columns round trip, other files read through a mapping."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_crm.demo import generate_contacts
from tui_crm.domain.contact import Contact
from tui_crm.domain.csv_exchange import guess_mapping, parse_csv, read_header, write_csv
from tui_crm.domain.validation import validate_contact


#: what a CSV does not carry (documented in the module): phone notes/flags, e-mail consent, note authors
def csv_view(doc: dict) -> dict:
    doc = validate_contact(Contact.from_doc(doc)).contact.to_doc()
    for key in ("version", "created_at", "created_by", "updated_at", "updated_by"):
        doc.pop(key, None)
    for phone in doc.get("phones", []):
        for key in ("note", "whatsapp", "viber", "sms"):
            phone.pop(key, None)
    for email in doc.get("emails", []):
        email.pop("consent", None)
    doc["notes"] = [n["text"] for n in doc.get("notes", [])]
    return doc


def export(docs: list[dict]) -> str:
    out = io.StringIO()
    list(write_csv(enumerate(docs, 1), out, max((len(d.get("addresses", [])) for d in docs), default=1) or 1))
    return out.getvalue()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 40))
def test_generated_contacts_survive_a_csv_round_trip(seed, count):
    docs = generate_contacts(count, seed=seed)
    rows = list(parse_csv(export(docs)))
    assert all(r.contact for r in rows), [r.error for r in rows if not r.contact]
    assert [csv_view(r.contact.to_doc()) for r in rows] == [csv_view(d) for d in docs]


def test_a_file_from_another_program_is_read_through_the_guessed_mapping():
    text = ("Given Name,Family Name,Company,E-mail Address,Mobile Phone,Business Phone,Notes,Unused\r\n"
            "Anna,Kowalska,,anna@acme.pl,601 234 567,22 123 45 67,\"two\nlines\",x\r\n"
            ",,ACME Sp. z o.o.,biuro@acme.pl,,,,\r\n")
    mapping = guess_mapping(read_header(text))
    assert mapping["Given Name"] == "first_name"
    assert mapping["Unused"] == ""
    anna, acme = (r.contact for r in parse_csv(text, mapping))
    assert (anna.first_name, anna.last_name, anna.emails[0].address) == ("Anna", "Kowalska", "anna@acme.pl")
    assert [(p.number, p.type) for p in anna.phones] == [("601 234 567", "mobile"), ("22 123 45 67", "work")]
    assert anna.notes[0].text == "two\nlines"
    assert acme.kind == "organization" and acme.name == "ACME Sp. z o.o."


def test_a_polish_outlook_export_keeps_its_phones_emails_address_and_notes():
    text = ("Imię,Nazwisko,Firma,Stanowisko,Ulica (służbowy),Miasto (służbowy),Kod pocztowy (służbowy),"
            "Telefon służbowy,Telefon komórkowy,Adres e-mail,Adres e-mail 2,Notatki,Kategorie\r\n"
            "Wiesław,Żak,Hurtownia Łódź,Kierownik,ul. Długa 5,Łódź,90-001,22 111 22 33,605 333 444,"
            "w.zak@hurt.pl,wiesiek@prywatny.pl,Klient z targów,Klienci\r\n")
    [row] = parse_csv(text)
    zak = row.contact
    assert [(p.number, p.type) for p in zak.phones] == [("605 333 444", "mobile"), ("22 111 22 33", "work")]
    assert [e.address for e in zak.emails] == ["w.zak@hurt.pl", "wiesiek@prywatny.pl"]
    assert (zak.addresses[0].street, zak.addresses[0].city, zak.addresses[0].postal_code) == (
        "ul. Długa 5", "Łódź", "90-001")
    assert [n.text for n in zak.notes] == ["Klient z targów"] and zak.tags == ["Klienci"]
    assert (zak.position, row.affiliation.organization) == ("Kierownik", "Hurtownia Łódź")


def test_a_google_contacts_export_keeps_every_numbered_phone_email_and_address_and_its_labels():
    text = ("First Name,Last Name,Organization Name,Organization Title,Labels,E-mail 1 - Value,"
            "Phone 1 - Label,Phone 1 - Value,Phone 2 - Value,Address 1 - Street,Address 1 - City,"
            "Address 2 - City\r\n"
            "Anna,Kowalska,ACME,Prezes,* myContacts ::: Klienci ::: VIP,anna@acme.pl,Mobile,"
            "601 234 567 ::: 602 000 111,22 123 45 67,ul. Polna 1,Kraków,Gdańsk\r\n")
    [row] = parse_csv(text)
    anna = row.contact
    assert [p.number for p in anna.phones] == ["601 234 567", "602 000 111", "22 123 45 67"]
    assert [e.address for e in anna.emails] == ["anna@acme.pl"]
    assert [(a.street, a.city) for a in anna.addresses] == [("ul. Polna 1", "Kraków"), ("", "Gdańsk")]
    assert anna.tags == ["Klienci", "VIP"] and anna.position == "Prezes"


def test_two_columns_mapped_to_phones_keep_both_numbers():
    text = "Imię,Służbowy,Komórka\r\nJan,22 111 22 33,605 333 444\r\n"
    mapping = {"Imię": "first_name", "Służbowy": "phones", "Komórka": "phones"}
    [row] = parse_csv(text, mapping)
    assert [p.number for p in row.contact.phones] == ["22 111 22 33", "605 333 444"]


def test_a_remembered_choice_wins_over_the_guess():
    mapping = guess_mapping(["Name", "Tel"], remembered={"Name": "name", "Tel": "phone_work"})
    assert mapping == {"Name": "name", "Tel": "phone_work"}


def test_bad_rows_are_reported_by_line_and_the_rest_read():
    text = ("kind,first_name,last_name,discount\n"
            "person,Anna,Nowak,\n"
            "robot,Bad,Kind,\n"
            "person,\"Multi\nline\",Nowak,\n"
            "person,Ewa,Zła,not a number\n"
            "person,Jan,Kos,5,extra,cells\n"
            "person,Ola,Lis,\n")
    rows = list(parse_csv(text))
    assert [(r.line, bool(r.contact)) for r in rows] == [
        (2, True), (3, False), (4, True), (6, False), (7, False), (8, True)]
    assert "robot" in rows[1].error


def test_a_row_with_a_quote_never_closed_is_reported_and_the_next_rows_still_read() -> None:
    text = ("first_name,last_name,email\r\nAnna,\"Kowal,Zielony Las,anna@x.pl\r\nPiotr,Zając,piotr@x.pl\r\n"
            "Jan,\"Kos\"ki,jan@x.pl\r\nEwa,\"Wiele\nlinii\",ewa@x.pl\r\nOla,Wrona,ola@x.pl\r\n")
    rows = list(parse_csv(text))
    assert [(r.line, r.contact.first_name if r.contact else None) for r in rows] == [
        (2, None), (3, "Piotr"), (4, None), (5, "Ewa"), (7, "Ola")]
    assert "quote" in rows[0].error and "quote" in rows[2].error
    assert rows[3].contact.last_name == "Wiele\nlinii"  # a quoted line break is no error


def test_a_quote_left_open_at_the_end_of_the_file_is_reported() -> None:
    rows = list(parse_csv("first_name,last_name\r\nPiotr,Zając\r\nAnna,\"Kowal\r\n"))
    assert [(r.line, bool(r.contact)) for r in rows] == [(2, True), (3, False)]
    assert "never closed" in rows[1].error


def test_a_semicolon_separated_file_from_excel_reads_by_its_columns() -> None:
    text = "Imię;Nazwisko;Firma;E-mail\r\nJan;Kos;Piekarnia Kłos;jan@kos.pl\r\n"
    assert read_header(text) == ["Imię", "Nazwisko", "Firma", "E-mail"]
    (row,) = parse_csv(text)
    assert (row.contact.first_name, row.contact.last_name, row.contact.emails[0].address) == (
        "Jan", "Kos", "jan@kos.pl")
    assert row.affiliation.organization == "Piekarnia Kłos"


def test_a_row_with_damaged_bytes_is_refused() -> None:
    rows = list(parse_csv("first_name,last_name\r\nJan,Kos\ufffd\ufffd\r\nOla,Wrona\r\n"))
    assert [(r.line, bool(r.contact)) for r in rows] == [(2, False), (3, True)]
    assert "not UTF-8" in rows[0].error


def test_every_field_a_column_maps_to_has_a_title_for_people() -> None:
    from tui_crm.domain.csv_exchange import FIELDS, IGNORE, field_title

    assert all(field_title(field) != field for field in (IGNORE, *FIELDS))
    assert field_title("postal_code_3") == "Postal code (address 3)"
