"""The activity form from the keyboard (seed 002): counterparty first, then its persons (a
private client takes part alone); the timer and its pauses; the follow-up created on save; a completed activity read-only until
reopened; the follow-up chain; conflicts and the unsaved-changes guard.

Data is set up through the repositories before the app starts; what the form saved is read back
with fresh repositories on the file afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_org, make_person
from textual.widgets import Checkbox, Input, OptionList, Select, Static, TextArea

from tui_crm.domain.activity import Activity, to_utc_text
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.operators import Operator
from tui_crm.domain.schedule import parse_wall_time
from tui_crm.store import ContactRepository, Database
from tui_crm.store.activities import ActivityRepository
from tui_crm.store.history import HistoryRepository
from tui_crm.store.links import LinkRepository
from tui_crm.ui.screens.activity_form import EDITABLE, ActivityFormScreen
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.person_picker import ContactPickerScreen
from tui_crm.ui.screens.record_history import RecordHistoryScreen

ZURAW, ALFA = "Zakład Ślusarski Żuraw", "Alfa Sp. z o.o."
REFUSAL = "Choose the counterparty first: an organization or a private client."
ALONE = "A private client takes part alone."


@dataclass
class World:
    zuraw: int
    alfa: int
    anna: int  # Żuraw's primary contact
    bogdan: int  # Żuraw's second contact person
    celina: int  # Alfa's only contact person
    adam: int  # a private client: no organization's contact person


def repositories(path: Path) -> ActivityRepository:
    """Fresh repositories on the file: what another program reads from disk now."""
    contacts = ContactRepository(Database(path))
    return ActivityRepository(contacts, LinkRepository(contacts), HistoryRepository(contacts.database))


@pytest.fixture
def world(db_path: Path) -> World:
    activities = repositories(db_path)
    contacts, links = activities.contacts, activities.links
    zuraw = contacts.save(make_org(ZURAW), author="seed").id
    alfa = contacts.save(make_org(ALFA), author="seed").id
    anna, bogdan, celina = (contacts.save(make_person(first, last), author="seed").id
                            for first, last in (("Anna", "Nowak"), ("Bogdan", "Żak"), ("Celina", "Wrona")))
    links.link(ContactPersonLink(anna, zuraw, role="Accountant"), author="seed")  # the first one is primary
    links.link(ContactPersonLink(bogdan, zuraw), author="seed")
    links.link(ContactPersonLink(celina, alfa), author="seed")
    adam = contacts.save(make_person("Adam", "Głowacki"), author="seed").id
    return World(zuraw, alfa, anna, bogdan, celina, adam)


class FakeClock:
    """The timer's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def until(pilot, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


async def open_form(pilot, results: list, **arguments) -> ActivityFormScreen:
    form = ActivityFormScreen(**arguments)
    pilot.app.push_screen(form, results.append)
    await until(pilot, lambda: pilot.app.screen is form)
    await pilot.pause()
    return form


def person_rows(form: ActivityFormScreen) -> list[str]:
    persons = form.query_one("#persons", OptionList)
    return [str(persons.get_option_at_index(i).prompt) for i in range(persons.option_count)]


def text_of(form: ActivityFormScreen, selector: str) -> str:
    return str(form.query_one(selector, Static).render())


def seed_activity(path: Path, world: World, *, follow_up_at: datetime | None = None, **fields) -> tuple[int, int | None]:
    fields = {"counterparty_id": world.zuraw, "person_ids": [world.anna]} | fields
    activity = Activity(employee="anna", planned_at=to_utc_text(datetime(2026, 11, 25, 13, 0, tzinfo=UTC)), **fields)
    result = repositories(path).save(activity, author="seed", follow_up_at=follow_up_at)
    return result.activity.id, (result.follow_up.id if result.follow_up else None)


# -- a new activity, start to finish -------------------------------------------------------


