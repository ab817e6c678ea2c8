"""Export to a file and import into a database: one batch, duplicates skipped, failures reported."""

from __future__ import annotations

import pytest

from tests.factories import make_person
from tui_crm.demo import generate_contacts
from tui_crm.domain.contact import Email, Phone
from tui_crm.store import ContactQuery, ContactRepository, Database, StoreError, create_database
from tui_crm.store import history as h
from tui_crm.store.exchange import (
    ADD_DUPLICATES,
    MERGE_DUPLICATES,
    export_contacts,
    read_text,
    import_file,
    report_lines,
    summary,
    write_import,
)

BOOKKEEPING = ("version", "created_at", "created_by", "updated_at", "updated_by")


def open_repo(path) -> ContactRepository:
    return ContactRepository(Database(path))


def comparable(doc: dict) -> dict:
    doc = dict(doc)
    for key in BOOKKEEPING:
        doc.pop(key, None)
    return doc


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "full.json"
    create_database(path, {"contacts": generate_contacts(150, seed=7)})
    return open_repo(path)


@pytest.mark.parametrize(("fmt", "version"), [("vcf", "3.0"), ("vcf", "4.0"), ("csv", "3.0")])
def test_export_then_import_into_an_empty_database_gives_the_same_contacts(tmp_path, filled, fmt, version):
    out = tmp_path / f"all.{fmt}"
    ids = sorted(filled.find(ContactQuery()))
    assert export_contacts(filled, ids, out, fmt, vcard_version=version) == 150
    empty = tmp_path / "empty.json"
    create_database(empty, {})
    result = import_file(open_repo(empty), out, author="anna", on_duplicate=ADD_DUPLICATES)
    assert (len(result.imported), result.skipped, result.failed) == (150, [], [])
    fresh = open_repo(empty)  # read the file again
    got = [comparable(fresh.doc(i)) for i in sorted(fresh.find(ContactQuery()))]
    want = [comparable(filled.doc(i)) for i in ids]
    if fmt == "csv":  # CSV carries no phone flags/notes, e-mail consents nor note authors
        for doc in got + want:
            for phone in doc.get("phones", []):
                for key in ("note", "whatsapp", "viber", "sms"):
                    phone.pop(key, None)
            for email in doc.get("emails", []):
                email.pop("consent", None)
            doc["notes"] = [n["text"] for n in doc.get("notes", [])]
    assert got == want
    entries = fresh.history.of("contact", result.imported[0].contact_id)
    assert [(e.action, e.author) for e in entries] == [(h.CREATED, "anna")]


def test_duplicates_are_skipped_with_the_reason_and_failures_keep_their_line(tmp_path):
    path = tmp_path / "db.json"
    create_database(path, {})
    repo = open_repo(path)
    existing = repo.save(make_person("Anna", "Nowak", phones=[Phone("601234567")]), author="piotr")
    file = tmp_path / "in.csv"
    file.write_text("first_name,last_name,phones,emails\n"
                    "Anna,Nowak,mobile: 601 234 567,\n"        # same phone as in the database
                    "Jan,Kos,,jan@kos.pl\n"
                    "Janek,Kos,,JAN@kos.pl\n"                  # same e-mail as the row before
                    "Ewa,Lis,mobile: 12,\n"                    # invalid phone
                    "Ola,Wrona,,ola@wrona.pl\n", encoding="utf-8")
    result = import_file(repo, file, author="anna")
    assert [o.line for o in result.imported] == [3, 6]
    assert [(o.line, o.duplicate_of) for o in result.skipped] == [(2, (existing.id,)), (4, (0,))]
    assert "Anna Nowak" in result.skipped[0].reason
    assert [(o.line, o.name) for o in result.failed] == [(5, "Ewa Lis")]
    assert result.failed[0].reason.startswith("Phone 1: ")
    names = sorted(open_repo(path).get(i).display_name for i in open_repo(path).find(ContactQuery()))
    assert names == ["Anna Nowak", "Jan Kos", "Ola Wrona"]


