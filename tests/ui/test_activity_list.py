"""My activities / all activities (F4), driven from the keyboard: mine vs everyone's, filters
by type, status, employee and dates, the sort order, the note edited in place (and its
refusals), delete, the form opened with the right arguments, other sessions' writes.

Everything written is read back from the file through fresh repositories.
"""

from __future__ import annotations

import pytest
from activity_data import USER, FormStub, repositories, seed_activities
from textual.widgets import Input, OptionList, Static

from tui_crm.domain.activity import Activity, to_utc_text
from tui_crm.ui.screens import activity_form
from tui_crm.ui.screens.activity_filters import DateRangeScreen
from tui_crm.ui.screens.employee_picker import EmployeePickerScreen
from tui_crm.ui.screens.activity_list import ActivityListScreen
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.widgets import activity_panel
from tui_crm.ui.widgets.activity_panel import ActivityPanel, NoteArea
from tui_crm.ui.widgets.activity_table import ActivityTable

LOCKED = "The activity is completed and read-only; reopen it to change it."


@pytest.fixture(autouse=True)
def _form_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activity_form, "ActivityFormScreen", FormStub)


@pytest.fixture
def seeded(db_path):
    return seed_activities(db_path)


async def open_list(pilot) -> ActivityListScreen:
    await pilot.press("f4")
    screen = pilot.app.screen
    assert isinstance(screen, ActivityListScreen)
    return screen


def panel(app) -> ActivityPanel:
    return app.screen.query_one(ActivityPanel)


def table(app) -> ActivityTable:
    return app.screen.query_one(ActivityTable)


def shown(app) -> list[int]:
    return list(table(app).row_keys)


def summary(app) -> str:
    return str(app.screen.query_one(".activity-summary", Static).render())


def row(app, activity_id: int) -> dict[str, str]:
    """The texts of a row, by column."""
    grid = table(app)
    return dict(zip((c.key for c in grid.columns), grid._row_cells(activity_id), strict=True))


