"""A contact card's Activities and History tabs, "a" (add activity) on the card, and
shift+a (new activity) on the contact list: the form is opened with the contact filled in.
"""

from __future__ import annotations

import pytest
from activity_data import USER, FormStub, repositories, seed_activities
from textual.widgets import Static, TabbedContent

from tui_crm.domain.activity import Activity, to_utc_text
from tui_crm.ui.screens import activity_form
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.widgets.activity_panel import ActivityPanel, NoteArea
from tui_crm.ui.widgets.activity_table import ActivityTable
from tui_crm.ui.widgets.timeline import ACTIVITY, CHANGE, Timeline


@pytest.fixture(autouse=True)
def _form_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activity_form, "ActivityFormScreen", FormStub)


@pytest.fixture
def seeded(db_path):
    return seed_activities(db_path)


async def open_card(pilot, contact_id: int) -> ContactCardScreen:
    await pilot.app.push_screen(ContactCardScreen(contact_id))
    await pilot.pause()
    card = pilot.app.screen
    assert isinstance(card, ContactCardScreen)
    return card


def activity_table(card) -> ActivityTable:
    return card.query_one(ActivityTable)


def activity_refs(timeline: Timeline) -> list[int | None]:
    return [entry.ref for entry in timeline.entries if entry.source == ACTIVITY]


def summary(card) -> str:
    return str(card.query_one(".activity-summary", Static).render())


async def test_activities_tab_lists_the_organizations_activities(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, seeded.alfa)
        await pilot.press("3")
        assert card.query_one(TabbedContent).active == "activities"
        grid = activity_table(card)
        assert grid.has_focus
        assert list(grid.row_keys) == seeded.mine_in_time_order  # not anna's call with Beta
        assert "counterparty" not in [c.key for c in grid.columns]  # its own name on every row
        assert summary(card).startswith("3 activities · oldest first")
        lines = ui.screen_lines(app)
        assert any("Przygotować" in line and "overdue" in line for line in lines)
        assert grid.row_tone(seeded.overdue) == "overdue"
        footer = lines[-1]
        assert "a Add activity" in footer and "t Type" in footer and "e Edit" not in footer

        # the list's filters work here too
        await pilot.press("s", "s")
        assert list(grid.row_keys) == [seeded.overdue]
        assert "status: overdue" in summary(card)

        # a note edited in place; escape in the box does not close the card
        await pilot.press("i")
        assert card.query_one(NoteArea).has_focus
        await pilot.press("escape")
        assert app.screen is card and not card.query_one(NoteArea).display
        await pilot.press("i")
        await ui.type_text(pilot, ", wysłać do 12:00")
        await pilot.press("enter")
        assert app.screen is card

        # enter opens the activity
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormStub) and form.activity_id == seeded.overdue
    assert repositories(db_path).activities.get(seeded.overdue).note == "Przygotować ofertę, wysłać do 12:00"


async def test_a_persons_card_shows_the_activities_they_take_part_in(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, seeded.ewa)
        await pilot.press("3")
        grid = activity_table(card)
        assert list(grid.row_keys) == [seeded.annas]
        cells = dict(zip((c.key for c in grid.columns), grid._row_cells(seeded.annas), strict=True))
        assert cells["counterparty"] == "Beta" and cells["employee"] == "Anna Nowak"
        await pilot.press("m")  # only mine: none of them
        assert list(grid.row_keys) == []
        assert "mine" in summary(card)


