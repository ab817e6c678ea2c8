"""Bulk writes: save_many (bulk edit) and delete_many (bulk trash), one write for all contacts;
contacts changed meanwhile by another session, trashed or invalid are skipped with the reason."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from factories import make_org, make_person

from tui_crm.domain.bulk_edit import AddressEdit, BulkEdit
from tui_crm.domain.contact import Address
from tui_crm.store import ContactRepository, Database


def history_of(path: Path, contact_id: int) -> list[tuple[str, str, list[tuple]]]:
    history = ContactRepository(Database(path)).history
    return [(e.action, e.author, [(c.field, c.old, c.new) for c in e.changes]) for e in history.of("contact", contact_id)]


def test_edits_are_saved_as_new_versions_with_history(db_path: Path) -> None:
    repo = ContactRepository(Database(db_path))
    anna = repo.save(make_person("Anna", "Nowak", tags=["VIP"]), author="seed")
    alfa = repo.save(make_org("Alfa"), author="seed")
    edit = BulkEdit(account_manager="piotr", tags_add=("hurt",))
    journal_size = repo.database.journal.path.stat().st_size

    result = repo.save_many([(edit.apply(c), c.version) for c in (anna, alfa)], author="kasia")

    assert result.saved == (anna.id, alfa.id) and result.skipped == ()
    fresh = ContactRepository(Database(db_path))
    assert [(c.account_manager, c.tags, c.version, c.updated_by) for c in map(fresh.get, (anna.id, alfa.id))] == [
        ("piotr", ["VIP", "hurt"], 2, "kasia"),
        ("piotr", ["hurt"], 2, "kasia"),
    ]
    assert history_of(db_path, anna.id)[0] == (
        "bulk_edited", "kasia", [("account_manager", None, "piotr"), ("tags", ["VIP"], ["VIP", "hurt"])])
    assert fresh.database.journal.path.stat().st_size > journal_size
    assert fresh.database._last_seq == repo.database._last_seq == 3  # two saves, then one write


def test_a_contact_another_session_changed_meanwhile_is_skipped(db_path: Path) -> None:
    mine = ContactRepository(Database(db_path))
    anna = mine.save(make_person("Anna", "Nowak"), author="seed")
    jan = mine.save(make_person("Jan", "Zieliński"), author="seed")
    edit = BulkEdit(supplier=True)
    edits = [(edit.apply(c), c.version) for c in (anna, jan)]  # the preview, before the other save

    theirs = ContactRepository(Database(db_path))
    theirs.save(replace(theirs.get(jan.id), position="Dyrektor"), author="piotr")
    result = mine.save_many(edits, author="kasia")

    assert result.saved == (anna.id,)
    assert [(s.contact_id, s.name, s.reason) for s in result.skipped] == [
        (jan.id, "Jan Zieliński", "piotr changed it meanwhile.")]
    fresh = ContactRepository(Database(db_path))
    kept = fresh.get(jan.id)
    assert (kept.position, kept.supplier, kept.version) == ("Dyrektor", False, 2)  # theirs is kept whole
    assert fresh.get(anna.id).supplier is True
    assert [e[0] for e in history_of(db_path, jan.id)] == ["edited", "created"]


def test_trashed_gone_and_invalid_contacts_are_skipped_with_the_reason(db_path: Path) -> None:
    repo = ContactRepository(Database(db_path))
    anna, jan, alfa = (repo.save(c, author="seed") for c in (
        make_person("Anna", "Nowak"), make_person("Jan", "Kos"), make_org("Alfa", addresses=[Address(city="Łódź")])))
    edit = BulkEdit(address=AddressEdit(postal_code="abc"))
    edits = [(edit.apply(c), c.version) for c in (anna, jan, alfa)]
    other = ContactRepository(Database(db_path))
    other.delete(anna.id, author="piotr")
    other.delete(jan.id, author="piotr")
    other.purge(jan.id)

    result = repo.save_many(edits, author="kasia")

    assert result.saved == ()
    assert [(s.name, s.reason) for s in result.skipped] == [
        ("Anna Nowak", "piotr moved it to the trash meanwhile."),
        ("Jan Kos", "It no longer exists."),
        ("Alfa", "Enter the postal code as 00-000."),
    ]
    assert ContactRepository(Database(db_path)).get(alfa.id).version == 1


def test_delete_many_trashes_in_one_write_and_skips_those_already_in_the_trash(db_path: Path) -> None:
    repo = ContactRepository(Database(db_path))
    ids = [repo.save(make_person("Osoba", str(n)), author="seed").id for n in range(3)]
    repo.delete(ids[0], author="piotr")
    seq = repo.database._last_seq

    result = repo.delete_many([*ids, ids[1]], author="kasia")

    assert result.saved == (ids[1], ids[2])
    assert [(s.name, s.reason) for s in result.skipped] == [("Osoba 0", "piotr moved it to the trash meanwhile.")]
    fresh = ContactRepository(Database(db_path))
    assert fresh.database._last_seq == seq + 1
    assert fresh.find() == []
    assert [(c.deleted_by, c.version) for c in map(fresh.get, ids[1:])] == [("kasia", 2), ("kasia", 2)]
    assert history_of(db_path, ids[2])[0][:2] == ("deleted", "kasia")


def test_a_big_batch_leaves_the_index_as_a_fresh_open_would_see_it(db_path: Path) -> None:
    """Past BULK_CHANGE contacts the sorted orders are re-sorted instead of patched."""
    from tui_crm.store.contact_index import BULK_CHANGE, ContactQuery

    contacts = ContactRepository(Database(db_path))
    people = [contacts.save(make_person(f"Osoba{i:03d}", "Nowak"), author="a") for i in range(BULK_CHANGE + 30)]
    queries = [ContactQuery(), ContactQuery(sort="name", descending=True), ContactQuery(text="zmieniona")]
    for query in queries:
        contacts.find(query)  # orders and recent results exist before the batch
    edits = [(replace(p, last_name="Zmieniona" if i % 2 else "Abacka"), p.version) for i, p in enumerate(people)]
    other = ContactRepository(Database(db_path))  # sees the batch through its poll
    contacts.save_many(edits, author="b")
    contacts.delete_many([people[0].id, people[1].id], author="b")
    other.database.poll()
    fresh = ContactRepository(Database(db_path))
    for query in queries:
        assert contacts.find(query) == other.find(query) == fresh.find(query)
