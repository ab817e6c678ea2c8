"""Settings (F2) → Permission groups, from the keyboard: add, rename and delete groups, choose
their members among the operators and tick what they may do; ctrl+s stores it, read back here
through a fresh PermissionRepository."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, Static

from tui_crm.domain.operators import Operator
from tui_crm.domain.permissions import (
    DELETE,
    DUPLICATE,
    EDIT_DICTIONARIES,
    EVERYONE,
    MANAGE_PERMISSIONS,
    MERGE,
    PERMISSIONS,
    PermissionGroup,
    with_group,
)
from tui_crm.store import Database
from tui_crm.store.operators import OperatorRepository
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.permission_groups import GroupMembersDialog, GroupNameDialog
from tui_crm.ui.screens.settings import SettingsScreen


def permissions_of(path: Path) -> PermissionRepository:
    return PermissionRepository(SettingsRepository(Database(path)))


def stored(path: Path) -> list[tuple[str, tuple[str, ...], set[str]]]:
    return [(g.name, g.members, set(g.allowed)) for g in permissions_of(path).groups()]


@pytest.fixture
def operators_db(db_path: Path) -> Path:
    operators = OperatorRepository(Database(db_path))
    for login, name in (("anna", "Anna Nowak"), ("piotr", "Piotr Kowalski")):
        operators.save(Operator(login, name), author="admin", new=True)
    return db_path


def with_sales(path: Path) -> None:
    permissions_of(path).change(lambda groups: with_group(
        with_group(groups, PermissionGroup("Sprzedaż", ("piotr",), frozenset({DELETE}))),
        PermissionGroup("Magazyn", ("kasia",), frozenset())), author="admin")


async def open_groups(pilot) -> OptionList:
    """F2, then tab until the list of groups has the focus."""
    await pilot.press("f2")
    assert isinstance(pilot.app.screen, SettingsScreen)
    groups = pilot.app.screen.query_one("#permission-groups", OptionList)
    for _tab in range(20):
        if groups.has_focus:
            return groups
        await pilot.press("tab")
    raise AssertionError("the permission groups list never got the focus")


def group_names(app) -> list[str]:
    groups = app.screen.query_one("#permission-groups", OptionList)
    return [str(groups.get_option_at_index(i).prompt) for i in range(groups.option_count)]


def ticked(app) -> set[str]:
    return {p for p in PERMISSIONS if app.screen.query_one(f"#group-permission-{p}", Checkbox).value}


async def test_a_new_group_with_a_member_and_two_permissions(ui, operators_db, make_app) -> None:
    app = make_app(operators_db, user="anna")
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        assert group_names(app) == ["Everyone else"]
        assert ticked(app) == set(PERMISSIONS)  # a new database allows everything
        await pilot.press("n")
        assert isinstance(app.screen, GroupNameDialog)
        await ui.type_text(pilot, "Sprzedaż")
        await pilot.press("enter")
        assert group_names(app) == ["Everyone else", "Sprzedaż (0 members)"]
        assert ticked(app) == set()  # a new group allows nothing until ticked
        await pilot.press("m")
        assert isinstance(app.screen, GroupMembersDialog)
        await pilot.press("down", "space", "ctrl+s")  # piotr
        assert "Members: piotr" in str(app.screen.query_one("#permission-group-members", Static).render())
        await pilot.press("tab", "tab", "space", "tab", "space")  # Delete contacts, Merge contacts
        assert ticked(app) == {DELETE, MERGE}
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, SettingsScreen)
    assert stored(operators_db) == [(EVERYONE, (), set(PERMISSIONS)), ("Sprzedaż", ("piotr",), {DELETE, MERGE})]
    permissions = permissions_of(operators_db)
    assert not permissions.allowed("piotr", DUPLICATE) and permissions.allowed("piotr", MERGE)
    assert permissions.allowed("anna", DUPLICATE)


async def test_rename_delete_and_untick_everyone_else(ui, operators_db, make_app) -> None:
    with_sales(operators_db)
    app = make_app(operators_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        assert group_names(app) == ["Everyone else", "Sprzedaż (1 member)", "Magazyn (1 member)"]
        await pilot.press("r")  # not for "Everyone else"
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("tab", "space")  # Everyone else may no longer save duplicates
        await pilot.press("shift+tab", "down", "r")
        assert app.screen.query_one("#group-name", Input).value == "Sprzedaż"
        await pilot.press("end", "ctrl+u")
        await ui.type_text(pilot, "Handlowcy")
        await pilot.press("enter", "down", "d")
        assert group_names(app) == ["Everyone else", "Handlowcy (1 member)"]
        await pilot.press("ctrl+s")
    assert stored(operators_db) == [(EVERYONE, (), {DELETE, MERGE, EDIT_DICTIONARIES, MANAGE_PERMISSIONS}),
                                    ("Handlowcy", ("piotr",), {DELETE})]


async def test_a_name_already_used_is_refused_in_the_dialog(ui, operators_db, make_app) -> None:
    with_sales(operators_db)
    app = make_app(operators_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("n")
        await ui.type_text(pilot, "sprzedaż")
        await pilot.press("enter")
        assert isinstance(app.screen, GroupNameDialog)
        assert "already on the list" in str(app.screen.query_one("#group-name-error", Static).render())
        await pilot.press("escape")
        assert group_names(app) == ["Everyone else", "Sprzedaż (1 member)", "Magazyn (1 member)"]


async def test_leaving_without_saving_asks_and_stores_nothing(ui, operators_db, make_app) -> None:
    app = make_app(operators_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("n")
        await ui.type_text(pilot, "Sprzedaż")
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert not isinstance(app.screen, SettingsScreen)
    assert stored(operators_db) == [(EVERYONE, (), set(PERMISSIONS))]


async def test_another_sessions_change_made_meanwhile_is_kept(ui, operators_db, make_app) -> None:
    app = make_app(operators_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("n")
        await ui.type_text(pilot, "Sprzedaż")
        await pilot.press("enter")
        with_sales(operators_db)  # another session adds "Sprzedaż" and "Magazyn" meanwhile
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SettingsScreen)  # our "Sprzedaż" now clashes: nothing saved
        assert any("already on the list" in n for n in ui.notifications(app))
    assert [name for name, _members, _allowed in stored(operators_db)] == [EVERYONE, "Sprzedaż", "Magazyn"]


async def test_ticks_replayed_onto_the_groups_as_stored_now(ui, operators_db, make_app) -> None:
    with_sales(operators_db)
    app = make_app(operators_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("down", "tab", "tab", "tab", "space")  # Sprzedaż may merge too
        permissions_of(operators_db).change(  # meanwhile another session adds a member to it
            lambda groups: [PermissionGroup(g.name, (*g.members, "anna"), g.allowed) if g.name == "Sprzedaż" else g
                            for g in groups], author="admin")
        await pilot.press("ctrl+s")
    assert stored(operators_db)[1] == ("Sprzedaż", ("piotr", "anna"), {DELETE, MERGE})


async def test_taking_away_your_own_right_to_edit_the_groups_is_refused(ui, operators_db, make_app) -> None:
    app = make_app(operators_db, user="anna")  # in "Everyone else", which may edit the groups
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_groups(pilot)
        manage = app.screen.query_one("#group-permission-manage_permissions", Checkbox)
        manage.focus()
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert any("your own right" in n for n in ui.notifications(app))
    assert stored(operators_db) == [(EVERYONE, (), set(PERMISSIONS))]
