"""The duplicates report (f9): likely duplicate groups of the whole database, a group's contacts,
their cards, and merging a group (or the marked part of it) when the permission group allows."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import admins_group, make_org, make_person
from textual.screen import Screen
from textual.widgets import Static

from tui_crm.domain.contact import Address, Email, Phone
from tui_crm.domain.permissions import DELETE, EVERYONE, PermissionGroup
from tui_crm.store import Database
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.duplicates_report import (
    DuplicateGroupScreen,
    DuplicatesReportScreen,
)
from tui_crm.ui.widgets.virtual_table import VirtualTable


def krakow() -> list[Address]:
    return [Address("Rynek 1", "31-001", "Kraków", "PL")]


@pytest.fixture
def dup_db(ui, db_path: Path) -> Path:
    """Two groups: three persons linked by a phone and an e-mail; two look-alike firms in Kraków."""
    ui.seed(db_path, [
        make_person("Anna", "Nowak", phones=[Phone("+48501000111")]),
        make_person("Anna", "Nowak-Kowalska", phones=[Phone("501 000 111")], emails=[Email("ank@example.pl")]),
        make_person("A.", "Kowalska", emails=[Email("ANK@example.pl")]),
        make_org("Alfa Sp. z o.o.", addresses=krakow()),
        make_org("ALFA S.A.", addresses=krakow()),
        make_person("Jan", "Zieliński", phones=[Phone("+48600100200")], addresses=krakow()),
    ])
    return db_path


class FakeMergeScreen(Screen[None]):
    """Stands in for the merge screen (built separately): remembers what it was given."""

    def __init__(self, contact_ids: list[int]) -> None:
        super().__init__()
        self.contact_ids = contact_ids


@pytest.fixture
def fake_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_crm.ui.screens import merge

    monkeypatch.setattr(merge, "MergeScreen", FakeMergeScreen)


def table_lines(app) -> list[str]:
    """The rows the table shows (header and blank lines left out)."""
    table = app.screen.query_one(VirtualTable)
    return [table.render_line(y).text for y in range(1, table.row_count + 1)]


def summary(app) -> str:
    return str(app.screen.query_one("#duplicates-summary", Static).render())


async def open_report(pilot) -> DuplicatesReportScreen:
    await pilot.press("f9")
    screen = pilot.app.screen
    assert isinstance(screen, DuplicatesReportScreen)
    for _attempt in range(50):  # the groups are worked out in a thread
        if screen.query_one(VirtualTable).row_count or "No likely" in summary(pilot.app):
            break
        await pilot.pause(0.02)
    return screen


async def test_the_report_lists_the_groups_with_names_count_and_reasons(ui, dup_db, make_app) -> None:
    app = make_app(dup_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        assert summary(app).startswith("2 groups of likely duplicates (5 contacts).")
        first, second = table_lines(app)
        assert "Anna Nowak / Anna Nowak-Kowalska / A. Kowalska" in first
        assert " 3 " in first and "phone, e-mail" in first
        assert "Alfa Sp. z o.o. / ALFA S.A." in second and " 2 " in second and "similar name" in second
        assert "Zieliński" not in "\n".join(ui.screen_lines(app))
        await pilot.press("escape")
        assert not isinstance(app.screen, DuplicatesReportScreen)


async def test_enter_shows_a_group_and_enter_again_opens_a_card(ui, dup_db, make_app) -> None:
    ids = {c.display_name: c.id for c in map(ui.reopen(dup_db).get, ui.reopen(dup_db).find())}
    app = make_app(dup_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DuplicateGroupScreen)
        assert list(app.screen.query_one(VirtualTable).row_keys) == [ids["Alfa Sp. z o.o."], ids["ALFA S.A."]]
        assert all("similar name" in line for line in table_lines(app))
        await pilot.press("down", "enter")
        assert isinstance(app.screen, ContactCardScreen)
        assert app.screen.contact_id == ids["ALFA S.A."]
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, DuplicatesReportScreen)


async def test_m_merges_the_highlighted_group(ui, dup_db, make_app, fake_merge) -> None:
    ids = {c.display_name: c.id for c in map(ui.reopen(dup_db).get, ui.reopen(dup_db).find())}
    app = make_app(dup_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, FakeMergeScreen)
        assert app.screen.contact_ids == [ids["Anna Nowak"], ids["Anna Nowak-Kowalska"], ids["A. Kowalska"]]


async def test_in_a_group_m_merges_only_the_marked_contacts(ui, dup_db, make_app, fake_merge) -> None:
    ids = {c.display_name: c.id for c in map(ui.reopen(dup_db).get, ui.reopen(dup_db).find())}
    app = make_app(dup_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        await pilot.press("enter", "space", "down", "down", "space", "m")
        assert isinstance(app.screen, FakeMergeScreen)
        assert app.screen.contact_ids == [ids["Anna Nowak"], ids["A. Kowalska"]]


async def test_merging_needs_the_merge_permission(ui, dup_db, make_app, fake_merge) -> None:
    PermissionRepository(SettingsRepository(Database(dup_db))).change(
        lambda _old: [PermissionGroup(EVERYONE, (), frozenset({DELETE})), admins_group()], author="admin")
    app = make_app(dup_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, DuplicatesReportScreen)
        assert any("Merge contacts" in n and "Permission groups" in n for n in ui.notifications(app))


async def test_the_report_follows_changes_and_a_group_drops_trashed_contacts(ui, dup_db, make_app) -> None:
    app = make_app(dup_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        other_session = ui.reopen(dup_db)
        other_session.save(make_person("Jan", "Zielinski", addresses=krakow()), author="them")
        app.database.poll()
        for _attempt in range(50):
            if len(table_lines(app)) == 3:
                break
            await pilot.pause(0.02)
        assert "Jan Zieliński / Jan Zielinski" in table_lines(app)[2]
        await pilot.press("enter")
        anna = ui.by_name(other_session, "Anna Nowak")
        other_session.delete(anna.id, author="them")
        app.database.poll()
        await pilot.pause()
        assert anna.id not in app.screen.query_one(VirtualTable).row_keys
        assert len(table_lines(app)) == 2


async def test_an_empty_report_says_what_it_looked_for(ui, db_path, make_app) -> None:
    ui.seed(db_path, [make_person("Anna", "Nowak"), make_person("Jan", "Kowalski")])
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_report(pilot)
        assert summary(app).startswith("No likely duplicates")
        assert table_lines(app) == []
