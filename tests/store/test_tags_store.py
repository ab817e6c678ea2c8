"""Renaming, merging and deleting tags: one write over all contacts, versions, field history."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm.domain.tags import TagError
from tui_crm.store import ContactRepository, Database
from tui_crm.store.tags import TagService


@pytest.fixture
def tagged(db_path: Path) -> dict[str, int]:
    contacts = ContactRepository(Database(db_path))
    saved = [
        contacts.save(make_person("Anna", "Nowak", tags=["VIP", "hurt"]), author="seed"),
        contacts.save(make_person("Jan", "Kowalski", tags=["vip"]), author="seed"),
        contacts.save(make_org("Alfa", tags=["hurt", "stały klient"]), author="seed"),
        contacts.save(make_org("Beta", tags=["detal"]), author="seed"),
        contacts.save(make_person("Ewa", "Zielińska", tags=["VIP"]), author="seed"),
    ]
    contacts.delete(saved[4].id, author="seed")  # in the trash: changed too, not counted
    return {c.display_name: c.id for c in saved}


def tags_of(path: Path) -> dict[str, list[str]]:
    contacts = ContactRepository(Database(path))
    return {c.display_name: c.tags for c in map(contacts.get, [i for i, _ in contacts.database.table("contacts").raw_items()])}


def test_rename_is_one_write_that_another_session_sees_whole(db_path: Path, tagged: dict[str, int]) -> None:
    mine, theirs = ContactRepository(Database(db_path)), ContactRepository(Database(db_path))
    batches: list[list] = []
    theirs.database.subscribe(batches.append)

    assert TagService(mine).rename("vip", "Klient VIP", author="anna") == 2

    assert theirs.database.poll()
    assert len(batches) == 1  # the three contacts and their history entries arrive together
    assert sorted((table, doc_id) for table, doc_id, _doc in batches[0] if table == "contacts") == sorted(
        ("contacts", tagged[name]) for name in ("Anna Nowak", "Jan Kowalski", "Ewa Zielińska"))
    assert len([op for op in batches[0] if op[0] == "history"]) == 3
    assert tags_of(db_path) == {
        "Anna Nowak": ["Klient VIP", "hurt"], "Jan Kowalski": ["Klient VIP"], "Alfa": ["hurt", "stały klient"],
        "Beta": ["detal"], "Ewa Zielińska": ["Klient VIP"],
    }
    anna = theirs.get(tagged["Anna Nowak"])
    assert anna.version == 2 and anna.updated_by == "anna"
    assert theirs.get(tagged["Alfa"]).version == 1  # untouched
    entry = theirs.history.of("contact", tagged["Jan Kowalski"])[0]
    assert (entry.action, entry.author) == ("bulk_edited", "anna")
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("tags", ["vip"], ["Klient VIP"])]
    assert [e.action for e in theirs.history.of("contact", tagged["Alfa"])] == ["created"]
    assert theirs.tag_counts() == {"Klient VIP": 2, "hurt": 2, "stały klient": 1, "detal": 1}


def test_rename_onto_an_existing_tag_leaves_no_duplicate(db_path: Path, tagged: dict[str, int]) -> None:
    contacts = ContactRepository(Database(db_path))
    assert TagService(contacts).rename("hurt", "vip", author="anna") == 2
    tags = tags_of(db_path)
    assert tags["Anna Nowak"] == ["vip"] and tags["Alfa"] == ["vip", "stały klient"]


def test_merge_several_tags_into_one(db_path: Path, tagged: dict[str, int]) -> None:
    contacts = ContactRepository(Database(db_path))
    assert TagService(contacts).merge(["hurt", "detal"], "Sprzedaż", author="piotr") == 3
    tags = tags_of(db_path)
    assert tags["Anna Nowak"] == ["VIP", "Sprzedaż"]
    assert tags["Alfa"] == ["Sprzedaż", "stały klient"] and tags["Beta"] == ["Sprzedaż"]
    assert tags["Jan Kowalski"] == ["vip"]
    beta = ContactRepository(Database(db_path)).get(tagged["Beta"])
    assert beta.version == 2


def test_delete_takes_the_tag_off_and_keeps_the_contacts(db_path: Path, tagged: dict[str, int]) -> None:
    contacts = ContactRepository(Database(db_path))
    assert TagService(contacts).delete("detal", author="anna") == 1
    fresh = ContactRepository(Database(db_path))
    beta = fresh.get(tagged["Beta"])
    assert beta.tags == [] and beta.version == 2 and not beta.deleted_at
    assert "tags" not in fresh.doc(tagged["Beta"])  # stored compactly, like every save
    entry = fresh.history.of("contact", tagged["Beta"])[0]
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("tags", ["detal"], None)]


def test_a_bad_name_writes_nothing(db_path: Path, tagged: dict[str, int]) -> None:
    contacts = ContactRepository(Database(db_path))
    size = contacts.database.journal.path.stat().st_size
    with pytest.raises(TagError):
        TagService(contacts).rename("vip", "a, b", author="anna")
    assert contacts.database.journal.path.stat().st_size == size
    assert tags_of(db_path)["Jan Kowalski"] == ["vip"]


def test_a_newer_version_saved_meanwhile_is_built_upon(db_path: Path, tagged: dict[str, int]) -> None:
    """The write reads each contact under the lock: another session's save is never overwritten."""
    mine, theirs = ContactRepository(Database(db_path)), ContactRepository(Database(db_path))
    jan = theirs.get(tagged["Jan Kowalski"])
    jan.position = "Prezes"
    theirs.save(jan, author="piotr")
    TagService(mine).rename("vip", "VIP+", author="anna")  # mine has not polled yet
    fresh = ContactRepository(Database(db_path)).get(tagged["Jan Kowalski"])
    assert (fresh.position, fresh.tags, fresh.version) == ("Prezes", ["VIP+"], 3)