async def test_my_activities_then_everyones(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_list(pilot)
        assert screen.title == "My activities"
        assert shown(app) == seeded.mine_in_time_order
        assert summary(app).startswith("3 activities · mine · oldest first")
        assert table(app).has_focus
        # the cursor starts at today: the first activity not in the past
        assert table(app).cursor_key == seeded.planned
        planned = row(app, seeded.planned)
        assert planned["what"] == "Contact · Phone call"  # type and the kind's dictionary label
        assert planned["counterparty"] == "Alfa Sp. z o.o." and planned["persons"] == "Jan Kowalski"
        assert planned["status"] == "planned" and planned["note"] == "Zadzwonić w sprawie rabatu"
        assert "employee" not in planned  # all mine: the column makes room for the others
        # the keys are on the footer, at 80 columns
        footer = ui.screen_lines(app)[-1]
        for hint in ("m Mine/all", "t Type", "s Status", "i Note", "n New", "f1 Help"):
            assert hint in footer

        await pilot.press("m")
        assert screen.title == "All activities"
        assert sorted(shown(app)) == sorted([*seeded.mine_in_time_order, seeded.annas])
        assert summary(app).startswith("4 activities · every employee")
        annas = row(app, seeded.annas)
        assert annas["employee"] == "Anna Nowak" and annas["counterparty"] == "Beta"
        assert any("Od Anny" in line for line in ui.screen_lines(app))

        await pilot.press("m")
        assert shown(app) == seeded.mine_in_time_order
        await pilot.press("escape")
        assert not isinstance(app.screen, ActivityListScreen)


async def test_all_activities_from_the_start(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        app.push_screen(ActivityListScreen(mine=False))
        await pilot.pause()
        assert app.screen.title == "All activities"
        assert len(shown(app)) == 4


async def test_an_operator_without_activities_starts_with_everyones(ui, db_path, seeded, make_app):
    app = make_app(db_path, user="nowy")
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_list(pilot)
        assert screen.title == "All activities" and len(shown(app)) == 4


async def test_filter_by_type_and_status_overdue_highlighted(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("t")
        assert shown(app) == [seeded.planned]
        assert "type: Contact" in summary(app)
        await pilot.press("t")
        assert shown(app) == [seeded.overdue]
        assert "type: Meeting" in summary(app)
        await pilot.press("t")
        assert shown(app) == [seeded.completed]
        await pilot.press("t")  # back to every type
        assert shown(app) == seeded.mine_in_time_order
        assert "type:" not in summary(app)

        await pilot.press("s")
        assert shown(app) == [seeded.planned]
        assert "status: planned" in summary(app)
        await pilot.press("s")
        assert shown(app) == [seeded.overdue]
        assert "status: overdue" in summary(app)
        assert row(app, seeded.overdue)["status"] == "overdue"
        await pilot.press("s")
        assert shown(app) == [seeded.completed]
        await pilot.press("s")
        assert shown(app) == seeded.mine_in_time_order

        # overdue rows stand out from the others (the cursor is on the planned one, row 2)
        grid = table(app)
        assert grid.cursor_key == seeded.planned
        completed_line, overdue_line = grid.render_line(1), grid.render_line(2)
        assert "Wysłano" in completed_line.text and "Przygotować" in overdue_line.text
        overdue_style = next(iter(overdue_line)).style
        assert overdue_style == grid.get_component_rich_style("toned-table--overdue")
        assert overdue_style.bold
        assert overdue_style.color != next(iter(completed_line)).style.color


async def test_employee_filter_date_range_and_order(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("e")
        picker = app.screen
        assert isinstance(picker, EmployeePickerScreen)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["(every employee)", "Anna Nowak (anna)", "Tomasz Tester (tester) — me"]
        assert options.highlighted == 2  # the current filter
        await pilot.press("up", "enter")
        assert app.screen is screen
        assert shown(app) == [seeded.annas]
        assert screen.title == "Activities of Anna Nowak"
        assert "employee: Anna Nowak" in summary(app)
        await pilot.press("e", "home", "enter")  # every employee
        assert len(shown(app)) == 4

        # dates: from yesterday on, typed as DD.MM.YYYY; a wrong date is explained, not applied
        yesterday, ten_days = _local_day(app, -1), _local_day(app, 10)
        await pilot.press("r")
        assert isinstance(app.screen, DateRangeScreen)
        await ui.fill(pilot, "#date-from", "31.02.2026")
        await pilot.press("enter")
        assert isinstance(app.screen, DateRangeScreen)
        assert "Enter a date as YYYY-MM-DD or DD.MM.YYYY." in str(app.screen.query_one("#date-error").render())
        await ui.fill(pilot, "#date-from", yesterday.strftime("%d.%m.%Y"))
        await ui.fill(pilot, "#date-to", ten_days.isoformat())
        await pilot.press("enter")
        assert app.screen is screen
        assert shown(app) == [seeded.annas, seeded.planned]
        assert "dates: " in summary(app)

        await pilot.press("o")
        assert shown(app) == [seeded.planned, seeded.annas]
        assert "newest first" in summary(app)

        # empty fields clear the range
        await pilot.press("r")
        assert app.screen.query_one("#date-from", Input).value == yesterday.isoformat()  # prefilled
        await ui.fill(pilot, "#date-from", "")
        await ui.fill(pilot, "#date-to", "")
        await pilot.press("enter")
        assert shown(app) == [seeded.planned, seeded.annas, seeded.overdue, seeded.completed]
        assert "dates:" not in summary(app)


def _local_day(app, days: int):
    from datetime import datetime, timedelta

    return (datetime.now(app.zone) + timedelta(days=days)).date()


async def test_edit_note_in_place(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        assert table(app).cursor_key == seeded.planned
        await pilot.press("i")
        note = app.screen.query_one(NoteArea)
        assert note.display and note.has_focus
        assert note.text == "Zadzwonić w sprawie rabatu"  # prefilled
        assert "Note: " in str(note.border_title) and "Alfa Sp. z o.o." in str(note.border_title)
        footer = ui.screen_lines(app)[-1]
        assert "Save" in footer and "Cancel" in footer and "Mine/all" not in footer
        await ui.type_text(pilot, " — oddzwonić")  # letters like m, t, s go into the note
        await pilot.press("ctrl+j")
        await ui.type_text(pilot, "po 10:00")
        await pilot.press("enter")
        assert not note.display
        assert table(app).has_focus
        assert "Note saved." in ui.notifications(app)
        assert row(app, seeded.planned)["note"] == "Zadzwonić w sprawie rabatu — oddzwonić po 10:00"

        # escape cancels: nothing saved
        await pilot.press("i")
        await ui.type_text(pilot, " NIE")
        await pilot.press("escape")
        assert not app.screen.query_one(NoteArea).display
        assert isinstance(app.screen, ActivityListScreen)  # escape closed the box, not the screen

    saved = repositories(db_path).activities.get(seeded.planned)
    assert saved.note == "Zadzwonić w sprawie rabatu — oddzwonić\npo 10:00"
    assert saved.updated_by == USER and saved.version == 2


async def test_note_of_a_completed_activity_is_refused(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        table(app).move_cursor_to_key(seeded.completed)
        await pilot.press("i")
        assert LOCKED in ui.notifications(app)
        assert not app.screen.query_one(NoteArea).display
        assert table(app).has_focus

        # completed by another session while being edited: refused, the typing stays
        table(app).move_cursor_to_key(seeded.overdue)
        await pilot.press("i")
        await ui.type_text(pilot, " — gotowe")
        other = repositories(db_path).activities
        done = other.get(seeded.overdue)
        done.completed = True
        other.save(done, author="anna")
        app.poll_database()
        await pilot.pause()
        await pilot.press("enter")
        note = app.screen.query_one(NoteArea)
        assert note.display and note.text == "Przygotować ofertę — gotowe"
        assert any(LOCKED in message and "Your text is still in the box." in message
                   for message in ui.notifications(app))
    assert repositories(db_path).activities.get(seeded.overdue).note == "Przygotować ofertę"


async def test_note_changed_meanwhile_keeps_what_was_typed(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("i")
        await ui.type_text(pilot, " (moje)")
        repositories(db_path).activities.set_note(seeded.planned, "Anna: już zadzwoniłam", author="anna",
                                                  seen_note="Zadzwonić w sprawie rabatu")
        app.poll_database()
        await pilot.pause()
        await pilot.press("enter")
        note = app.screen.query_one(NoteArea)
        assert note.display and note.text == "Zadzwonić w sprawie rabatu (moje)"
        [warning] = [m for m in ui.notifications(app) if "meanwhile" in m]
        assert "changed by anna" in warning and "Anna: już zadzwoniłam" in warning
        assert repositories(db_path).activities.get(seeded.planned).note == "Anna: już zadzwoniłam"
        # a second enter saves mine over theirs, knowingly
        await pilot.press("enter")
        assert not note.display
    assert repositories(db_path).activities.get(seeded.planned).note == "Zadzwonić w sprawie rabatu (moje)"


async def test_enter_opens_the_form_and_n_starts_a_new_one(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormStub)
        assert (form.activity_id, form.counterparty_id, form.person_id) == (seeded.planned, None, None)
        form.dismiss(None)
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("n")
        form = app.screen
        assert isinstance(form, FormStub) and form.activity_id is None and form.counterparty_id is None
        # the form saved a new activity: the list shows it, with the cursor on it
        new_id = repositories(db_path).activities.save(
            Activity(type="task", counterparty_id=seeded.alfa, person_ids=[seeded.jan], employee=USER,
                     planned_at=to_utc_text(_moment(app, 30))), author=USER).activity.id
        app.poll_database()
        form.dismiss(new_id)
        await pilot.pause()
        assert app.screen is screen
        assert shown(app)[-1] == new_id and table(app).cursor_key == new_id


def _moment(app, days: int):
    from datetime import datetime, timedelta

    return datetime.now(app.zone) + timedelta(days=days)


async def test_delete_asks_first(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert shown(app) == seeded.mine_in_time_order
        await pilot.press("d")
        await pilot.press("y")
        assert shown(app) == [seeded.completed, seeded.overdue]
        assert any("moved to the trash" in message for message in ui.notifications(app))
    trashed = repositories(db_path).activities.get(seeded.planned)
    assert trashed.deleted_at and trashed.deleted_by == USER


async def test_another_sessions_write_appears(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        other = repositories(db_path).activities
        new_id = other.save(Activity(type="meeting", counterparty_id=seeded.alfa, person_ids=[seeded.jan],
                                     employee=USER, planned_at=to_utc_text(_moment(app, 3)), note="Od Piotra"),
                            author="piotr").activity.id
        await pilot.pause(1.2)  # the app's own poll (every 0.5 s) picks it up
        assert shown(app) == [*seeded.mine_in_time_order, new_id]
        assert row(app, new_id)["note"] == "Od Piotra"


async def test_large_files_are_searched_in_a_thread(ui, db_path, seeded, make_app, monkeypatch):
    monkeypatch.setattr(activity_panel, "THREADED_ABOVE", 0)
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_list(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(app) == seeded.mine_in_time_order
        await pilot.press("m", "t")  # the second search supersedes the first
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(shown(app)) == sorted([seeded.planned, seeded.annas])
        assert "searching" not in summary(app)


async def test_read_only_database_refuses_changes(ui, db_path, seeded, make_app):
    import os

    os.chmod(db_path, 0o444)
    try:
        app = make_app(db_path)
        async with app.run_test(size=ui.SIZE) as pilot:
            await open_list(pilot)
            app.clear_notifications()
            for key in ("i", "d", "n"):
                await pilot.press(key)
                assert isinstance(app.screen, ActivityListScreen), key
            assert not app.screen.query_one(NoteArea).display
            assert ui.notifications(app).count("This database is read-only: nothing can be changed.") == 3
    finally:
        os.chmod(db_path, 0o644)
