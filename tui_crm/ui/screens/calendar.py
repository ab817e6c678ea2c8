"""An employee's calendar: the activities marked "in the calendar", by week or by day.

The cursor is a selected day plus a row in that day's list. Up/down move in the day, left/right
change the day (crossing into the next or previous week), [ ] or page up/down a whole week.
The week view shows seven narrow columns (Monday–Sunday); the day view one list with full lines.
The line under the days describes the selected activity in full, whatever the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from babel.dates import format_date as babel_format_date
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static

from tui_crm.domain.activity import Activity, status_label, type_label
from tui_crm.domain.activity_form_rules import next_quarter_hour
from tui_crm.domain.contact import display_name
from tui_crm.domain.dictionaries import ACTIVITY_KINDS, label_of
from tui_crm.domain.schedule import at_wall_time, day_bounds, week_start
from tui_crm.i18n import _, babel_locale, format_date

from ..widgets.footer import KeyFooter
from .activity_form import ActivityFormScreen
from .employee_picker import EmployeePickerScreen

WEEK, DAY = "week", "day"
#: How often statuses are recomputed without any data change (planned items become overdue).
STATUS_REFRESH_SECONDS = 60


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One activity as the calendar shows it."""

    activity_id: int
    day: date  # on the wall clock of the app's zone
    time: str  # "09:30"
    status: str  # planned, overdue, completed
    short: str  # a week column's line: time and counterparty
    full: str  # a day view's line: time, type and kind, counterparty, persons, subject


class ItemLine(Static):
    """One activity in a day's list; its classes carry its status and the cursor."""

    def __init__(self, item: CalendarItem, *, full: bool, cursor: bool) -> None:
        classes = f"item {item.status}" + (" cursor" if cursor else "")
        super().__init__(Content(item.full if full else item.short), classes=classes)
        self.activity_id = item.activity_id


class DayColumn(Vertical):
    """A day: its header, then its activities (scrolled by the cursor, never focused)."""

    def __init__(self, day: date, heading: str, items: list[CalendarItem], *, full: bool, today: bool,
                 selected: bool, cursor_row: int) -> None:
        super().__init__(classes=" ".join(c for c, on in (("day", True), ("today", today), ("selected", selected)) if on))
        self.day = day
        self._heading = heading
        self._items = items
        self._full = full
        self._cursor_row = cursor_row if selected else -1

    def compose(self) -> ComposeResult:
        yield Static(Content(self._heading), classes="day-header")
        with VerticalScroll(classes="day-items", can_focus=False):
            for row, item in enumerate(self._items):
                yield ItemLine(item, full=self._full, cursor=row == self._cursor_row)
            if self._full and not self._items:
                yield Static(_("Nothing in the calendar on this day. n adds an activity."), classes="empty")

    def on_mount(self) -> None:
        self.call_after_refresh(self.scroll_to_cursor)

    def items(self) -> list[ItemLine]:
        return list(self.query(ItemLine))

    def scroll_to_cursor(self) -> None:
        for line in self.query(".cursor").results(ItemLine):
            line.scroll_visible(animate=False)


class CalendarBody(Horizontal):
    """The day columns; rebuilt from ``build`` (which reads the screen's state) on ``rebuild``."""

    def __init__(self, build: Callable[[], Iterable[Widget]], *, id: str) -> None:
        super().__init__(id=id)
        self._build = build

    def compose(self) -> ComposeResult:
        yield from self._build()

    def rebuild(self) -> None:
        # Textual recomposes later, one at a time, reading the state as it is then: a cursor
        # move made meanwhile is never lost.
        self.refresh(recompose=True)


class CalendarScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", _("Open")),
        Binding("n", "new", _("New")),
        Binding("w", "toggle_view", _("Week/day")),
        Binding("t", "today", _("Today")),
        Binding("e", "employee", _("Employee")),
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("up", "move_row(-1)", _("Previous activity"), show=False),
        Binding("down", "move_row(1)", _("Next activity"), show=False),
        Binding("left", "move_day(-1)", _("Previous day"), show=False),
        Binding("right", "move_day(1)", _("Next day"), show=False),
        Binding("left_square_bracket", "move_day(-7)", _("Previous week"), show=False),
        Binding("right_square_bracket", "move_day(7)", _("Next week"), show=False),
        Binding("pageup", "move_day(-7)", _("Previous week"), show=False),
        Binding("pagedown", "move_day(7)", _("Next week"), show=False),
    ]

    def __init__(self, *, employee: str | None = None, day: date | None = None) -> None:
        super().__init__()
        self._employee = employee
        self._day = day
        self.view = WEEK
        self.row = 0
        self._week: date | None = None  # the Monday whose items are loaded
        self._items: dict[date, list[CalendarItem]] = {}
        self._requested_days: tuple | None = None  # _shown_days() of the last rebuild

    # -- state -----------------------------------------------------------------------------

    @property
    def employee(self) -> str:
        return self._employee or self.app.user

    @property
    def day(self) -> date:
        """The selected day."""
        return self._day or self.today()

    def today(self) -> date:
        return self.app.activities.clock().astimezone(self.app.zone).date()

    def day_items(self, day: date | None = None) -> list[CalendarItem]:
        return self._items.get(self.day if day is None else day, [])

    def selected_item(self) -> CalendarItem | None:
        items = self.day_items()
        return items[self.row] if 0 <= self.row < len(items) else None

    # -- building --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="calendar-title")
        yield CalendarBody(self._columns, id="calendar-days")
        yield Static("", id="calendar-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Calendar")
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.set_interval(STATUS_REFRESH_SECONDS, self._data_changed)
        self._load()
        self._show(rebuild=True)

    def _data_changed(self) -> None:
        kept = self.selected_item()
        self._load()
        if kept is not None:  # the cursor stays on the same activity while it is on that day
            ids = [item.activity_id for item in self.day_items()]
            if kept.activity_id in ids:
                self.row = ids.index(kept.activity_id)
        self._show(rebuild=True)

    def _load(self) -> None:
        """The selected day's week, grouped by wall-clock day."""
        app, first = self.app, week_start(self.day)
        start, end = day_bounds(first, 7, app.zone)
        now = app.activities.clock()
        kinds = app.dictionaries.entries(ACTIVITY_KINDS)
        self._week = first
        self._items = {}
        for activity in app.activities.calendar(self.employee, start, end):
            item = self._item(activity, now, kinds)
            if item is not None:
                self._items.setdefault(item.day, []).append(item)

    def _item(self, activity: Activity, now: datetime, kinds: list) -> CalendarItem | None:
        planned = activity.planned()
        if planned is None or activity.id is None:
            return None
        wall = planned.astimezone(self.app.zone)
        time = wall.strftime("%H:%M")
        counterparty = self._contact_name(activity.counterparty_id)
        # a private client is the counterparty and the person: named once
        persons = ", ".join(self._contact_name(person) for person in activity.person_ids
                            if person != activity.counterparty_id)
        what = type_label(activity.type)
        if activity.kind:
            what += " · " + label_of(kinds, activity.kind)
        about = activity.subject or " ".join(activity.note.split())
        full = "  ".join(part for part in (time, what, counterparty + (f" — {persons}" if persons else "")) if part)
        if about:
            full += " — " + about
        return CalendarItem(activity.id, wall.date(), time, activity.status(now), f"{time} {counterparty}", full)

    def _contact_name(self, contact_id: int | None) -> str:
        doc = self.app.contacts.doc(contact_id) if contact_id is not None else None
        return display_name(doc) if doc else "?"

    def _columns(self) -> list[DayColumn]:
        """The day columns for the current state (called by the body when it recomposes)."""
        if self._week is None:
            return []
        today, selected = self.today(), self.day
        days = [selected] if self.view == DAY else [self._week + timedelta(days=i) for i in range(7)]
        return [
            DayColumn(
                day,
                self._long_heading(day) if self.view == DAY else self._short_heading(day),
                self.day_items(day),
                full=self.view == DAY,
                today=day == today,
                selected=day == selected,
                cursor_row=self.row,
            )
            for day in days
        ]

    @staticmethod
    def _short_heading(day: date) -> str:
        """ "Mon 23" """
        return babel_format_date(day, "EEE d", locale=babel_locale())

    @staticmethod
    def _long_heading(day: date) -> str:
        weekday = babel_format_date(day, "EEEE", locale=babel_locale())
        return f"{weekday}, {format_date(day)}"

    # -- showing ---------------------------------------------------------------------------

    def _shown_days(self) -> tuple[str, date | None, date]:
        """What the day columns depend on besides the cursor: the view, the week, the day in
        the day view."""
        return self.view, self._week, self.day if self.view == DAY else self._week

    def _show(self, *, rebuild: bool = False) -> None:
        """Bring the widgets up to the state: recompose the days, or only move the cursor."""
        self.row = max(0, min(self.row, len(self.day_items()) - 1))
        self.query_one("#calendar-title", Static).update(Content(self._title_text()))
        self.query_one("#calendar-detail", Static).update(Content(self._detail_text()))
        if rebuild or self._shown_days() != self._requested_days:
            self._requested_days = self._shown_days()
            self.query_one(CalendarBody).rebuild()
            return
        for column in self.query(DayColumn):
            selected = column.day == self.day
            column.set_class(selected, "selected")
            for row, line in enumerate(column.items()):
                line.set_class(selected and row == self.row, "cursor")
            if selected:
                column.scroll_to_cursor()

    def _title_text(self) -> str:
        operator = self.app.operators.get(self.employee)
        who = operator.shown() if operator else self.employee
        first = week_start(self.day)
        return _("{employee} · week {number}: {first} – {last}").format(
            employee=who, number=first.isocalendar().week, first=format_date(first),
            last=format_date(first + timedelta(days=6)),
        )

    def _detail_text(self) -> str:
        item = self.selected_item()
        if item is None:
            return _("{day}: nothing in the calendar.").format(day=self._long_heading(self.day))
        return f"{status_label(item.status)} · {self._short_heading(item.day)} {item.full}"

    # -- actions ---------------------------------------------------------------------------

    def action_move_row(self, step: int) -> None:
        self.row = max(0, min(self.row + step, len(self.day_items()) - 1))
        self._show()

    def action_move_day(self, days: int) -> None:
        self._go_to(self.day + timedelta(days=days))

    def action_today(self) -> None:
        self._go_to(self.today())

    def _go_to(self, day: date) -> None:
        self._day = day
        if week_start(day) != self._week:
            self._load()
        self._show()

    def action_toggle_view(self) -> None:
        self.view = DAY if self.view == WEEK else WEEK
        self._show(rebuild=True)

    def action_employee(self) -> None:
        def chosen(login: str | None) -> None:
            if login and login != self.employee:
                self._employee = login
                self.row = 0
                self._load()
                self._show(rebuild=True)

        picker = EmployeePickerScreen(self.app.operators.all(), self.employee, self.app.user,
                                      title=_("Whose calendar?"), hint=_("enter shows the calendar · escape cancels"))
        self.app.push_screen(picker, chosen)

    def action_open(self) -> None:
        item = self.selected_item()
        if item is None:
            self.notify(_("No activity is selected on this day."), severity="warning")
            return
        self.app.push_screen(ActivityFormScreen(activity_id=item.activity_id), self._show_saved)

    def action_new(self) -> None:
        """A new activity in this calendar, on the selected day (today: the next quarter hour)."""
        day, zone = self.day, self.app.zone
        if day == self.today():
            planned = next_quarter_hour(self.app.activities.clock(), zone)
        else:
            planned = at_wall_time(datetime.combine(day, time(9, 0)), zone)
        form = ActivityFormScreen(planned_at=planned, employee=self.employee, in_calendar=True)
        self.app.push_screen(form, self._show_saved)

    def _show_saved(self, activity_id: int | None) -> None:
        """After the form: put the cursor on the saved activity if it is in this calendar (it
        may have moved to another day or week)."""
        activity = self.app.activities.get(activity_id) if activity_id is not None else None
        planned = activity.planned() if activity is not None else None
        if planned is None or activity.deleted_at or not activity.in_calendar or activity.employee != self.employee:
            return
        self._day = planned.astimezone(self.app.zone).date()
        self._load()
        ids = [item.activity_id for item in self.day_items()]
        if activity_id in ids:
            self.row = ids.index(activity_id)
        self._show(rebuild=True)