async def test_new_contact_with_persons_timer_and_follow_up(ui, db_path, world, make_app):
    clock, results = FakeClock(), []
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, results, clock=clock)
        assert form.query_one("#employee", Select).value == ui.USER
        assert (form.query_one("#kind", Select).value, form.query_one("#priority", Select).value) == ("phone", "normal")
        assert form.query_one("#add-person").disabled  # the seed's inactive plus…
        assert text_of(form, "#persons-hint") == REFUSAL  # …which says why

        await pilot.press("alt+p")
        assert app.screen is form and REFUSAL in ui.notifications(app)

        await pilot.press("alt+c")
        picker = await until_screen(pilot, ContactPickerScreen)
        await ui.type_text(pilot, "żur")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert str(form.query_one("#counterparty").label) == ZURAW
        await pilot.pause()
        assert any(ZURAW in line for line in ui.screen_lines(app))  # the whole name, not cut to the old label
        assert person_rows(form) == ["Anna Nowak  · Accountant"]  # the primary contact comes along

        await pilot.press("alt+p")
        picker = await until_screen(pilot, ContactPickerScreen)
        assert picker.query_one("#picker-hits", OptionList).option_count == 1  # only Żuraw's, not yet on it
        await ui.type_text(pilot, "bog")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert person_rows(form) == ["Anna Nowak  · Accountant", "Bogdan Żak"]

        # The timer: 30 s, a pause of 70 s, then 45 s more.
        clock.now += 30
        await pilot.press("ctrl+t")
        assert "(paused)" in text_of(form, "#timer")
        clock.now += 70
        await pilot.press("ctrl+t")
        clock.now += 45
        form._show_timer()
        assert text_of(form, "#timer") == "Time 0:01:15 (running)"

        await ui.fill(pilot, "#planned_at", "2026-11-25 14:30")
        await ui.fill(pilot, "#subject", "Oferta na śruby")
        await ui.fill(pilot, "#follow-amount", "2")  # days, the default unit
        assert form.query_one("#follow-up", Checkbox).value  # typing the amount ticks the box
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)
        zone = app.zone

    activities = repositories(db_path)
    [first, second] = [activities.get(i) for i in activities.find()]
    assert results == [first.id]
    assert (first.counterparty_id, first.person_ids) == (world.zuraw, [world.anna, world.bogdan])
    assert (first.duration_seconds, first.subject, first.employee, first.kind) == (75, "Oferta na śruby", ui.USER, "phone")
    assert first.planned() == parse_wall_time("2026-11-25 14:30", zone)
    assert second.planned() == parse_wall_time("2026-11-27 14:30", zone)  # two days later, same wall-clock time
    assert (second.counterparty_id, second.person_ids) == (world.zuraw, [world.anna, world.bogdan])
    assert (first.next_id, second.previous_id, second.duration_seconds) == (second.id, first.id, 0)


async def until_screen(pilot, screen_type):
    await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    return pilot.app.screen


async def test_missing_fields_are_shown_under_them_and_nothing_is_saved(ui, db_path, world, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [])
        await ui.fill(pilot, "#planned_at", "31.02.2026 10:00")
        await ui.fill(pilot, "#follow-on", "2026-12-01")
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert text_of(form, "#error-counterparty_id") == "Choose the counterparty (an organization or a private client)."
        assert text_of(form, "#error-person_ids") == "Add at least one contact person."
        assert text_of(form, "#error-planned_at") == "Enter a date as YYYY-MM-DD or DD.MM.YYYY."
        assert form.query_one("#planned_at", Input).has_focus
    assert repositories(db_path).count() == 0


async def test_a_person_brings_the_organization_and_another_counterparty_drops_the_strangers(
        ui, db_path, world, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [], person_id=world.bogdan, activity_type="meeting")
        assert str(form.query_one("#counterparty").label) == ZURAW
        assert person_rows(form) == ["Bogdan Żak"]
        assert form.query_one("#type", Select).value == "meeting"

        await pilot.press("alt+c")
        await until_screen(pilot, ContactPickerScreen)
        await ui.type_text(pilot, "alfa")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert person_rows(form) == ["Celina Wrona"]  # Bogdan is not Alfa's; Alfa's primary comes in
        assert any("Removed Bogdan Żak" in n and ALFA in n for n in ui.notifications(app))

        form.query_one("#persons").focus()
        await pilot.press("delete")
        assert person_rows(form) == [] and text_of(form, "#persons-hint") == "none yet"


