"""Delete to the trash, look at the trash (shift+t), restore and delete for good."""

from __future__ import annotations

from textual.widgets import DataTable

from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.trash import TrashScreen

ALL = ["Alfa Sp. z o.o.", "Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"]


def trash_rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def hint(app) -> str:
    return str(app.screen.query_one("#trash-hint").render())


async def test_delete_restore_round_trip(ui, sample_db, sample_ids, make_app):
    anna = sample_ids["Anna Nowak"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down")
        assert ui.cursor_name(app) == "Anna Nowak"
        # n, escape: nothing happens (also with the delete key)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n", "delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert ui.shown_names(app) == ALL
        assert ui.reopen(sample_db).trash() == []

        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert isinstance(app.screen, ContactListScreen)
        assert ui.shown_names(app) == ["Alfa Sp. z o.o.", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"]
        assert ui.count_label(app) == "3 contacts"
        assert any("moved to the trash" in m for m in ui.notifications(app))
        assert ui.cursor_name(app) is not None  # the cursor stays usable

        on_disk = ui.reopen(sample_db).get(anna)
        assert on_disk.deleted_at and on_disk.deleted_by == ui.USER and on_disk.version == 2

        await pilot.press("T")  # shift+t
        assert isinstance(app.screen, TrashScreen)
        rows = trash_rows(app)
        assert len(rows) == 1 and rows[0][0] == "Anna Nowak" and rows[0][2] == ui.USER
        assert app.screen.query_one(DataTable).has_focus

        await pilot.press("r")
        assert trash_rows(app) == []
        assert hint(app) == "The trash is empty."
        assert "“Anna Nowak” restored." in ui.notifications(app)
        restored = ui.reopen(sample_db).get(anna)
        assert restored.deleted_at is None and restored.deleted_by is None and restored.version == 3

        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)
        assert ui.shown_names(app) == ALL
    assert ui.live_names(ui.reopen(sample_db)) == set(ALL)


async def test_purge_removes_for_good(ui, sample_db, sample_ids, make_app):
    zaklad = sample_ids["Zakład Ślusarski Żuraw"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("end", "d", "y")
        assert "Zakład Ślusarski Żuraw" not in ui.shown_names(app)
        await pilot.press("T")
        assert [r[0] for r in trash_rows(app)] == ["Zakład Ślusarski Żuraw"]
        await pilot.press("X")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # not yet
        assert ui.reopen(sample_db).get(zaklad) is not None
        await pilot.press("X", "y")
        assert isinstance(app.screen, TrashScreen)
        assert trash_rows(app) == []
    repo = ui.reopen(sample_db)
    assert repo.get(zaklad) is None
    assert ui.live_names(repo) == set(ALL) - {"Zakład Ślusarski Żuraw"}


async def test_trash_lists_newest_first_and_restores_the_row_under_the_cursor(
    ui, sample_db, sample_ids, make_app, monkeypatch
):
    import itertools

    from tui_crm.store import contacts

    ticks = itertools.count()
    monkeypatch.setattr(contacts, "utc_now", lambda: f"2026-01-01T10:00:{next(ticks):02d}+00:00")

    other = ui.reopen(sample_db)
    other.delete(sample_ids["Alfa Sp. z o.o."], author="anna")  # deleted first
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        assert ui.cursor_name(app) == "Anna Nowak"  # Alfa is already gone
        await pilot.press("d", "y", "T")
        assert [(r[0], r[2]) for r in trash_rows(app)] == [("Anna Nowak", ui.USER), ("Alfa Sp. z o.o.", "anna")]

        await pilot.press("down", "r")  # restore Alfa, the second row
        assert [r[0] for r in trash_rows(app)] == ["Anna Nowak"]
        assert hint(app) != "The trash is empty."
    repo = ui.reopen(sample_db)
    assert [c.display_name for c in repo.trash()] == ["Anna Nowak"]
    assert "Alfa Sp. z o.o." in ui.live_names(repo)


async def test_trash_follows_other_sessions(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("T")
        assert trash_rows(app) == []
        assert hint(app) == "The trash is empty."
        other = ui.reopen(sample_db)
        other.delete(sample_ids["Anna Nowak"], author="piotr")
        app.poll_database()
        await pilot.pause()
        assert [r[0] for r in trash_rows(app)] == ["Anna Nowak"]
        # the hint must not keep saying the trash is empty now that it is not
        assert hint(app) != "The trash is empty."
        assert "r restores" in hint(app)
        await pilot.press("r")
        assert trash_rows(app) == []
    assert ui.live_names(ui.reopen(sample_db)) == set(ALL)
