"""Every change to a contact leaves a field-history entry, written with the change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from factories import make_person

from tui_crm.store import ContactRepository, Database


def entries(path: Path, contact_id: int) -> list[tuple[str, str, list[tuple]]]:
    history = ContactRepository(Database(path)).history
    return [(e.action, e.author, [(c.field, c.old, c.new) for c in e.changes]) for e in history.of("contact", contact_id)]


def test_create_edit_note_trash_and_restore_are_recorded(db_path: Path) -> None:
    contacts = ContactRepository(Database(db_path))
    saved = contacts.save(make_person("Anna", "Nowak"), author="anna")
    edited = contacts.save(replace(saved, last_name="Nowak-Kowalska", account_manager="piotr"), author="piotr")
    contacts.save(replace(edited), author="piotr")  # nothing changed: nothing recorded
    contacts.add_note(saved.id, "Dzwoniła w sprawie faktury", author="kasia")
    contacts.delete(saved.id, author="anna")
    contacts.restore(saved.id, author="piotr")
    assert entries(db_path, saved.id) == [
        ("restored", "piotr", []),
        ("deleted", "anna", []),
        ("note_added", "kasia", [("notes", None, "Dzwoniła w sprawie faktury")]),
        ("edited", "piotr", [("account_manager", None, "piotr"), ("last_name", "Nowak", "Nowak-Kowalska")]),
        ("created", "anna", []),
    ]


def test_another_session_sees_the_entries_of_a_save(db_path: Path) -> None:
    mine, theirs = ContactRepository(Database(db_path)), ContactRepository(Database(db_path))
    saved = mine.save(make_person("Jan", "Zieliński"), author="anna")
    theirs.database.poll()
    assert [e.action for e in theirs.history.of("contact", saved.id)] == ["created"]
