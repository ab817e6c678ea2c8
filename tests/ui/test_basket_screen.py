"""Marking contacts in the list: space marks one, * marks all the search shows (one write); the
basket survives new searches and restarts, per operator; b shows the basket only; the Actions
menu (a) clears it, moves it to the trash, and hands it to merge and bulk edit."""

from __future__ import annotations

from pathlib import Path

from factories import admins_group

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.permissions import EVERYONE, PermissionGroup
from tui_crm.store import Database
from tui_crm.store.baskets import BasketRepository
from tui_crm.store.links import LinkRepository
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.bulk_edit import BulkEditScreen
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.merge import MergeScreen
from tui_crm.ui.screens.options_menu import OptionsMenuScreen
from tui_crm.ui.screens.successor_picker import SuccessorPickerScreen
from tui_crm.ui.widgets.virtual_table import VirtualTable

ALFA, ANNA, LUKASZ, ZURAW = "Alfa Sp. z o.o.", "Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"
ALL = [ALFA, ANNA, LUKASZ, ZURAW]  # the list sorted by name


def basket_on_disk(path: Path, operator: str, ids: dict[str, int]) -> set[str]:
    names = {i: name for name, i in ids.items()}
    return {names[i] for i in BasketRepository(Database(path)).ids(operator)}


def marked_names(app) -> set[str]:
    table = app.screen.query_one(VirtualTable)
    return {app.contacts.get(i).display_name for i in table.marked}


def row_line(ui, app, name: str) -> str:
    return next(line for line in ui.screen_lines(app) if name[:12] in line)


async def search(ui, pilot, text: str) -> None:
    await pilot.press("slash")
    await ui.type_text(pilot, text)
    await pilot.press("enter")  # back to the list


