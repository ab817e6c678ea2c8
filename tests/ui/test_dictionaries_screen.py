"""The dictionaries screen (F6) from the keyboard, and the forms that offer its entries.

What the app wrote is read back with a fresh DictionaryRepository on the file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from factories import make_person
from textual.widgets import Input, OptionList, Static

from tui_crm.domain.activity import Activity, to_utc_text
from tui_crm.domain.contact import Phone
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.dictionaries import (
    ACQUISITION_SOURCES,
    ACTIVITY_KINDS,
    CONTACT_ROLES,
    DEFAULTS,
    DICTIONARY_NAMES,
    PHONE_TYPES,
    Entry,
    choices,
    label_of,
)
from tui_crm.store import ContactRepository, Database
from tui_crm.store.activities import ActivityRepository
from tui_crm.store.dictionaries import DictionaryRepository
from tui_crm.store.history import HistoryRepository
from tui_crm.store.links import LinkRepository
from tui_crm.ui.contact_details import detail_lines
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.contact_person_form import ContactPersonFormScreen
from tui_crm.ui.screens.dictionaries import DictionariesScreen, EntryNameDialog
from tui_crm.ui.screens.person_picker import ContactPickerScreen
from tui_crm.ui.widgets.contact_rows import PhoneRow

ALFA, ANNA = "Alfa Sp. z o.o.", "Anna Nowak"


def dictionaries_on(path: Path) -> DictionaryRepository:
    """A fresh repository on the file: what another program reads from disk now."""
    return DictionaryRepository(Database(path))


async def until(pilot, condition, tries: int = 500) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


async def open_dictionary(pilot, name: str) -> DictionariesScreen:
    """F6, the cursor down the left list to ``name``, then into its entries."""
    await pilot.press("f6")
    screen = pilot.app.screen
    assert isinstance(screen, DictionariesScreen)
    assert screen.query_one("#dictionary-names", OptionList).has_focus
    await pilot.press(*["down"] * DICTIONARY_NAMES.index(name), "right")
    assert screen.query_one("#dictionary-entries", OptionList).has_focus
    return screen


def shown_entries(screen: DictionariesScreen) -> list[str]:
    entries = screen.query_one("#dictionary-entries", OptionList)
    return [str(entries.get_option_at_index(i).prompt) for i in range(entries.option_count)]


def highlighted(screen: DictionariesScreen) -> str:
    entries = screen.query_one("#dictionary-entries", OptionList)
    return str(entries.get_option_at_index(entries.highlighted).prompt)


def info(screen: DictionariesScreen) -> str:
    return str(screen.query_one("#entry-info", Static).render())


async def name_entry(pilot, text: str) -> EntryNameDialog:
    """In the open name dialog: clear the field, type ``text``, press enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, EntryNameDialog)
    await pilot.press("end", "ctrl+u")
    assert dialog.query_one("#entry-name", Input).has_focus
    for char in text:
        await pilot.press(char if char != " " else "space")
    await pilot.press("enter")
    return dialog


# -- the screen ----------------------------------------------------------------------------


async def test_add_rename_archive_and_move_an_entry(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_dictionary(pilot, PHONE_TYPES)
        assert shown_entries(screen) == ["mobile", "work", "home"]
        footer = ui.screen_lines(app)[-1]
        for hint in ("n Add", "e Rename", "a Archive", "d Delete", "Move", "esc Back", "f1 Help"):
            assert hint in footer

        await pilot.press("n")
        await name_entry(pilot, "fax")
        await until(pilot, lambda: app.screen is screen)
        assert shown_entries(screen) == ["mobile", "work", "home", "fax"] and highlighted(screen) == "fax"
        assert [e.label for e in dictionaries_on(sample_db).entries(PHONE_TYPES)][-1] == "fax"

        # a name already on the list is refused inside the dialog, which keeps what was typed
        await pilot.press("n")
        dialog = await name_entry(pilot, "WORK")
        assert app.screen is dialog
        assert "already on the list" in str(dialog.query_one("#entry-error", Static).render())
        assert dialog.query_one("#entry-name", Input).value == "WORK"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)

        await pilot.press("e")
        dialog = app.screen
        assert dialog.query_one("#entry-name", Input).value == "fax"
        await name_entry(pilot, "Telefax")
        await until(pilot, lambda: app.screen is screen)
        assert highlighted(screen) == "Telefax"

        await pilot.press("a")
        assert highlighted(screen) == "Telefax  archived"
        assert "a Restore" in ui.screen_lines(app)[-1]
        assert "Archived" in info(screen)

        await pilot.press("shift+up")  # ctrl+up does the same where the terminal passes it on
        assert shown_entries(screen)[2:] == ["Telefax  archived", "home"]
        assert highlighted(screen) == "Telefax  archived"
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)

    entries = dictionaries_on(sample_db).entries(PHONE_TYPES)
    assert entries[2] == Entry("fax", "Telefax", archived=True)  # renamed, the key kept
    assert "fax" not in [e.key for e in choices(entries)]  # not offered for new phones...
    assert label_of(entries, "fax") == "Telefax"  # ...still shown on a phone that has it


