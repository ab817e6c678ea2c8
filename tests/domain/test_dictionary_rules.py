"""The rules of the editable dictionaries: unique names, archive instead of delete, order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm import i18n
from tui_crm.domain.dictionaries import (
    ACQUISITION_SOURCES,
    CONTACT_ROLES,
    DEFAULTS,
    DICTIONARY_NAMES,
    PHONE_TYPES,
    DictionaryError,
    Entry,
    add_entry,
    choices,
    delete_entry,
    dictionary_title,
    key_for,
    label_of,
    move_entry,
    rename_entry,
    set_archived,
)

PHONES = list(DEFAULTS[PHONE_TYPES])


def keys(entries: list[Entry]) -> list[str]:
    return [e.key for e in entries]


def test_every_dictionary_has_a_title_and_defaults_with_unique_keys() -> None:
    for name in DICTIONARY_NAMES:
        assert dictionary_title(name)
        defaults = DEFAULTS[name]
        assert defaults and len({e.key for e in defaults}) == len(defaults)
    assert keys(PHONES) == ["mobile", "work", "home"]
    assert "polecenie" in keys(list(DEFAULTS[ACQUISITION_SOURCES]))


def test_builtin_labels_are_translated_until_renamed() -> None:
    i18n.setup("pl")
    try:
        assert label_of(PHONES, "mobile") == "komórkowy"
        renamed = rename_entry(PHONES, "mobile", "kom.")
        assert label_of(renamed, "mobile") == "kom."  # the record keeps the key, shows the new name
        assert not renamed[0].builtin
    finally:
        i18n.setup("en")


def test_label_of_an_unknown_key_is_the_stored_text() -> None:
    assert label_of(PHONES, "fax") == "fax"
    assert label_of(PHONES, "work") == "work"


def test_archived_entries_are_not_offered_except_to_the_record_that_has_one() -> None:
    archived = set_archived(PHONES, "home", True)
    assert keys(choices(archived)) == ["mobile", "work"]
    assert keys(choices(archived, "home")) == ["mobile", "work", "home"]
    assert label_of(archived, "home") == "home"  # still shown on old records
    assert keys(choices(set_archived(archived, "home", False))) == ["mobile", "work", "home"]
    # text-valued fields may hold the label shown rather than the key
    roles = set_archived(rename_entry(list(DEFAULTS[CONTACT_ROLES]), "CEO", "Prezes"), "CEO", True)
    assert "CEO" in keys(choices(roles, "Prezes"))


def test_add_tidies_spaces_and_refuses_empty_and_duplicate_names() -> None:
    added = add_entry(PHONES, "  fax   line ")
    assert added[-1] == Entry("fax line", "fax line")
    with pytest.raises(DictionaryError, match="cannot be empty"):
        add_entry(PHONES, "   ")
    with pytest.raises(DictionaryError, match="already on the list"):
        add_entry(PHONES, "WORK")
    with pytest.raises(DictionaryError, match="already on the list"):
        add_entry(rename_entry(PHONES, "work", "office"), "Work")  # the key still names the old entry


def test_rename_keeps_the_key_and_refuses_a_name_taken_by_another_entry() -> None:
    renamed = rename_entry(PHONES, "work", "Office")
    assert renamed[1] == Entry("work", "Office")
    assert rename_entry(renamed, "work", "OFFICE")[1].label == "OFFICE"  # its own name, other case
    with pytest.raises(DictionaryError, match="already on the list"):
        rename_entry(renamed, "home", "office")
    with pytest.raises(DictionaryError, match="no longer exists"):
        rename_entry(PHONES, "pager", "Pager")


def test_an_entry_in_use_cannot_be_deleted_only_archived() -> None:
    with pytest.raises(DictionaryError) as refused:
        delete_entry(PHONES, "work", uses=3)
    assert "3" in str(refused.value) and "archive" in str(refused.value)
    assert keys(delete_entry(PHONES, "work", uses=0)) == ["mobile", "home"]
    with pytest.raises(DictionaryError, match="no longer exists"):
        delete_entry(PHONES, "pager", uses=0)


def test_move_steps_within_the_list() -> None:
    assert keys(move_entry(PHONES, "home", -1)) == ["mobile", "home", "work"]
    assert keys(move_entry(PHONES, "mobile", -1)) == ["mobile", "work", "home"]  # already first
    assert keys(move_entry(PHONES, "mobile", 1)) == ["work", "mobile", "home"]
    assert keys(move_entry(PHONES, "home", 1)) == ["mobile", "work", "home"]
    with pytest.raises(DictionaryError, match="no longer exists"):
        move_entry(PHONES, "pager", 1)


def test_key_for_maps_what_was_typed_to_the_stored_key() -> None:
    renamed = rename_entry(PHONES, "work", "Office")
    assert key_for(renamed, "office ") == "work"
    assert key_for(renamed, "WORK") == "work"  # the key itself, as old records hold it
    assert key_for(renamed, " fax  line ") == "fax line"  # not on the list: the text, tidied
    assert key_for(renamed, "") == ""


# -- properties ----------------------------------------------------------------------------

names = st.text(alphabet=st.sampled_from("aAbBcC ßs"), min_size=0, max_size=5)
edits = st.lists(st.tuples(st.sampled_from(["add", "rename", "archive", "move"]), names, st.integers(0, 20)),
                 max_size=25)


def apply(entries: list[Entry], edit: tuple[str, str, int]) -> list[Entry]:
    """One edit as a user might try it; a refused one leaves the list as it was."""
    action, name, index = edit
    key = entries[index % len(entries)].key if entries else "missing"
    try:
        if action == "add":
            return add_entry(entries, name)
        if action == "rename":
            return rename_entry(entries, key, name)
        if action == "archive":
            return set_archived(entries, key, index % 2 == 0)
        return move_entry(entries, key, 1 if index % 2 else -1)
    except DictionaryError:
        return entries


@given(edits)
def test_no_edit_sequence_makes_two_entries_look_alike(sequence: list[tuple[str, str, int]]) -> None:
    entries = list(DEFAULTS[PHONE_TYPES])
    for edit in sequence:
        entries = apply(entries, edit)
        shown = [e.shown().casefold() for e in entries]
        assert len(set(shown)) == len(shown)
        assert len({e.key.casefold() for e in entries}) == len(entries)
        assert all(e.shown() == " ".join(e.shown().split()) and e.shown() for e in entries)


@given(st.lists(names, max_size=8), st.integers(0, 20), st.integers(-3, 3))
def test_move_keeps_the_same_entries(labels: list[str], index: int, step: int) -> None:
    entries = list(DEFAULTS[PHONE_TYPES])
    for label in labels:
        entries = apply(entries, ("add", label, 0))
    key = entries[index % len(entries)].key
    moved = move_entry(entries, key, step)
    assert sorted(moved, key=lambda e: e.key) == sorted(entries, key=lambda e: e.key)
    target = max(0, min(len(entries) - 1, entries.index(next(e for e in entries if e.key == key)) + step))
    assert moved[target].key == key
