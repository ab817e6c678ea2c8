"""A person's organization and role travel through vCard (ORG, ROLE) and CSV, and come back as
a contact-person link: to the organization of the file, to one already in the database, or to
one created with the import."""

from __future__ import annotations

import pytest

from tests.factories import make_org, make_person
from tui_crm.domain.contact import Email
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.dictionaries import CONTACT_ROLES
from tui_crm.store import ContactQuery, ContactRepository, Database, create_database
from tui_crm.store.dictionaries import DictionaryRepository
from tui_crm.store.exchange import ADD_DUPLICATES, export_contacts, import_file, summary
from tui_crm.store.links import LinkRepository


class Session:
    """The repositories of one program run on a database file."""

    def __init__(self, path) -> None:
        self.contacts = ContactRepository(Database(path))
        self.links = LinkRepository(self.contacts)
        self.dictionaries = DictionaryRepository(self.contacts.database)

    def import_(self, file, **options):
        return import_file(self.contacts, file, author="ola", links=self.links, dictionaries=self.dictionaries,
                           **options)

    def export(self, file, fmt: str, **options) -> int:
        return export_contacts(self.contacts, self.contacts.find(ContactQuery()), file, fmt, links=self.links,
                               roles=self.dictionaries.entries(CONTACT_ROLES), **options)

    def id_of(self, name: str) -> int:
        return next(i for i in self.contacts.find(ContactQuery()) if self.contacts.get(i).display_name == name)

    def organization_of(self, name: str) -> tuple[str, str, bool] | None:
        """(organization name, role, primary) of a person, None when unlinked."""
        link = self.links.of_person(self.id_of(name))
        if link is None:
            return None
        return self.contacts.get(link.organization_id).display_name, link.role, link.primary


def new_database(path) -> Session:
    create_database(path, {})
    return Session(path)


@pytest.fixture
def source(tmp_path) -> Session:
    session = new_database(tmp_path / "source.json")
    acme = session.contacts.save(make_org("Acme Sp. z o.o."), author="ola")
    for person, role in ((make_person("Anna", "Nowak", emails=[Email("anna@nowak.pl")]), "Accountant"), (make_person("Piotr", "Łoś"), "Kierownik zmiany")):
        saved = session.contacts.save(person, author="ola")
        session.links.link(ContactPersonLink(saved.id, acme.id, role=role), author="ola")
    session.contacts.save(make_person("Ewa", "Bez Firmy"), author="ola")
    return session


@pytest.mark.parametrize(("fmt", "version"), [("vcf", "3.0"), ("vcf", "4.0"), ("csv", "3.0")])
def test_persons_come_back_linked_to_their_organization_with_their_role(tmp_path, source, fmt, version):
    out = tmp_path / f"all.{fmt}"
    assert source.export(out, fmt, vcard_version=version) == 4
    target = new_database(tmp_path / "target.json")
    result = target.import_(out, on_duplicate=ADD_DUPLICATES)
    assert (len(result.imported), result.failed, result.new_organizations) == (4, [], [])
    again = Session(tmp_path / "target.json")  # what the file says, read afresh
    assert again.organization_of("Anna Nowak") == ("Acme Sp. z o.o.", "Accountant", True)
    assert again.organization_of("Piotr Łoś") == ("Acme Sp. z o.o.", "Kierownik zmiany", False)
    assert again.organization_of("Ewa Bez Firmy") is None
    # a role the roles dictionary did not know is offered from now on
    assert "Kierownik zmiany" in [e.label for e in again.dictionaries.entries(CONTACT_ROLES)]


def test_an_exported_card_names_the_organization_and_role(tmp_path, source):
    out = tmp_path / "all.vcf"
    source.export(out, "vcf")
    anna = out.read_text(encoding="utf-8").split("END:VCARD")[[
        i for i, card in enumerate(out.read_text(encoding="utf-8").split("END:VCARD")) if "Nowak" in card][0]]
    assert "ORG:Acme Sp. z o.o." in anna and "ROLE:Accountant" in anna


def test_a_person_joins_the_organization_of_that_name_already_in_the_database(tmp_path, source):
    card = tmp_path / "one.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Zając;Jan;;;\r\nFN:Jan Zając\r\nORG:ACME  sp. z o.o.;Księgowość\r\n"
                    "TITLE:Starszy specjalista\r\nROLE:Accountant\r\nEND:VCARD\r\n", encoding="utf-8")
    contacts_before = len(source.contacts.find(ContactQuery()))
    result = source.import_(card)
    assert (len(result.imported), result.new_organizations) == (1, [])
    assert source.organization_of("Jan Zając") == ("Acme Sp. z o.o.", "Accountant", False)
    assert source.contacts.get(source.id_of("Jan Zając")).position == "Starszy specjalista"
    assert len(source.contacts.find(ContactQuery())) == contacts_before + 1


def test_an_organization_found_nowhere_is_created_once_for_all_its_persons(tmp_path):
    session = new_database(tmp_path / "db.json")
    file = tmp_path / "google.csv"
    file.write_text("First Name,Last Name,Company,Job Title\r\nJan,Kos,Piekarnia Kłos,Piekarz\r\n"
                    "Ola,Wrona,piekarnia kłos,\r\nIza,Sowa,,\r\n", encoding="utf-8")
    dry = session.import_(file, dry_run=True)
    assert [o.name for o in dry.new_organizations] == ["Piekarnia Kłos"]
    assert "1 organization named by its persons will be created" in summary(dry)
    assert session.contacts.find(ContactQuery()) == []  # a dry run writes nothing
    result = session.import_(file)
    assert "1 organization named by its persons was created" in summary(result)
    again = Session(tmp_path / "db.json")
    assert again.organization_of("Jan Kos") == ("Piekarnia Kłos", "", True)
    assert again.organization_of("Ola Wrona") == ("Piekarnia Kłos", "", False)
    assert again.organization_of("Iza Sowa") is None
    assert again.contacts.get(again.id_of("Jan Kos")).position == "Piekarz"
    assert len(again.contacts.find(ContactQuery())) == 4