async def test_space_marks_the_contact_and_moves_down(ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("space", "space")
        assert marked_names(app) == {ALFA, ANNA}
        assert ui.cursor_name(app) == LUKASZ
        assert ui.count_label(app) == "4 contacts · 2 in basket"
        assert row_line(ui, app, ALFA).startswith("✓ ") and row_line(ui, app, LUKASZ).startswith("  ")
        await pilot.press("up", "space")  # again: out of the basket
        assert marked_names(app) == {ALFA}
        assert ui.count_label(app) == "4 contacts · 1 in basket"
    assert basket_on_disk(sample_db, ui.USER, sample_ids) == {ALFA}


async def test_star_marks_all_the_search_shows_in_one_write_and_the_basket_outlives_the_search(
        ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await search(ui, pilot, "#hurt")
        assert ui.shown_names(app) == [ANNA, ZURAW]
        writes = app.database._last_seq
        await pilot.press("asterisk")
        assert app.database._last_seq == writes + 1
        assert marked_names(app) == {ANNA, ZURAW}
        await ui.fill(pilot, "#search", "")  # a new search: the marks stay
        await pilot.press("enter")
        assert ui.shown_names(app) == ALL
        assert ui.count_label(app) == "4 contacts · 2 in basket"
        await pilot.press("asterisk")
        assert marked_names(app) == set(ALL)
        await pilot.press("asterisk")  # all shown were marked: * takes them out
        assert marked_names(app) == set()
        assert ui.count_label(app) == "4 contacts"
    assert basket_on_disk(sample_db, ui.USER, sample_ids) == set()


async def test_the_basket_survives_a_restart_for_its_operator_only(ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db, user="anna")
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "space", "space")
        assert marked_names(app) == {ANNA, LUKASZ}

    again = make_app(sample_db, user="anna")  # the app closed; a new one on the same file
    async with again.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        assert marked_names(again) == {ANNA, LUKASZ}
        assert ui.count_label(again) == "4 contacts · 2 in basket"
        await pilot.press("b")
        assert ui.shown_names(again) == [ANNA, LUKASZ]

    other = make_app(sample_db, user="piotr")
    async with other.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        assert marked_names(other) == set()
        assert ui.count_label(other) == "4 contacts"
    assert basket_on_disk(sample_db, "anna", sample_ids) == {ANNA, LUKASZ}
    assert basket_on_disk(sample_db, "piotr", sample_ids) == set()


async def test_basket_only_lists_the_basket_space_removes_and_the_menu_clears(
        ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("space", "down", "space", "space")  # Alfa, Łukasz, Żuraw
        await pilot.press("b")
        assert app.screen.basket_only
        assert ui.shown_names(app) == [ALFA, LUKASZ, ZURAW]
        assert ui.count_label(app) == "3 contacts in the basket"
        await pilot.press("home", "down", "space")  # Łukasz leaves the basket and the list
        assert ui.shown_names(app) == [ALFA, ZURAW]
        assert ui.cursor_name(app) == ZURAW
        await search(ui, pilot, "alfa")
        assert ui.count_label(app) == "1 contact in the basket of 2"

        await pilot.press("a")
        assert isinstance(app.screen, OptionsMenuScreen)
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen) and not app.screen.basket_only
        assert marked_names(app) == set()
        assert ui.shown_names(app) == [ALFA]  # the search is still there
    assert basket_on_disk(sample_db, ui.USER, sample_ids) == set()


async def test_actions_delete_moves_the_basket_to_the_trash_after_asking(ui, sample_db, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "space", "space")  # Anna, Łukasz
        await pilot.press("a", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing happens
        assert ui.shown_names(app) == ALL
        await pilot.press("a", "d", "y")
        await pilot.pause()
        assert ui.shown_names(app) == [ALFA, ZURAW]
        assert any("2 contacts moved to the trash" in n for n in ui.notifications(app))
        assert ui.count_label(app) == "2 contacts"  # trashed contacts leave the basket
    repo = ui.reopen(sample_db)
    assert sorted(c.display_name for c in repo.trash()) == [ANNA, LUKASZ]


async def test_deleting_a_primary_contact_with_the_basket_asks_who_takes_over(ui, sample_db, sample_ids,
                                                                              make_app) -> None:
    repo = ui.reopen(sample_db)
    links = LinkRepository(repo)
    for name in (ANNA, LUKASZ):  # Anna (first) is the primary contact of Alfa
        links.link(ContactPersonLink(sample_ids[name], sample_ids[ALFA]), author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "space")  # Anna only
        await pilot.press("a", "d", "y")
        await pilot.pause()
        assert isinstance(app.screen, SuccessorPickerScreen)
        assert "primary contact of “Alfa Sp. z o.o.”" in "\n".join(ui.screen_lines(app))
        await pilot.press("escape")  # changed her mind: nothing is trashed
        await pilot.pause()
        assert any("Nothing was moved to the trash" in n for n in ui.notifications(app))
        assert ui.shown_names(app) == ALL
        await pilot.press("a", "d", "y")
        await pilot.pause()
        await pilot.press("enter")  # Łukasz, the only one left
        await pilot.pause()
        assert ui.shown_names(app) == [ALFA, LUKASZ, ZURAW]
    again = LinkRepository(ui.reopen(sample_db))
    assert [(link.person_id, link.primary) for link in again.of_organization(sample_ids[ALFA])] == [
        (sample_ids[LUKASZ], True)]


async def test_actions_delete_needs_the_delete_permission(ui, sample_db, make_app) -> None:
    permissions = PermissionRepository(SettingsRepository(Database(sample_db)))
    permissions.change(lambda _old: [PermissionGroup(EVERYONE, (), frozenset()), admins_group()], author="admin")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("space", "a", "d")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen)
        assert any("Delete contacts" in n for n in ui.notifications(app))
    assert ui.reopen(sample_db).trash() == []


async def test_actions_merge_needs_two_marked_and_bulk_edit_gets_the_basket(
        ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("a", "e")  # empty basket
        assert isinstance(app.screen, ContactListScreen)
        assert any("basket is empty" in n for n in ui.notifications(app))
        await pilot.press("down", "space", "a", "m")
        assert isinstance(app.screen, ContactListScreen)
        assert any("at least two" in n for n in ui.notifications(app))
        await pilot.press("space", "a", "m")
        assert isinstance(app.screen, MergeScreen)
        assert app.screen.contact_ids == [sample_ids[ANNA], sample_ids[LUKASZ]]
        await pilot.press("escape")
        await pilot.press("a", "e")
        assert isinstance(app.screen, BulkEditScreen)
        assert app.screen.contact_ids == [sample_ids[ANNA], sample_ids[LUKASZ]]


async def test_the_actions_menu_says_it_holds_import_and_export(ui, sample_db, make_app) -> None:
    """Import and export live in the Actions menu: its title and the footer's label say so."""
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()  # the footer is filled once the list has the focus
        assert "a Import/exp." in ui.screen_lines(app)[-1]
        await pilot.press("a")
        assert isinstance(app.screen, OptionsMenuScreen)
        title = ui.static_text(app.screen.query_one(".title"))
        assert title == "Actions — basket (0 contacts), import, export"
        assert any(title in line for line in ui.screen_lines(app))  # whole, at 80 columns
        await pilot.press("escape", "space", "space", "a")  # two in the basket
        assert ui.static_text(app.screen.query_one(".title")) == "Actions — basket (2 contacts), import, export"