def test_a_duplicate_by_phone_is_merged_into_the_existing_contact(tmp_path):
    path = tmp_path / "db.json"
    create_database(path, {})
    repo = open_repo(path)
    existing = repo.save(make_person("Anna", "Nowak", position="CEO", phones=[Phone("601234567")], tags=["vip"]),
                         author="piotr")
    other = repo.save(make_person("Jan", "Kos", phones=[Phone("602000000")]), author="piotr")
    before_other = repo.doc(other.id)
    file = tmp_path / "in.csv"
    file.write_text("first_name,last_name,position,phones,emails,tags\n"
                    "Anka,Nowak,Boss,mobile: 601 234 567,anna@nowak.pl,klient\n"   # same phone: merged
                    "Ola,Wrona,,,ola@wrona.pl,\n"
                    "Anna,Nowak,,,ANNA@nowak.pl,\n", encoding="utf-8")  # only what line 2 brought: nothing new
    dry = import_file(repo, file, author="ola", dry_run=True, on_duplicate=MERGE_DUPLICATES)
    assert [(o.line, o.contact_id) for o in dry.merged] == [(2, existing.id)]
    assert dry.merged[0].reason.endswith(
        "Kept its own First name “Anna” (the file: “Anka”); Position “CEO” (the file: “Boss”).")
    assert [o.line for o in dry.skipped] == [4] and "Nothing in the file is new for it." in dry.skipped[0].reason
    assert open_repo(path).doc(existing.id) == repo.doc(existing.id) and open_repo(path).count() == 2
    result = import_file(repo, file, author="ola", on_duplicate=MERGE_DUPLICATES)
    assert ([o.line for o in result.merged], [o.line for o in result.imported]) == ([2], [3])
    assert [o.line for o in result.skipped] == [4]
    fresh = open_repo(path)
    merged = fresh.get(existing.id)
    assert (merged.first_name, merged.position, merged.version) == ("Anna", "CEO", 2)  # its own values win
    assert [e.address for e in merged.emails] == ["anna@nowak.pl"]
    assert merged.tags == ["vip", "klient"] and len(merged.phones) == 1
    assert fresh.doc(other.id) == before_other and fresh.count() == 3
    entries = fresh.history.of("contact", existing.id)
    assert sorted((e.action, e.author) for e in entries) == [(h.CREATED, "piotr"), (h.MERGED, "ola")]
    assert "merged 1" in summary(result)
    assert any(line.startswith("line 2: merged Anka Nowak into #") for line in report_lines(result))


def test_a_merge_is_skipped_when_it_cannot_be_made(tmp_path):
    path = tmp_path / "db.json"
    create_database(path, {})
    repo = open_repo(path)
    first = repo.save(make_person("Anna", "Nowak", phones=[Phone("601234567")]), author="piotr")
    repo.save(make_person("Ewa", "Lis", emails=[Email("ewa@lis.pl")]), author="piotr")
    file = tmp_path / "in.csv"
    file.write_text("first_name,last_name,phones,emails\n"
                    "Anna,Nowak,mobile: 601 234 567,ewa@lis.pl\n", encoding="utf-8")  # like two contacts
    result = import_file(repo, file, author="ola", on_duplicate=MERGE_DUPLICATES)
    assert (result.merged, [o.line for o in result.skipped]) == ([], [2])
    assert "several contacts" in result.skipped[0].reason
    # the contact changed between the plan and the write: skipped, nothing overwritten
    file.write_text("first_name,last_name,phones,emails\n"
                    "Anna,Nowak,mobile: 601 234 567,anna@nowak.pl\n", encoding="utf-8")
    plan = import_file(repo, file, author="ola", dry_run=True, on_duplicate=MERGE_DUPLICATES)
    assert len(plan.merged) == 1
    repo.save(repo.get(first.id), author="piotr")  # version 2 now
    plan.dry_run = False
    write_import(repo, plan, author="ola")
    assert (plan.merged, [o.line for o in plan.skipped]) == ([], [2])
    assert "changed it meanwhile" in plan.skipped[0].reason
    assert open_repo(path).get(first.id).emails == []


def test_dry_run_writes_nothing(tmp_path, filled):
    out = tmp_path / "x.vcf"
    export_contacts(filled, filled.find(ContactQuery())[:5], out, "vcf")
    empty = tmp_path / "empty.json"
    create_database(empty, {})
    result = import_file(open_repo(empty), out, author="anna", dry_run=True)
    assert len(result.imported) == 5
    assert open_repo(empty).count() == 0