async def test_deleting_an_entry_in_use_is_refused_with_the_number_of_uses(ui, sample_db, sample_ids, make_app):
    contacts = ContactRepository(Database(sample_db))
    links = LinkRepository(contacts)
    links.link(ContactPersonLink(sample_ids[ANNA], sample_ids[ALFA]), author="seed")
    activities = ActivityRepository(contacts, links, HistoryRepository(contacts.database))
    activities.save(Activity(counterparty_id=sample_ids[ALFA], person_ids=[sample_ids[ANNA]], kind="visit",
                             planned_at=to_utc_text(datetime(2026, 1, 5, 10, tzinfo=UTC)), employee=ui.USER),
                    author="seed")
    app = make_app(sample_db)
    counted, count = [], app.dictionaries.uses
    app.dictionaries.uses = lambda name, key: counted.append((name, key)) or count(name, key)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_dictionary(pilot, PHONE_TYPES)
        await pilot.press("down")
        assert highlighted(screen) == "work"
        await until(pilot, lambda: info(screen).startswith("Used by 2 records"))
        # a full scan each: only for entries the cursor rested on, never for every row
        # (the lists passed on the way show their first entry, counted too)
        assert {key for name, key in counted if name == PHONE_TYPES} == {"mobile", "work"}
        assert all(key == app.dictionaries.entries(name)[0].key for name, key in counted if name != PHONE_TYPES)
        await pilot.press("d")
        assert app.screen is screen  # no question: it cannot be deleted
        assert "“work” is used by 2 records, so it cannot be deleted; archive it instead." in ui.notifications(app)

        await pilot.press("left", "home", "right")  # Activity kinds
        assert shown_entries(screen)[3] == "Visit"
        await pilot.press("down", "down", "down", "delete")
        assert app.screen is screen
        assert any("“Visit” is used by 1 record," in message for message in ui.notifications(app))

    repo = dictionaries_on(sample_db)
    assert "work" in [e.key for e in repo.entries(PHONE_TYPES)]
    assert "visit" in [e.key for e in repo.entries(ACTIVITY_KINDS)]


async def test_deleting_an_unused_entry_asks_first(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_dictionary(pilot, ACQUISITION_SOURCES)
        await pilot.press("down", "down")
        assert highlighted(screen) == "targi"
        await until(pilot, lambda: info(screen) == "No record uses it: d deletes it.")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        assert app.screen is screen and "targi" in shown_entries(screen)
        assert "targi" in [e.key for e in dictionaries_on(sample_db).entries(ACQUISITION_SOURCES)]
        await pilot.press("d")
        await pilot.press("y")
        assert app.screen is screen and "targi" not in shown_entries(screen)
        assert highlighted(screen) == "Google Ads"  # the cursor stays where it was

    assert "targi" not in [e.key for e in dictionaries_on(sample_db).entries(ACQUISITION_SOURCES)]


async def test_another_sessions_change_shows_up(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_dictionary(pilot, PHONE_TYPES)
        dictionaries_on(sample_db).add(PHONE_TYPES, "pager", author="other")
        await until(pilot, lambda: shown_entries(screen)[-1] == "pager")  # picked up by the app's poll


def test_the_card_shows_renamed_and_archived_entries_by_their_labels() -> None:
    phone_types = [Entry("mobile", "mobile", builtin=True), Entry("fax", "Telefax", archived=True)]
    sources = [Entry("targi", "Targi branżowe")]
    person = make_person("Jan", "Nowak", phones=[Phone("+48601234567", "fax"), Phone("+48221234567", "pager")],
                         source="targi")
    text = "\n".join(str(line) for line in detail_lines(person, phone_types=phone_types, sources=sources))
    assert "(Telefax)" in text and "(pager)" in text and "Targi branżowe" in text
    assert "(fax)" in "\n".join(map(str, detail_lines(person, phone_types=DEFAULTS[PHONE_TYPES])))


# -- the forms -----------------------------------------------------------------------------


async def test_the_contact_person_form_offers_the_roles_of_the_dictionary(ui, sample_db, make_app):
    repo = dictionaries_on(sample_db)
    repo.add(CONTACT_ROLES, "Prokurent", author="seed")
    repo.archive(CONTACT_ROLES, "Accountant", True, author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("home", "enter")  # Alfa, first in the list
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))
        await pilot.press("2", "l")
        await until(pilot, lambda: isinstance(app.screen, ContactPickerScreen))
        await ui.type_text(pilot, "nowak")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ContactPersonFormScreen))
        role = app.screen.query_one("#role", Input)
        await pilot.press("P", "r", "o", "right")
        assert role.value == "Prokurent"  # suggested from the dictionary
        await pilot.press("ctrl+u", "A", "c", "c", "right")
        assert role.value == "Acc"  # archived: no longer offered
        await ui.type_text(pilot, "ount manager")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))

    roles = dictionaries_on(sample_db).entries(CONTACT_ROLES)
    assert roles[-1] == Entry("Account manager", "Account manager")  # a role typed is remembered


async def test_a_phone_type_and_a_source_typed_in_the_contact_form_land_in_the_dictionaries(ui, sample_db, make_app):
    repo = dictionaries_on(sample_db)
    repo.rename(PHONE_TYPES, "home", "private", author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        await ui.type_text(pilot, "Jan")
        await pilot.press("tab")
        await ui.type_text(pilot, "Kowalski")
        for number, phone_type in (("609 876 543", "pager"), ("22 765 43 21", "PRIVATE")):  # numbers nobody has
            await pilot.press("alt+p")
            await ui.type_text(pilot, number)
            await pilot.press("tab", "ctrl+u")
            assert form.query(PhoneRow).last().query_one(".type", Input).has_focus
            await ui.type_text(pilot, phone_type)
        await ui.fill(pilot, "#source", "Targi Poznań")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ContactListScreen))

    saved = ui.by_name(ui.reopen(sample_db), "Jan Kowalski")
    assert [p.type for p in saved.phones] == ["pager", "home"]  # a renamed entry keeps its key
    assert saved.source == "Targi Poznań"
    repo = dictionaries_on(sample_db)
    assert [e.key for e in repo.entries(PHONE_TYPES)] == ["mobile", "work", "home", "pager"]
    assert repo.entries(ACQUISITION_SOURCES)[-1] == Entry("Targi Poznań", "Targi Poznań")
