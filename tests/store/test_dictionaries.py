"""The dictionaries are shared through the database file; an entry in use is never deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_person

from tui_crm.domain.contact import Phone
from tui_crm.domain.dictionaries import (
    ACQUISITION_SOURCES,
    CONTACT_ROLES,
    DEFAULTS,
    PHONE_TYPES,
    DictionaryError,
    Entry,
)
from tui_crm.store import ContactRepository, Database, StoreError
from tui_crm.store.dictionaries import LEGACY_ROLES_SETTING, DictionaryRepository
from tui_crm.store.settings import SettingsRepository


def fresh(path: Path) -> DictionaryRepository:
    """What another program reads from the file now."""
    return DictionaryRepository(Database(path))


def labels(repo: DictionaryRepository, name: str) -> list[str]:
    return [e.label for e in repo.entries(name)]


def counting_phone_types(repo: DictionaryRepository, contacts: ContactRepository) -> None:
    """The counter the application registers for phone types."""
    repo.count_uses(PHONE_TYPES, lambda keys: contacts.count_matching(
        lambda doc: any(p.get("type", "mobile") in keys for p in doc.get("phones", []))))


def test_defaults_until_edited_then_the_stored_list_for_every_session(db_path: Path) -> None:
    mine, theirs = fresh(db_path), fresh(db_path)
    assert mine.entries(PHONE_TYPES) == list(DEFAULTS[PHONE_TYPES])
    mine.add(PHONE_TYPES, "fax", author="anna")
    mine.rename(PHONE_TYPES, "work", "office", author="anna")
    mine.archive(PHONE_TYPES, "home", True, author="anna")
    mine.move(PHONE_TYPES, "fax", -1, author="anna")
    expected = [Entry("mobile", "mobile", builtin=True), Entry("work", "office"), Entry("fax", "fax"),
                Entry("home", "home", archived=True, builtin=True)]
    assert mine.entries(PHONE_TYPES) == expected
    theirs.database.poll()
    assert theirs.entries(PHONE_TYPES) == expected
    assert fresh(db_path).entries(PHONE_TYPES) == expected
    assert fresh(db_path).entries(ACQUISITION_SOURCES) == list(DEFAULTS[ACQUISITION_SOURCES])  # untouched


def test_edits_of_two_sessions_both_land(db_path: Path) -> None:
    mine, theirs = fresh(db_path), fresh(db_path)
    mine.add(CONTACT_ROLES, "Prokurent", author="anna")
    theirs.add(CONTACT_ROLES, "Kierowca", author="piotr")  # not polled: the write catches up first
    assert labels(fresh(db_path), CONTACT_ROLES)[-2:] == ["Prokurent", "Kierowca"]
    with pytest.raises(DictionaryError, match="already on the list"):
        theirs.add(CONTACT_ROLES, "prokurent", author="piotr")


def test_an_entry_in_use_is_refused_deletion_and_nothing_is_written(db_path: Path) -> None:
    contacts = ContactRepository(Database(db_path))
    contacts.save(make_person("Jan", "Nowak", phones=[Phone("+48601234567", "work"), Phone("+48221234567", "fax")]),
                  author="a")
    repo = DictionaryRepository(contacts.database)
    counting_phone_types(repo, contacts)
    repo.add(PHONE_TYPES, "fax", author="a")
    assert (repo.uses(PHONE_TYPES, "work"), repo.uses(PHONE_TYPES, "fax"), repo.uses(PHONE_TYPES, "home")) == (1, 1, 0)
    with pytest.raises(DictionaryError, match="used by 1 record,.*archive"):
        repo.delete(PHONE_TYPES, "fax", author="a")
    repo.delete(PHONE_TYPES, "home", author="a")
    assert [e.key for e in fresh(db_path).entries(PHONE_TYPES)] == ["mobile", "work", "fax"]


def test_uses_count_records_holding_the_label_too(db_path: Path) -> None:
    """Roles and sources are stored as the text chosen, which may be a renamed entry's old label."""
    repo = fresh(db_path)
    stored = ["CEO", "Prezes", "Prezes", "Owner"]
    repo.count_uses(CONTACT_ROLES, lambda keys: sum(role in keys for role in stored))
    assert repo.uses(CONTACT_ROLES, "CEO") == 1
    repo.rename(CONTACT_ROLES, "CEO", "Prezes", author="a")
    assert repo.uses(CONTACT_ROLES, "CEO") == 3


def test_remember_adds_only_what_the_list_lacks_and_writes_nothing_otherwise(db_path: Path) -> None:
    repo = fresh(db_path)
    writes: list[object] = []
    repo.database.subscribe(writes.append)
    for typed in ("", "  ", "Mobile", "WORK", "home"):
        repo.remember(PHONE_TYPES, typed, author="a")
    assert writes == []
    repo.remember(PHONE_TYPES, " fax  line ", author="a")
    repo.remember(PHONE_TYPES, "FAX LINE", author="a")
    assert len(writes) == 1
    assert labels(fresh(db_path), PHONE_TYPES) == ["mobile", "work", "home", "fax line"]


def test_an_unchanged_list_is_not_written_again(db_path: Path) -> None:
    repo = fresh(db_path)
    repo.add(PHONE_TYPES, "fax", author="a")
    writes: list[object] = []
    repo.database.subscribe(writes.append)
    repo.move(PHONE_TYPES, "mobile", -1, author="a")  # already first
    assert writes == []


def test_roles_kept_in_the_old_setting_are_carried_over(db_path: Path) -> None:
    SettingsRepository(Database(db_path)).set(LEGACY_ROLES_SETTING, ["CEO", "Prokurent"], author="a")
    roles = fresh(db_path).entries(CONTACT_ROLES)
    assert [e.key for e in roles][-1] == "Prokurent" and [e.key for e in roles].count("CEO") == 1


def test_refusals_of_the_store_and_the_domain(db_path: Path) -> None:
    repo = fresh(db_path)
    with pytest.raises(DictionaryError, match="no longer exists"):
        repo.rename(PHONE_TYPES, "pager", "Pager", author="a")
    with pytest.raises(DictionaryError, match="no longer exists"):
        repo.move(PHONE_TYPES, "pager", 1, author="a")
    with pytest.raises(ValueError, match="unknown dictionary"):
        repo.add("colours", "red", author="a")
    read_only = DictionaryRepository(Database(db_path, read_only=True))
    with pytest.raises(StoreError):
        read_only.add(PHONE_TYPES, "fax", author="a")
    assert read_only.entries(PHONE_TYPES) == list(DEFAULTS[PHONE_TYPES])
