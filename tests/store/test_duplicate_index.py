"""The duplicates index: built when first asked, then kept current by every save, delete and
another session's write; what it finds is what the domain's rule finds."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from factories import make_org, make_person
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_crm.domain.contact import Address, Contact, Email, Phone
from tui_crm.domain.duplicates import (
    SAME_EMAIL,
    SAME_PHONE,
    SIMILAR_NAME,
    Match,
    contact_keys,
    duplicate_groups,
)
from tui_crm.store import ContactRepository, Database
from tui_crm.store import duplicate_index as module
from tui_crm.store.duplicate_index import DuplicateIndex


def krakow() -> list[Address]:
    return [Address("Rynek 1", "31-001", "Kraków", "PL")]


def open_index(path: Path) -> tuple[ContactRepository, DuplicateIndex]:
    contacts = ContactRepository(Database(path))
    return contacts, DuplicateIndex(contacts)


def test_it_is_built_only_when_first_asked(db_path: Path) -> None:
    contacts, index = open_index(db_path)
    anna = contacts.save(make_person("Anna", "Nowak", phones=[Phone("600 100 200")]), author="t")
    assert not index.built
    assert index.for_contact(make_person("Zofia", "Kowalczyk", phones=[Phone("+48 600 100 200")])) == [
        Match(anna.id, (SAME_PHONE,))]
    assert index.built


def test_an_edited_contact_is_not_its_own_duplicate(db_path: Path) -> None:
    contacts, index = open_index(db_path)
    anna = contacts.save(make_person("Anna", "Nowak", phones=[Phone("600 100 200")], addresses=krakow()), author="t")
    twin = contacts.save(make_person("Anna", "Nowak", addresses=krakow()), author="t")
    assert index.for_contact(anna) == [Match(twin.id, (SIMILAR_NAME,))]
    assert index.for_contact(replace(anna, id=None), exclude_id=anna.id) == [Match(twin.id, (SIMILAR_NAME,))]


def test_saves_deletes_and_restores_are_followed(db_path: Path) -> None:
    contacts, index = open_index(db_path)
    probe = make_person("Zofia", "Kowalczyk", phones=[Phone("600100200")], emails=[Email("a@b.pl")])
    assert index.for_contact(probe) == []
    anna = contacts.save(make_person("Anna", "Nowak", phones=[Phone("600 100 200")]), author="t")
    assert index.for_contact(probe) == [Match(anna.id, (SAME_PHONE,))]
    anna = contacts.save(replace(anna, phones=[Phone("600 100 201")], emails=[Email("A@b.pl")]), author="t")
    assert index.for_contact(probe) == [Match(anna.id, (SAME_EMAIL,))]
    contacts.delete(anna.id, author="t")
    assert index.for_contact(probe) == []
    contacts.restore(anna.id, author="t")
    assert index.for_contact(probe) == [Match(anna.id, (SAME_EMAIL,))]


def test_another_sessions_saves_are_seen_after_a_poll(db_path: Path) -> None:
    contacts, index = open_index(db_path)
    assert index.groups() == []
    theirs = ContactRepository(Database(db_path))
    first = theirs.save(make_org("Alfa Sp. z o.o.", addresses=krakow()), author="them")
    second = theirs.save(make_org("ALFA S.A.", addresses=krakow()), author="them")
    assert index.groups() == []  # not polled yet
    contacts.database.poll()
    assert index.groups() == [[first.id, second.id]]
    assert index.report()[0].reasons == (SIMILAR_NAME,)


def test_a_full_reload_builds_it_again(db_path: Path) -> None:
    contacts, index = open_index(db_path)
    index.build()
    theirs = ContactRepository(Database(db_path))
    anna = theirs.save(make_person("Anna", "Nowak", emails=[Email("anna@x.pl")]), author="them")
    theirs.database.compact()  # we never saw the save: we must load their snapshot
    contacts.database.poll()
    assert not index.built
    assert index.for_contact(make_person("A", "N", emails=[Email("anna@x.pl")])) == [Match(anna.id, (SAME_EMAIL,))]


async def test_ready_builds_in_a_thread_and_keeps_changes_made_meanwhile(db_path: Path, monkeypatch) -> None:
    contacts, index = open_index(db_path)
    anna = contacts.save(make_person("Anna", "Nowak", phones=[Phone("600 100 200")]), author="t")
    started, release = threading.Event(), threading.Event()
    real_compute = module._compute

    def slow_compute(items):
        started.set()
        release.wait(5)
        return real_compute(items)

    monkeypatch.setattr(module, "_compute", slow_compute)
    building = asyncio.ensure_future(index.ready())
    await asyncio.to_thread(started.wait, 5)
    # while the thread works on its snapshot: a new contact, and anna's phone changed
    jan = contacts.save(make_person("Jan", "Wiśniewski", phones=[Phone("600 100 200")]), author="t")
    contacts.save(replace(anna, phones=[Phone("600 100 209")]), author="t")
    waiting_too = asyncio.ensure_future(index.ready())  # a second caller shares the build
    release.set()
    await asyncio.gather(building, waiting_too)
    assert index.built
    assert index.for_contact(make_person("X", "Y", phones=[Phone("600100200")])) == [Match(jan.id, (SAME_PHONE,))]
    groups = await index.report_ready()
    assert groups == []


def test_the_report_is_the_domains_groups_of_the_live_contacts(db_path: Path) -> None:
    contacts, index = open_index(db_path)
    saved = [contacts.save(c, author="t") for c in [
        make_person("Jan", "Kowalski", addresses=krakow(), phones=[Phone("600 100 200")]),
        make_person("Jan", "Kowalsky", addresses=krakow()),
        make_person("Ewa", "Nowak", phones=[Phone("+48600100200")]),
        make_person("Ewa", "Zielińska", emails=[Email("ewa@z.pl")]),
        make_person("Ewa", "Zielińska", emails=[Email("EWA@z.pl")]),
    ]]
    contacts.delete(saved[4].id, author="t")
    live = {c.id: contact_keys(contacts.get(c.id)) for c in saved[:4]}
    assert index.report() == duplicate_groups(live)
    assert index.groups() == [[saved[0].id, saved[1].id, saved[2].id]]


contacts_to_save = st.lists(st.builds(
    lambda first, phone, city: make_person(first, "Nowak", phones=[Phone(phone)] if phone else [],
                                           addresses=[Address("", "", city, "PL")] if city else []),
    st.sampled_from(["Anna", "Ana", "Jan"]), st.sampled_from(["", "600100200", "600100201"]),
    st.sampled_from(["", "Kraków", "Łódź"])), min_size=1, max_size=5)


@settings(max_examples=25)
@given(contacts_to_save, st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["delete", "edit", "restore"])),
                                  max_size=5))
def test_following_changes_gives_what_a_fresh_build_gives(new: list[Contact], changes: list[tuple[int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crm.json"
        contacts, index = open_index(path)
        index.build()
        ids = [contacts.save(contact, author="t").id for contact in new]
        for position, change in changes:
            contact = contacts.get(ids[position % len(ids)])
            if change == "delete" and not contact.deleted_at:
                contacts.delete(contact.id, author="t")
            elif change == "restore" and contact.deleted_at:
                contacts.restore(contact.id, author="t")
            elif change == "edit" and not contact.deleted_at:
                contacts.save(replace(contact, phones=[Phone("600100201")], addresses=[]), author="t")
        assert index.report() == DuplicateIndex(ContactRepository(Database(path))).report()
