"""Saving a likely duplicate (seed 001): the warning lists the existing contact and why; the user
opens it instead, merges, goes back, or saves anyway when their permission group allows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import admins_group, make_person
from textual.screen import Screen
from textual.widgets import Input, OptionList

from tui_crm.domain.contact import Address, Email, Phone
from tui_crm.domain.permissions import (
    DELETE,
    EDIT_DICTIONARIES,
    EVERYONE,
    MERGE,
    PermissionGroup,
)
from tui_crm.store import Database
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.duplicate_warning import DuplicateWarningScreen


@pytest.fixture
def anna_db(ui, db_path: Path) -> Path:
    """One contact: Anna Nowak, 501 000 111, anna.nowak@example.com, Kraków."""
    ui.seed(db_path, [make_person("Anna", "Nowak", phones=[Phone("+48501000111")],
                                  emails=[Email("anna.nowak@example.com")],
                                  addresses=[Address("Rynek 1", "31-001", "Kraków", "PL")])])
    return db_path


def allow_only(path: Path, *permissions: str) -> None:
    """Everyone (no named groups) may do only ``permissions``, set as the settings screen would."""
    repository = PermissionRepository(SettingsRepository(Database(path)))
    repository.change(lambda _old: [PermissionGroup(EVERYONE, (), frozenset(permissions)), admins_group()], author="admin")


def stored_names(ui, path: Path) -> list[str]:
    repo = ui.reopen(path)
    return sorted(c.display_name for c in map(repo.get, repo.find()))


async def type_new_person(ui, pilot, first: str, last: str, phone: str = "") -> ContactFormScreen:
    await pilot.press("n")
    form = pilot.app.screen
    assert isinstance(form, ContactFormScreen)
    await ui.type_text(pilot, first)
    await pilot.press("tab")
    await ui.type_text(pilot, last)
    if phone:
        await pilot.press("alt+p")
        await ui.type_text(pilot, phone)
    return form


def warning_rows(app) -> list[str]:
    options = app.screen.query_one("#duplicate-matches", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_phone_of_an_existing_contact_brings_up_the_warning(ui, anna_db, make_app) -> None:
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Zofia", "Kowalczyk", "501-000-111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateWarningScreen)
        [row] = warning_rows(app)
        assert "Anna Nowak" in row and "same phone" in row and "501 000 111" in row
        assert "same phone" in "\n".join(ui.screen_lines(app))
        # escape: back to the form with everything typed
        await pilot.press("escape")
        assert isinstance(app.screen, ContactFormScreen)
        assert app.screen.query_one("#last_name", Input).value == "Kowalczyk"
    assert stored_names(ui, anna_db) == ["Anna Nowak"]


async def test_save_anyway_saves_when_the_group_allows_duplicates(ui, anna_db, make_app) -> None:
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Zofia", "Kowalczyk", "501 000 111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateWarningScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Zofia Kowalczyk"
    assert stored_names(ui, anna_db) == ["Anna Nowak", "Zofia Kowalczyk"]


async def test_save_anyway_is_refused_naming_the_setting(ui, anna_db, make_app) -> None:
    allow_only(anna_db, DELETE, MERGE, EDIT_DICTIONARIES)
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Zofia", "Kowalczyk", "501 000 111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateWarningScreen)  # still asking
        [message] = [n for n in ui.notifications(app) if "Permission groups" in n]
        assert "Save likely duplicates" in message
        await pilot.press("escape")
        assert isinstance(app.screen, ContactFormScreen)
    assert stored_names(ui, anna_db) == ["Anna Nowak"]


async def test_a_new_contact_without_duplicates_is_saved_at_once(ui, anna_db, make_app) -> None:
    allow_only(anna_db)  # not even duplicates allowed: none found, nothing to allow
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Zofia", "Kowalczyk", "501 000 112")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
    assert stored_names(ui, anna_db) == ["Anna Nowak", "Zofia Kowalczyk"]


async def test_open_instead_opens_the_existing_card_once_the_form_is_dropped(ui, anna_db, make_app) -> None:
    anna_id = ui.by_name(ui.reopen(anna_db), "Anna Nowak").id
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Anna", "Nowak")
        await pilot.press("alt+e")
        await ui.type_text(pilot, "ANNA.NOWAK@example.com")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [row] = warning_rows(app)
        assert "same e-mail" in row
        await pilot.press("o")
        assert isinstance(app.screen, ConfirmScreen)  # what was typed is not dropped silently
        await pilot.press("n")
        assert isinstance(app.screen, ContactFormScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("o", "y")
        await pilot.pause()
        assert isinstance(app.screen, ContactCardScreen)
        assert app.screen.contact_id == anna_id
        assert not any(isinstance(s, ContactFormScreen) for s in app.screen_stack)
    assert stored_names(ui, anna_db) == ["Anna Nowak"]


class FakeMergeScreen(Screen[None]):
    """Stands in for the merge screen (built separately): remembers what it was given."""

    def __init__(self, contact_ids: list[int]) -> None:
        super().__init__()
        self.contact_ids = contact_ids


async def test_merge_saves_then_merges_with_the_highlighted_one(ui, anna_db, make_app, monkeypatch) -> None:
    from tui_crm.ui.screens import merge

    monkeypatch.setattr(merge, "MergeScreen", FakeMergeScreen)
    allow_only(anna_db, MERGE)  # merging needs only the merge permission
    anna_id = ui.by_name(ui.reopen(anna_db), "Anna Nowak").id
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Zofia", "Kowalczyk", "501 000 111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, FakeMergeScreen)
        new_id = ui.by_name(ui.reopen(anna_db), "Zofia Kowalczyk").id
        assert app.screen.contact_ids == [anna_id, new_id]


async def test_merge_is_refused_without_the_merge_permission(ui, anna_db, make_app) -> None:
    allow_only(anna_db, DELETE)
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await type_new_person(ui, pilot, "Zofia", "Kowalczyk", "501 000 111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateWarningScreen)
        assert any("Merge contacts" in n and "Permission groups" in n for n in ui.notifications(app))
    assert stored_names(ui, anna_db) == ["Anna Nowak"]


async def test_editing_what_duplicates_are_not_found_by_does_not_ask(ui, anna_db, make_app) -> None:
    """Anna's twin exists; editing her position saves at once, a new spelling of her name asks again."""
    allow_only(anna_db)
    ui.seed(anna_db, [make_person("Anna", "Nowak", addresses=[Address("", "", "Kraków", "PL")])])
    app = make_app(anna_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        assert ui.cursor_name(app) == "Anna Nowak"
        await pilot.press("e")
        await ui.fill(pilot, "#position", "Księgowa")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
        await pilot.press("e")
        await ui.fill(pilot, "#last_name", "Nowack")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateWarningScreen)
        assert "similar name" in warning_rows(app)[0]