async def test_history_tab_shows_activities_in_time_order(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, seeded.alfa)
        await pilot.press("4")
        timeline = card.query_one(Timeline)
        assert timeline.has_focus
        assert activity_refs(timeline) == seeded.mine_in_time_order
        assert [entry.at for entry in timeline.entries] == sorted(entry.at for entry in timeline.entries)
        # the activities and the contact's creation (saved just now, in the seed)
        assert "4 entries, oldest first" in str(card.query_one("#history-hint").render())
        texts = [line for line in ui.screen_lines(app) if "Jan Kowalski" in line]
        assert [t for t in texts if "Wysłano" in t] and texts.index(next(t for t in texts if "Wysłano" in t)) == 0
        assert "Przygotować" in texts[1] and "Zadzwonić" in texts[2]
        assert timeline.row_tone(1) == "overdue"
        # the cursor starts on the latest entry that has happened: the creation, after the overdue meeting
        assert timeline.entries[timeline.cursor_row].source == CHANGE
        assert timeline.entries[timeline.cursor_row - 1].ref == seeded.overdue

        # a new activity from another session joins the timeline in its place
        other = repositories(db_path).activities
        from datetime import UTC, datetime, timedelta

        between = other.save(Activity(type="task", counterparty_id=seeded.alfa, person_ids=[seeded.jan],
                                      employee="anna", note="Sprawdzić płatność",
                                      planned_at=to_utc_text(datetime.now(UTC) - timedelta(days=3))),
                             author="anna").activity.id
        app.poll_database()
        await pilot.pause()
        assert activity_refs(timeline) == [seeded.completed, between, seeded.overdue, seeded.planned]
        assert timeline.entries[timeline.cursor_row].source == CHANGE  # the cursor stayed put

        await pilot.press("up", "enter")
        form = app.screen
        assert isinstance(form, FormStub) and form.activity_id == seeded.overdue


async def test_history_of_a_contact_without_activities(ui, db_path, seeded, make_app):
    repos = repositories(db_path)
    from factories import make_org

    lonely = repos.contacts.save(make_org("Gamma"), author="seed").id
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, lonely)
        await pilot.press("4")
        assert [(e.source, e.summary) for e in card.query_one(Timeline).entries] == [(CHANGE, "created")]
        assert "1 entry, oldest first" in str(card.query_one("#history-hint").render())
        await pilot.press("3")
        assert summary(card) == "0 activities · oldest first · a adds one."


async def test_a_on_an_organizations_card_fills_in_the_counterparty(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, seeded.alfa)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, FormStub)
        assert (form.activity_id, form.counterparty_id, form.person_id) == (None, seeded.alfa, None)

        # saved: the card shows its Activities tab with the cursor on the new one
        new_id = repositories(db_path).activities.save(
            Activity(type="meeting", counterparty_id=seeded.alfa, person_ids=[seeded.jan], employee=USER,
                     planned_at=to_utc_text(datetime_in(days=7))), author=USER).activity.id
        app.poll_database()
        form.dismiss(new_id)
        await pilot.pause()
        assert app.screen is card
        assert card.query_one(TabbedContent).active == "activities"
        assert activity_table(card).cursor_key == new_id


def datetime_in(*, days: int):
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) + timedelta(days=days)


async def test_a_on_a_persons_card_fills_in_the_person(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, seeded.jan)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, FormStub)
        assert (form.activity_id, form.counterparty_id, form.person_id) == (None, None, seeded.jan)
        form.dismiss(None)
        await pilot.pause()
        assert app.screen is card and card.query_one(TabbedContent).active == "details"


async def test_shift_a_on_the_contact_list(ui, db_path, seeded, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        contacts = app.screen
        assert isinstance(contacts, ContactListScreen)
        for contact_id, expected in ((seeded.beta, (seeded.beta, None)), (seeded.ewa, (None, seeded.ewa))):
            contacts.query_one("#contacts").move_cursor_to_key(contact_id)
            for keys in (["A"], ["x", "n"]):  # the key, or the Options menu
                await pilot.press(*keys)
                await pilot.pause()
                form = app.screen
                assert isinstance(form, FormStub)
                assert (form.counterparty_id, form.person_id) == expected
                form.dismiss(None)
                await pilot.pause()
                assert app.screen is contacts


async def test_unsaved_note_makes_quit_ask(ui, db_path, seeded, make_app):
    from tui_crm.ui.screens.confirm import ConfirmScreen

    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, seeded.alfa)
        await pilot.press("3", "i")
        await ui.type_text(pilot, "!")
        assert card.has_unsaved_changes()
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is card and card.query_one(ActivityPanel).editing