def test_a_person_who_already_belongs_to_an_organization_keeps_it(tmp_path, source):
    card = tmp_path / "anna.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nowak;Anna;;;\r\nFN:Anna Nowak\r\nORG:Inna Firma\r\n"
                    "EMAIL:anna@nowak.pl\r\nEND:VCARD\r\n", encoding="utf-8")
    result = source.import_(card, on_duplicate="merge")
    assert len(result.merged) == 1
    assert source.organization_of("Anna Nowak") == ("Acme Sp. z o.o.", "Accountant", True)


def test_a_merged_person_without_an_organization_is_linked_to_the_one_the_file_names(tmp_path, source):
    ewa = source.contacts.get(source.id_of("Ewa Bez Firmy"))
    ewa.emails = [Email("ewa@sowa.pl")]
    source.contacts.save(ewa, author="ola")
    card = tmp_path / "ewa.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Bez Firmy;Ewa;;;\r\nFN:Ewa Bez Firmy\r\nORG:Sowa i Syn\r\n"
                    "ROLE:Owner\r\nEMAIL:ewa@sowa.pl\r\nEND:VCARD\r\n", encoding="utf-8")
    result = source.import_(card, on_duplicate="merge")
    assert (len(result.merged), [o.name for o in result.new_organizations]) == (1, ["Sowa i Syn"])
    assert Session(source.contacts.database.path).organization_of("Ewa Bez Firmy") == ("Sowa i Syn", "Owner", True)


def test_two_organizations_of_one_name_keep_their_own_persons_through_a_vcard(tmp_path):
    session = new_database(tmp_path / "source.json")
    for city in ("Kraków", "Gdańsk"):
        from tui_crm.domain.contact import Address

        branch = session.contacts.save(make_org("Hydroland Sp. z o.o.", addresses=[Address("", "", city, "PL")]),
                                       author="ola")
        person = session.contacts.save(make_person("Jan", f"Z{city}"), author="ola")
        session.links.link(ContactPersonLink(person.id, branch.id), author="ola")
    out = tmp_path / "all.vcf"
    session.export(out, "vcf")
    target = new_database(tmp_path / "target.json")
    result = target.import_(out, on_duplicate=ADD_DUPLICATES)
    assert result.new_organizations == []
    again = Session(tmp_path / "target.json")
    for city in ("Kraków", "Gdańsk"):
        link = again.links.of_person(again.id_of(f"Jan Z{city}"))
        assert again.contacts.get(link.organization_id).addresses[0].city == city


def test_persons_of_an_organization_skipped_as_a_duplicate_join_the_existing_one(tmp_path, source):
    file = tmp_path / "again.vcf"
    file.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x-1\r\nFN:ACME sp z o o\r\nN:ACME sp z o o;;;;\r\nORG:ACME sp z o o\r\n"
                    "ADR:;;;Kraków;;;PL\r\nX-ADDRESSBOOKSERVER-KIND:org\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x-2\r\nFN:Jan Nowy\r\nN:Nowy;Jan;;;\r\nORG:ACME sp z o o\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    from tui_crm.domain.contact import Address

    acme = source.contacts.get(source.id_of("Acme Sp. z o.o."))
    acme.addresses = [Address("", "", "Kraków", "PL")]
    source.contacts.save(acme, author="ola")
    result = source.import_(file)
    assert [o.name for o in result.skipped] == ["ACME sp z o o"]  # like Acme Sp. z o.o.
    assert result.new_organizations == []
    assert source.organization_of("Jan Nowy")[0] == "Acme Sp. z o.o."


def test_the_report_names_each_organization_an_import_creates(tmp_path):
    from tui_crm.store.exchange import report_lines

    session = new_database(tmp_path / "db.json")
    file = tmp_path / "people.csv"
    file.write_text("first_name,last_name,organization\r\nJan,Kos,Kos i Syn\r\nOla,Kos,Kos i Syn\r\n", encoding="utf-8")
    result = session.import_(file, dry_run=True)
    assert report_lines(result) == ["new organization Kos i Syn, named by 2 persons of the file"]


def test_a_vcard_round_trip_keeps_who_is_primary_and_the_links_flags(tmp_path):
    session = new_database(tmp_path / "source.json")
    org = session.contacts.save(make_org("Fenix Sp. z o.o."), author="ola")
    anna = session.contacts.save(make_person("Anna", "Adamska"), author="ola")  # first by name, not primary
    piotr = session.contacts.save(make_person("Piotr", "Zięba"), author="ola")
    session.links.link(ContactPersonLink(anna.id, org.id, contact_person=False, info="tylko faktury"), author="ola")
    session.links.link(ContactPersonLink(piotr.id, org.id, primary=True, may_collect_mail=True, may_represent=True,
                                         permissions=[], notifications=["invoice", "contract"]), author="ola")
    out = tmp_path / "all.vcf"
    session.export(out, "vcf")
    assert "X-TUI-CRM" in out.read_text(encoding="utf-8") and "password" not in out.read_text(encoding="utf-8")
    new_database(tmp_path / "target.json").import_(out, on_duplicate=ADD_DUPLICATES)
    again = Session(tmp_path / "target.json")
    fields = ("primary", "contact_person", "may_collect_mail", "may_represent", "info", "permissions", "notifications")
    for name in ("Anna Adamska", "Piotr Zięba"):
        before = session.links.of_person(session.id_of(name))
        after = again.links.of_person(again.id_of(name))
        assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields], name