async def test_a_private_client_chosen_as_the_counterparty_takes_part_alone(ui, db_path, world, make_app):
    results = []
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, results, counterparty_id=world.zuraw)
        assert person_rows(form) == ["Anna Nowak  · Accountant"]

        await pilot.press("alt+c")
        picker = await until_screen(pilot, ContactPickerScreen)
        hits = picker.query_one("#picker-hits", OptionList)
        offered = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        # organizations and the private client; contact persons go with their organization
        assert sorted(offered) == sorted([ZURAW, ALFA, "Adam Głowacki (private client)"])
        await ui.type_text(pilot, "głow")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert str(form.query_one("#counterparty").label) == "Adam Głowacki (private client)"
        assert person_rows(form) == ["Adam Głowacki"]  # Anna left: he takes part alone
        assert any("Removed Anna Nowak" in n and "alone" in n for n in ui.notifications(app))
        assert form.query_one("#add-person").disabled and text_of(form, "#persons-hint") == ALONE
        assert form.query_one("#subject", Input).has_focus

        await pilot.press("alt+p")  # nobody can be added…
        assert app.screen is form and ALONE in ui.notifications(app)
        form.query_one("#persons").focus()
        await pilot.press("delete")  # …and he cannot be removed
        assert person_rows(form) == ["Adam Głowacki"]

        form.query_one("#subject").focus()
        await ui.fill(pilot, "#subject", "Pompa ciepła")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)

    [saved] = [repositories(db_path).get(i) for i in repositories(db_path).find()]
    assert results == [saved.id]
    assert (saved.counterparty_id, saved.person_ids, saved.subject) == (world.adam, [world.adam], "Pompa ciepła")


async def test_the_counterparty_picker_reads_only_as_far_as_the_hits_shown(ui, db_path, world, make_app):
    activities = repositories(db_path)
    for number in range(60):  # more private clients than the picker shows
        activities.contacts.save(make_person("Klient", f"Prywatny {number:02}"), author="seed")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_form(pilot, [])
        await pilot.press("alt+c")
        picker = await until_screen(pilot, ContactPickerScreen)
        assert picker.query_one("#picker-hits", OptionList).option_count == 50
        assert "More than 50 found" in text_of(picker, "#picker-count")
        assert len(picker._verdicts) < 60  # the rest were never asked about
        await ui.type_text(pilot, "prywatny 07")
        assert text_of(picker, "#picker-count").startswith("enter takes")
        hits = picker.query_one("#picker-hits", OptionList)
        assert [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)] == [
            "Klient Prywatny 07 (private client)"]


async def test_a_on_a_private_clients_card_logs_the_activity_with_them(ui, db_path, world, make_app):
    from textual.widgets import TabbedContent

    from tui_crm.ui.screens.contact_card import ContactCardScreen
    from tui_crm.ui.widgets.activity_table import ActivityTable

    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = ContactCardScreen(world.adam)
        await app.push_screen(card)
        await pilot.pause()
        await pilot.press("a")
        form = await until_screen(pilot, ActivityFormScreen)
        assert str(form.query_one("#counterparty").label) == "Adam Głowacki (private client)"
        assert person_rows(form) == ["Adam Głowacki"]
        assert not any("choose the counterparty" in n for n in ui.notifications(app))  # no refusal any more
        await ui.fill(pilot, "#subject", "Rozmowa o montażu")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is card)
        await pilot.pause()

        # the card shows its Activities tab, the new one on it, named by the private client
        assert card.query_one(TabbedContent).active == "activities"
        grid = card.query_one(ActivityTable)
        [activity_id] = list(grid.row_keys)
        assert grid.cursor_key == activity_id
        cells = dict(zip((c.key for c in grid.columns), grid._row_cells(activity_id), strict=True))
        assert (cells["counterparty"], cells["persons"]) == ("Adam Głowacki", "")  # named once

    saved = repositories(db_path).get(activity_id)
    assert (saved.counterparty_id, saved.person_ids, saved.subject) == (world.adam, [world.adam], "Rozmowa o montażu")