def test_an_import_is_one_batch_nothing_is_half_written(tmp_path, filled, monkeypatch):
    out = tmp_path / "x.vcf"
    export_contacts(filled, filled.find(ContactQuery())[:20], out, "vcf")
    empty = tmp_path / "empty.json"
    create_database(empty, {})
    repo = open_repo(empty)
    calls = 0
    original = repo.history.record

    def failing_record(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 10:
            raise OSError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(repo.history, "record", failing_record)
    with pytest.raises(OSError):
        import_file(repo, out, author="anna", on_duplicate=ADD_DUPLICATES)
    assert open_repo(empty).count() == 0


def test_a_failed_export_leaves_no_file_and_trashed_contacts_are_left_out(tmp_path, filled):
    first = filled.find(ContactQuery())[0]
    filled.delete(first, author="anna")
    out = tmp_path / "x.csv"
    assert export_contacts(filled, [first, *filled.find(ContactQuery())[:3]], out, "csv") == 3
    target = tmp_path / "missing" / "x.csv"
    with pytest.raises(StoreError, match=f"Cannot write {target}"):  # the file asked for, not a temporary one
        export_contacts(filled, [first], target, "csv")
    assert not list((tmp_path).glob(".*.tmp"))


@pytest.mark.parametrize("content", ["", "just some words\n", "\x00\x01\x02"])
def test_a_file_without_any_contact_says_so(tmp_path, repo, content):
    file = tmp_path / "nothing.vcf"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match="No contacts found"):
        import_file(repo, file, author="anna")


def test_a_utf8_file_with_a_damaged_stretch_keeps_its_polish_letters(tmp_path, filled):
    out = tmp_path / "six.vcf"
    export_contacts(filled, filled.find(ContactQuery())[:6], out, "vcf")
    cards = out.read_bytes().split(b"END:VCARD\r\n")
    damaged = b"END:VCARD\r\n".join(cards[:3]) + b"END:VCARD\r\n" + bytes(range(128, 256)) * 2 + b"\r\n"
    damaged += b"END:VCARD\r\n".join(cards[3:])
    file = tmp_path / "damaged.vcf"
    file.write_bytes(damaged)
    text = read_text(file)
    assert "ł" in text or "ó" in text or "ś" in text or "ż" in text  # not misread as cp1250
    empty = tmp_path / "empty.json"
    create_database(empty, {})
    result = import_file(open_repo(empty), file, author="anna", on_duplicate=ADD_DUPLICATES)
    names = sorted(open_repo(empty).get(o.contact_id).display_name for o in result.imported)
    assert names == sorted(filled.get(i).display_name for i in filled.find(ContactQuery())[:6])
    assert [o.reason for o in result.failed] == ["Text outside a card (BEGIN:VCARD missing)."]


def test_a_cp1250_file_is_still_read_as_cp1250(tmp_path):
    file = tmp_path / "old.csv"
    file.write_bytes("first_name,last_name\r\nŁukasz,Żółć\r\nŚwięty,Mikołaj\r\n".encode("cp1250"))
    assert read_text(file) == "first_name,last_name\nŁukasz,Żółć\nŚwięty,Mikołaj\n"  # lines end in \n


def test_a_record_that_does_not_validate_is_reported_by_the_fields_people_know(tmp_path, repo):
    file = tmp_path / "bad.csv"
    file.write_text("first_name,last_name,phone,email\r\nZła,Karta,12ab,bez-malpy\r\n", encoding="utf-8")
    (failed,) = import_file(repo, file, author="anna").failed
    assert failed.reason == "Phone 1: This does not look like a phone number. E-mail 1: An e-mail address needs an @ sign."


def test_a_card_glued_to_junk_is_still_read_and_failures_are_named(tmp_path, filled):
    out = tmp_path / "three.vcf"
    export_contacts(filled, filled.find(ContactQuery())[:3], out, "vcf")
    cards = out.read_bytes().split(b"END:VCARD\r\n")
    glued = cards[0] + b"END:VCARD\r\n" + b"\x00\x13junk]>" + cards[1] + b"END:VCARD\r\n" + cards[2]  # no END
    file = tmp_path / "glued.vcf"
    file.write_bytes(glued)
    empty = tmp_path / "empty.json"
    create_database(empty, {})
    result = import_file(open_repo(empty), file, author="anna", on_duplicate=ADD_DUPLICATES)
    names = [filled.get(i).display_name for i in filled.find(ContactQuery())[:3]]
    assert [o.name for o in result.imported] == names[:2]  # the glued card too
    assert [(o.name, "outside a card" in o.reason or "END:VCARD" in o.reason) for o in result.failed] == [
        ("", True), (names[2], True)]


def test_a_csv_row_that_cannot_be_read_is_named_by_its_first_cells(tmp_path, repo):
    file = tmp_path / "bad.csv"
    file.write_text('first_name,last_name\r\nBartek,"Nowak"x\r\nOla,Wrona,zbędna\r\n', encoding="utf-8")
    result = import_file(repo, file, author="anna", dry_run=True)
    assert [o.name for o in result.failed] == ["Bartek Nowak x", "Ola Wrona"]
