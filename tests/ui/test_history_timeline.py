"""The contact card's History tab (4): activities, notes and field changes in one timeline, in
time order; enter opens an activity, or shows a note or a change on its own tab."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from activity_data import FormStub, repositories
from textual.widgets import TabbedContent, TextArea

from tui_crm.domain.activity import CONTACT, TASK, Activity, to_utc_text
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.operators import Operator
from tui_crm.store import create_database
from tui_crm.ui.screens import activity_form
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.widgets.field_changes import FieldChanges
from tui_crm.ui.widgets.timeline import ACTIVITY, CHANGE, NOTE, Timeline

ALFA, JAN = 1, 2


@pytest.fixture(autouse=True)
def _form_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activity_form, "ActivityFormScreen", FormStub)


def at(text: str) -> str:
    return to_utc_text(datetime.fromisoformat(text).replace(tzinfo=UTC))


@pytest.fixture
def alfa_db(db_path):
    """Alfa, created in January, a note in February, renamed after it; a call before the note
    and a task planned long after (the file written as another program would)."""
    alfa = {"kind": "organization", "name": "Alfa S.A.", "version": 3, "phones": [{"number": "+48612345678", "type": "work"}],
            "notes": [{"text": "Prosi o ofertę\nna 10 sztuk", "author": "anna", "at": "2025-02-01T12:00:00+00:00"}]}
    history = [
        {"entity": "contact", "entity_id": ALFA, "at": "2025-01-10T09:00:00+00:00", "author": "seed",
         "action": "created", "changes": []},
        {"entity": "contact", "entity_id": ALFA, "at": "2025-02-01T12:00:00+00:00", "author": "anna",
         "action": "note_added", "changes": [["notes", None, "Prosi o ofertę\nna 10 sztuk"]]},
        {"entity": "contact", "entity_id": ALFA, "at": "2025-02-03T08:30:00+00:00", "author": "piotr",
         "action": "edited", "changes": [["name", "Alfa Sp. z o.o.", "Alfa S.A."], ["phones", None, [{"number": "+48612345678", "type": "work"}]]]},
    ]
    jan = {"kind": "person", "first_name": "Jan", "last_name": "Kowalski", "version": 1}
    create_database(db_path, {"contacts": [alfa, jan], "history": history})
    repos = repositories(db_path)
    repos.operators.save(Operator("anna", "Anna Nowak"), author="seed", new=True)
    repos.links.link(ContactPersonLink(person_id=JAN, organization_id=ALFA), author="seed")
    call = repos.activities.save(Activity(type=CONTACT, counterparty_id=ALFA, person_ids=[JAN], employee="anna",
                                          note="Pierwszy telefon",
                                          planned_at=at("2025-01-15T10:00"), completed=True), author="seed").activity.id
    task = repos.activities.save(Activity(type=TASK, counterparty_id=ALFA, person_ids=[JAN], employee="anna",
                                          note="Odnowić umowę",
                                          planned_at=at("2040-01-01T09:00")), author="seed").activity.id
    return call, task


async def test_activities_notes_and_changes_in_time_order(ui, db_path, alfa_db, make_app):
    call, task = alfa_db
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await app.push_screen(ContactCardScreen(ALFA))
        await pilot.pause()
        card = app.screen
        await pilot.press("4")
        timeline = card.query_one(Timeline)
        assert timeline.has_focus
        # the note is there once: as a note, not also as the change that added it
        assert [(e.source, e.what, e.summary, e.who) for e in timeline.entries] == [
            (CHANGE, "Change", "created", "seed"),
            (ACTIVITY, "Contact", "Jan Kowalski — Pierwszy telefon", "Anna Nowak"),
            (NOTE, "Note", "Prosi o ofertę na 10 sztuk", "Anna Nowak"),
            (CHANGE, "Change", "changed: organization name, phones", "piotr"),
            (ACTIVITY, "Task", "Jan Kowalski — Odnowić umowę", "Anna Nowak"),
        ]
        assert [e.ref for e in timeline.entries if e.source == ACTIVITY] == [call, task]
        assert "5 entries, oldest first" in str(card.query_one("#history-hint").render())
        lines = ui.screen_lines(app)
        order = [next(i for i, line in enumerate(lines) if text in line)
                 for text in ("created", "Pierwszy", "Prosi o ofertę", "changed: organization name", "Odnowić")]
        assert order == sorted(order)
        # the cursor starts on the latest entry that has happened: the change
        assert timeline.entries[timeline.cursor_row].summary.startswith("changed:")

        # enter on a change: the Field changes tab, on that change
        await pilot.press("enter")
        assert card.query_one(TabbedContent).active == "changes"
        changes = card.query_one(FieldChanges)
        assert changes.table.has_focus
        line = changes.shown[changes.table.cursor_row]
        assert (line.entry.author, line.change.field) == ("piotr", "name")

        # enter on a note: the Notes tab
        await pilot.press("4", "up", "enter")
        assert card.query_one(TabbedContent).active == "notes"

        # enter on an activity: its form
        await pilot.press("4", "up", "enter")
        assert isinstance(app.screen, FormStub) and app.screen.activity_id == call
        await pilot.press("escape")


async def test_a_note_and_an_edit_join_the_timeline_as_they_happen(ui, db_path, alfa_db, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await app.push_screen(ContactCardScreen(ALFA, tab="history"))
        await pilot.pause()
        card = app.screen
        timeline = card.query_one(Timeline)
        assert len(timeline.entries) == 5  # read at once when the card opens on this tab

        await pilot.press("n")
        card.app.screen.query_one(TextArea).insert("Oddzwonić po 15:00")
        await pilot.press("ctrl+s")
        await pilot.press("4")
        other = repositories(db_path).contacts
        alfa = other.get(ALFA)
        alfa.nip = "5260250274"
        other.save(alfa, author="anna")
        app.poll_database()
        await pilot.pause()

        sources = [(e.source, e.summary) for e in timeline.entries]
        assert sources[-3:-1] == [(NOTE, "Oddzwonić po 15:00"), (CHANGE, "changed: NIP")]  # now: before the task
        assert sources[-1][0] == ACTIVITY
    saved = repositories(db_path).contacts.get(ALFA)
    assert [n.text for n in saved.notes][-1] == "Oddzwonić po 15:00" and saved.nip == "5260250274"


async def test_a_file_attached_and_one_moved_to_the_trash_are_on_the_timeline(ui, db_path, alfa_db, make_app,
                                                                              tmp_path):
    from tui_crm.store.attachments import AttachmentRepository
    from tui_crm.ui.widgets.timeline import FILE

    contract, invoice = tmp_path / "umowa.pdf", tmp_path / "faktura.pdf"
    contract.write_bytes(b"%PDF umowa")
    invoice.write_bytes(b"%PDF faktura")
    files = AttachmentRepository(repositories(db_path).contacts.database)
    files.attach(ALFA, contract, author="anna")
    trashed = files.attach(ALFA, invoice, author="anna")
    files.delete(trashed.id, author="piotr")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await app.push_screen(ContactCardScreen(ALFA, tab="history"))
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        shown = [(e.summary.split(" (")[0], e.status, e.who) for e in timeline.entries if e.source == FILE]
        assert ("umowa.pdf", "attached", "Anna Nowak") in shown
        assert ("faktura.pdf", "in the trash", "piotr") in shown
