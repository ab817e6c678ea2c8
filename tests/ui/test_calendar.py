"""The calendar (F5): an employee's calendar activities by week and by day, moved through from
the keyboard.

The app's clock and zone are fixed (Wednesday 18 March 2026, 13:00 in Warsaw), so "overdue"
and "today" do not depend on when the tests run. Activities are saved through the repositories.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from factories import make_org, make_person
from textual.app import ComposeResult
from textual.color import Color
from textual.screen import Screen
from textual.widgets import Static

from tui_crm.domain.activity import MEETING, Activity, to_utc_text
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.operators import Operator
from tui_crm.domain.schedule import FALLBACK_ZONE
from tui_crm.ui.screens import calendar
from tui_crm.ui.screens.activity_form import ActivityFormScreen
from tui_crm.ui.screens.calendar import CalendarScreen, DayColumn, ItemLine
from tui_crm.ui.screens.employee_picker import EmployeePickerScreen

WARSAW = ZoneInfo(FALLBACK_ZONE)
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # Wednesday, 13:00 in Warsaw
TODAY = date(2026, 3, 18)
USER, OTHER = "anna", "bartek"


class FormStub(Screen[None]):
    """Stands in for the activity form: records what the calendar opened it with."""

    def __init__(self, activity_id: int | None = None, **kwargs) -> None:
        super().__init__()
        self.activity_id = activity_id
        self.kwargs = kwargs

    def compose(self) -> ComposeResult:
        yield Static("form")


@pytest.fixture(autouse=True)
def _form_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar, "ActivityFormScreen", FormStub)


class Calendar:
    """The app and the activities the tests look for, by name."""

    def __init__(self, app) -> None:
        self.app = app
        self.ids: dict[str, int] = {}
        org = app.contacts.save(make_org("Alfa"), author="seed")
        person = app.contacts.save(make_person("Jan", "Kowalski"), author="seed")
        app.links.link(ContactPersonLink(person.id, org.id), author="seed")
        self.org_id, self.person_id = org.id, person.id

    def add(self, name: str, when: datetime, *, employee: str = USER, in_calendar: bool = True, **extra) -> int:
        activity = Activity(counterparty_id=self.org_id, person_ids=[self.person_id], planned_at=to_utc_text(when),
                            employee=employee, in_calendar=in_calendar, subject=name, **extra)
        self.ids[name] = self.app.activities.save(activity, author="seed").activity.id
        return self.ids[name]


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WARSAW)


@pytest.fixture
def cal(db_path, make_app) -> Calendar:
    app = make_app(db_path, user=USER)
    app.zone = WARSAW
    app.activities.clock = lambda: NOW
    app.operators.save(Operator(USER, "Anna Nowak"), author="seed", new=True)
    app.operators.save(Operator(OTHER, "Bartosz Zieliński"), author="seed", new=True)
    data = Calendar(app)
    data.add("Offer call", at(16, 9, 30))  # Monday: overdue
    data.add("Early visit", at(18, 8, 0), type=MEETING, completed=True)  # Wednesday, done
    data.add("Demo", at(18, 14, 0), type=MEETING)  # Wednesday, planned
    data.add("Late night", at(22, 23, 30))  # Sunday 23:30 in Warsaw is still Sunday
    data.add("Not in calendar", at(19, 10, 0), in_calendar=False)
    data.add("Bartek's call", at(17, 11, 0), employee=OTHER)
    data.add("Next week", at(23, 8, 15))
    return data


async def open_calendar(pilot, **kwargs) -> CalendarScreen:
    if kwargs:
        pilot.app.push_screen(CalendarScreen(**kwargs))
    else:
        await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CalendarScreen)
    return pilot.app.screen


async def settle(pilot) -> None:
    """Day columns are recomposed on the next idle: let that happen."""
    await pilot.pause()
    await pilot.pause()


def columns(screen: CalendarScreen) -> dict[date, DayColumn]:
    return {column.day: column for column in screen.query(DayColumn)}


def shown(cal: Calendar, screen: CalendarScreen) -> dict[date, list[str]]:
    """Day -> names of the activities in its column, top to bottom."""
    names = {i: name for name, i in cal.ids.items()}
    return {day: [names[line.activity_id] for line in column.items()] for day, column in columns(screen).items()}


def title(screen: CalendarScreen) -> str:
    return str(screen.query_one("#calendar-title", Static).render())


def cursor_ids(screen: CalendarScreen) -> list[int]:
    return [line.activity_id for line in screen.query(ItemLine) if line.has_class("cursor")]


async def test_week_shows_the_employees_calendar_items_on_their_days(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot)  # F5: the session's operator, this week
        assert screen.employee == USER and screen.day == TODAY
        assert shown(cal, screen) == {
            date(2026, 3, 16): ["Offer call"],
            date(2026, 3, 17): [],  # Bartek's call is not Anna's
            date(2026, 3, 18): ["Early visit", "Demo"],
            date(2026, 3, 19): [],  # not in the calendar
            date(2026, 3, 20): [],
            date(2026, 3, 21): [],
            date(2026, 3, 22): ["Late night"],
        }
        assert "Anna Nowak" in title(screen)
        assert "16 Mar 2026 – 22 Mar 2026" in title(screen)
        lines = ui.screen_lines(cal.app)
        assert lines[2].split() == ["Mon", "16", "Tue", "17", "Wed", "18", "Thu", "19", "Fri", "20", "Sat", "21",
                                    "Sun", "22"]
        assert lines[3].startswith("09:30 Alfa")
        days = columns(screen)
        assert days[TODAY].has_class("today") and days[TODAY].has_class("selected")
        assert not days[date(2026, 3, 16)].has_class("today")
        assert cursor_ids(screen) == [cal.ids["Early visit"]]


async def test_overdue_is_marked_and_coloured_completed_is_dimmed(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot)
        await pilot.press("down")  # off "Early visit", so no item below is under the cursor
        line = {line.activity_id: line for line in screen.query(ItemLine)}
        overdue, done, planned = line[cal.ids["Offer call"]], line[cal.ids["Early visit"]], line[cal.ids["Demo"]]
        assert overdue.has_class("overdue") and done.has_class("completed") and planned.has_class("planned")
        await pilot.press("up")
        assert overdue.rich_style.color != line[cal.ids["Late night"]].rich_style.color
        assert overdue.styles.color == Color.parse(screen.app.theme_variables["error"])
        assert overdue.rich_style.bold
        assert done.rich_style.dim


async def test_up_down_left_right_move_the_cursor_across_days_and_weeks(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot)
        await pilot.press("down")
        assert cursor_ids(screen) == [cal.ids["Demo"]]
        await pilot.press("down")  # stops at the last one
        assert cursor_ids(screen) == [cal.ids["Demo"]]
        assert "Demo" in str(screen.query_one("#calendar-detail", Static).render())

        await pilot.press("left", "left")
        assert screen.day == date(2026, 3, 16) and cursor_ids(screen) == [cal.ids["Offer call"]]
        assert "overdue" in str(screen.query_one("#calendar-detail", Static).render())

        await pilot.press(*["right"] * 6)  # Sunday: still this week
        assert screen.day == date(2026, 3, 22)
        assert "16 Mar 2026 – 22 Mar 2026" in title(screen)
        await pilot.press("right")  # Monday of the next week
        await settle(pilot)
        assert "23 Mar 2026 – 29 Mar 2026" in title(screen)
        assert shown(cal, screen)[date(2026, 3, 23)] == ["Next week"]
        assert cursor_ids(screen) == [cal.ids["Next week"]]
        await pilot.press("left")
        await settle(pilot)
        assert "16 Mar 2026 – 22 Mar 2026" in title(screen)
        assert cursor_ids(screen) == [cal.ids["Late night"]]

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.day == date(2026, 3, 29)
        assert "23 Mar 2026 – 29 Mar 2026" in title(screen)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "9 Mar 2026 – 15 Mar 2026" in title(screen)
        assert all(not names for names in shown(cal, screen).values())
        await pilot.press("pagedown")
        await settle(pilot)
        assert "16 Mar 2026 – 22 Mar 2026" in title(screen)

        await pilot.press("t")
        await settle(pilot)
        assert screen.day == TODAY and cursor_ids(screen) == [cal.ids["Early visit"]]


async def test_day_view_shows_full_lines_of_the_selected_day(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert list(columns(screen)) == [TODAY]
        text = "\n".join(ui.screen_lines(cal.app))
        assert "14:00  Meeting  Alfa — Jan Kowalski — Demo" in text
        assert "Wednesday, 18 Mar 2026" in text
        await pilot.press("right")
        await settle(pilot)
        assert list(columns(screen)) == [date(2026, 3, 19)]
        assert "Nothing in the calendar on this day" in "\n".join(ui.screen_lines(cal.app))
        await pilot.press("w")
        await settle(pilot)
        assert len(columns(screen)) == 7 and screen.day == date(2026, 3, 19)


async def test_e_switches_to_another_employees_calendar(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot)
        await pilot.press("e")
        await pilot.pause()
        picker = cal.app.screen
        assert isinstance(picker, EmployeePickerScreen)
        assert picker.highlighted_login == USER
        await pilot.press("down", "enter")
        await settle(pilot)
        assert cal.app.screen is screen and screen.employee == OTHER
        assert "Bartosz Zieliński" in title(screen)
        names = shown(cal, screen)
        assert names[date(2026, 3, 17)] == ["Bartek's call"]
        assert sum(len(n) for n in names.values()) == 1


async def test_enter_opens_the_selected_activity_and_n_a_new_one(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        await open_calendar(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        form = cal.app.screen
        assert isinstance(form, FormStub) and form.activity_id == cal.ids["Demo"]
        cal.app.pop_screen()  # the stub has no keys
        await pilot.pause()
        await pilot.press("right", "n")  # Thursday 19 March: not today, so 9:00 that day
        await pilot.pause()
        form = cal.app.screen
        assert isinstance(form, FormStub) and form.activity_id is None
        assert form.kwargs["planned_at"] == datetime(2026, 3, 19, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
        assert (form.kwargs["employee"], form.kwargs["in_calendar"]) == (USER, True)


async def test_after_the_form_the_cursor_goes_to_the_saved_activity(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = cal.app.screen
        assert isinstance(form, FormStub)
        saved = cal.add("Planned in the form", at(1, 9, 0, month=4))  # a week not shown yet
        form.dismiss(saved)
        await settle(pilot)
        assert cal.app.screen is screen and screen.day == date(2026, 4, 1)
        assert "30 Mar 2026 – 5 Apr 2026" in title(screen)
        assert cursor_ids(screen) == [saved]


async def test_enter_opens_the_real_activity_form(ui, cal, monkeypatch):
    monkeypatch.setattr(calendar, "ActivityFormScreen", ActivityFormScreen)  # no stub here
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        await open_calendar(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert type(cal.app.screen) is ActivityFormScreen


async def test_enter_on_an_empty_day_says_so(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot, day=date(2026, 3, 19))
        await pilot.press("enter")
        await pilot.pause()
        assert cal.app.screen is screen
        assert any("No activity" in message for message in ui.notifications(cal.app))


async def test_a_new_calendar_activity_appears_without_reopening(ui, cal):
    async with cal.app.run_test(size=ui.SIZE) as pilot:
        screen = await open_calendar(pilot, employee=USER, day=date(2026, 3, 20))
        assert shown(cal, screen)[date(2026, 3, 20)] == []
        cal.add("Friday call", at(20, 10, 15))  # as another session's write would: data_version
        await settle(pilot)
        assert shown(cal, screen)[date(2026, 3, 20)] == ["Friday call"]
        assert cursor_ids(screen) == [cal.ids["Friday call"]]