async def test_a_private_client_who_joined_an_organization_since_is_moved_to_it(ui, db_path, world, make_app):
    activity_id, _ = seed_activity(db_path, world, counterparty_id=world.adam, person_ids=[world.adam])
    repositories(db_path).links.link(ContactPersonLink(world.adam, world.alfa), author="seed")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [], activity_id=activity_id)
        assert str(form.query_one("#counterparty").label) == "Adam Głowacki"  # no longer a private client
        await pilot.press("alt+p")
        assert any("contact person of “Alfa Sp. z o.o.”" in n for n in ui.notifications(app))
        await pilot.press("ctrl+s")
        assert app.screen is form and "choose “Alfa Sp. z o.o.”" in text_of(form, "#error-counterparty_id")

        await pilot.press("alt+c")
        await until_screen(pilot, ContactPickerScreen)
        await ui.type_text(pilot, "alfa")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert person_rows(form) == ["Adam Głowacki"]  # one of Alfa's now: he stays
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)

    saved = repositories(db_path).get(activity_id)
    assert (saved.counterparty_id, saved.person_ids) == (world.alfa, [world.adam])


async def test_a_on_a_contact_persons_card_still_brings_their_organization(ui, db_path, world, make_app):
    from tui_crm.ui.screens.contact_card import ContactCardScreen

    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await app.push_screen(ContactCardScreen(world.bogdan))
        await pilot.pause()
        await pilot.press("a")
        form = await until_screen(pilot, ActivityFormScreen)
        assert str(form.query_one("#counterparty").label) == ZURAW
        assert person_rows(form) == ["Bogdan Żak"]
        assert not form.query_one("#add-person").disabled


async def test_an_organization_brings_its_primary_contact(ui, db_path, world, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [], counterparty_id=world.zuraw)
        assert person_rows(form) == ["Anna Nowak  · Accountant"]
        assert form.query_one("#subject", Input).has_focus
        footer = ui.screen_lines(app)[-1]
        for key in ("^s Save", "esc Back", "^t Start/Pause", "Counterparty", "+Person", "f1 Help"):
            assert key in footer
        assert any("Completed" in line for line in ui.screen_lines(app))  # the whole form fits 80x24


async def test_a_calendar_day_sets_the_time_employee_and_calendar_flag(ui, db_path, world, make_app):
    app = make_app(db_path)
    planned = datetime(2026, 12, 3, 9, 0, tzinfo=app.zone)
    async with app.run_test(size=ui.SIZE) as pilot:
        app.operators.save(Operator("piotr", "Piotr"), author="t", new=True)
        form = await open_form(pilot, [], planned_at=planned, employee="piotr", in_calendar=True)
        assert form.query_one("#planned_at", Input).value == "2026-12-03 09:00"
        assert form.query_one("#employee", Select).value == "piotr"
        assert form.query_one("#in_calendar", Checkbox).value is True


# -- completed, reopened, the chain --------------------------------------------------------


async def test_a_completed_activity_is_read_only_until_reopened(ui, db_path, world, make_app):
    activity_id, _ = seed_activity(db_path, world, completed=True, subject="Reklamacja", duration_seconds=300)
    results = []
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, results, activity_id=activity_id, clock=FakeClock())
        assert all(form.query_one(selector).disabled for selector in EDITABLE)
        assert "alt+r Reopen" in ui.screen_lines(app)[-1]
        assert "(paused)" in text_of(form, "#timer") and "0:05:00" in text_of(form, "#timer")
        assert "Save" not in ui.screen_lines(app)[-1]  # nothing to save: the footer does not offer it
        await pilot.press("ctrl+s")
        assert app.screen is form

        await pilot.press("alt+r")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: app.screen is form)
        assert not any(form.query_one(selector).disabled for selector in EDITABLE)
        assert not form.query_one("#completed", Checkbox).value
        assert form.query_one("#subject", Input).has_focus
        await pilot.press("alt+h")  # the field history shows who reopened it
        await until_screen(pilot, RecordHistoryScreen)
        history = str(app.screen.query_one("#history-lines", Static).render())
        assert "reopened" in history and "Completed: yes → no" in history
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        await ui.fill(pilot, "#subject", "Reklamacja — poprawka")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)

    activities = repositories(db_path)
    saved = activities.get(activity_id)
    assert results == [activity_id]
    assert (saved.subject, saved.completed, saved.duration_seconds) == ("Reklamacja — poprawka", False, 300)
    assert [e.action for e in activities.history.of("activity", activity_id)][:2] == ["edited", "reopened"]


async def test_next_and_previous_activity_open_by_key(ui, db_path, world, make_app):
    first_id, next_id = seed_activity(db_path, world, follow_up_at=datetime(2026, 11, 27, 13, 0, tzinfo=UTC))
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [], activity_id=first_id)
        assert "Next:" in text_of(form, "#chain") and "Previous:" not in text_of(form, "#chain")
        assert form.query_one("#follow-up", Checkbox).disabled  # it has its follow-up already
        await pilot.press("alt+n")
        await until(pilot, lambda: app.screen is not form and isinstance(app.screen, ActivityFormScreen))
        follow_up = app.screen
        assert follow_up.read_form().id == next_id and "Previous:" in text_of(follow_up, "#chain")
        subject = follow_up.query_one("#subject", Input)
        assert subject.has_focus
        before = subject.value
        await pilot.press("alt+n", "alt+r")  # no next one, not completed: said, and nothing typed
        await pilot.pause()
        assert subject.value == before
        assert any("no next activity" in n for n in ui.notifications(app))
        assert any("Only a completed activity" in n for n in ui.notifications(app))
        await pilot.press("alt+w")  # back to the previous one (alt+b is ctrl+left in terminals)
        await until(pilot, lambda: isinstance(app.screen, ActivityFormScreen) and app.screen is not follow_up)
        assert app.screen.read_form().id == first_id


# -- conflicts and the unsaved-changes guard -----------------------------------------------


async def test_a_conflict_keeps_what_was_typed_and_the_next_save_carries_both(ui, db_path, world, make_app):
    activity_id, _ = seed_activity(db_path, world, subject="Telefon")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [], activity_id=activity_id)
        other = repositories(db_path)  # another session changes the subject meanwhile
        theirs = other.get(activity_id)
        theirs.subject = "Telefon w sprawie faktury"
        other.save(theirs, author="bogdan")

        form.query_one("#note", TextArea).focus()
        await ui.type_text(pilot, "Oddzwonić po 15")
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert any("changed by bogdan" in n for n in ui.notifications(app))
        assert form.query_one("#note", TextArea).text == "Oddzwonić po 15"
        assert form.query_one("#subject", Input).value == "Telefon w sprawie faktury"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)

    saved = repositories(db_path).get(activity_id)
    assert (saved.subject, saved.note) == ("Telefon w sprawie faktury", "Oddzwonić po 15")


async def test_escape_asks_only_when_something_was_typed(ui, db_path, world, make_app):
    results = []
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, results)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not form)
        assert results == [None]

        form = await open_form(pilot, results)
        await ui.fill(pilot, "#subject", "x")
        await pilot.press("escape")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await until(pilot, lambda: app.screen is form)
        assert form.query_one("#subject", Input).value == "x"



async def test_an_activity_deleted_meanwhile_is_not_opened(ui, db_path, world, make_app):
    activity_id, _ = seed_activity(db_path, world)
    repositories(db_path).delete(activity_id, author="bogdan")
    results = []
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = ActivityFormScreen(activity_id)
        app.push_screen(form, results.append)
        await until(pilot, lambda: results == [None])
        assert app.screen is not form and "The activity no longer exists." in ui.notifications(app)


async def test_a_field_both_changed_names_their_value(ui, db_path, world, make_app):
    activity_id, _ = seed_activity(db_path, world, note="Zadzwonić")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_form(pilot, [], activity_id=activity_id)
        other = repositories(db_path)
        other.set_note(activity_id, "Zadzwonić + wysłać ofertę", author="bogdan", seen_note="Zadzwonić")
        form.query_one("#note", TextArea).focus()
        await pilot.press("end")
        await ui.type_text(pilot, " jutro")
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert any("theirs: “Zadzwonić + wysłać ofertę”" in n for n in ui.notifications(app))
        assert form.query_one("#note", TextArea).text == "Zadzwonić jutro"  # nothing typed is lost
