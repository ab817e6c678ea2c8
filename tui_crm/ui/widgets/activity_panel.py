"""An activity list with its filters and the in-place note editor, shown by "My activities" /
"all activities" and by a contact card's Activities tab.

The first line says which filters are active and how many activities match. Keys: m mine/all,
t type, s status, e employee, r dates, o order, i note, d delete, enter opens the form.
Every rule is the store's: the panel asks ``app.activities`` and shows its refusals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, TextArea
from textual.worker import get_current_worker

from tui_crm.domain.activity import (
    ACTIVITY_TYPES,
    COMPLETED,
    OVERDUE,
    PLANNED,
    ActivityLockedError,
    status_label,
    to_utc_text,
    type_label,
)
from tui_crm.domain.schedule import day_bounds
from tui_crm.i18n import _, format_date, format_number, ngettext
from tui_crm.store import StoreError
from tui_crm.store.activities import ActivityQuery
from tui_crm.store.errors import ConflictError

from .activity_table import ActivityTable, one_line, when_text

__all__ = ["ActivityFilters", "ActivityPanel", "NoteArea", "push_activity_form"]

#: Above this many activities in the file, a list's query runs in a thread: the keys stay
#: responsive while 300,000 activities are filtered (about half a second).
THREADED_ABOVE = 20_000
#: How often rows are looked at again: a planned activity becomes overdue as time passes.
TICK_SECONDS = 30.0

TYPE_CYCLE: tuple[str | None, ...] = (None, *ACTIVITY_TYPES)
STATUS_CYCLE: tuple[str | None, ...] = (None, PLANNED, OVERDUE, COMPLETED)


def push_activity_form(app: Any, done: Callable[[int | None], None] | None = None, **arguments: Any) -> None:
    """Open the activity form (``activity_id`` or prefills such as ``counterparty_id``);
    ``done`` gets the saved activity's id, or None."""
    # looked up when used, not at import: tests may stand in for the form
    from ..screens import activity_form

    app.push_screen(activity_form.ActivityFormScreen(**arguments), done)


def _next(cycle: tuple[str | None, ...], current: str | None) -> str | None:
    return cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else cycle[0]


@dataclass(frozen=True, slots=True)
class ActivityFilters:
    employee: str | None = None  # an operator's login; None: every employee
    type: str | None = None
    status: str | None = None
    first_day: date | None = None  # local days, both included
    last_day: date | None = None
    descending: bool = False

    def query(self, contact_id: int | None, zone: Any) -> ActivityQuery:
        start = day_bounds(self.first_day, 1, zone)[0] if self.first_day else None
        end = day_bounds(self.last_day, 1, zone)[1] if self.last_day else None
        return ActivityQuery(employee=self.employee, type=self.type, status=self.status, start=start, end=end,
                             contact_id=contact_id, descending=self.descending)


class NoteArea(TextArea):
    """The note being edited in place: enter saves, ctrl+j starts a new line, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", _("Save")),  # handled in _on_key: TextArea takes enter first
        Binding("ctrl+j", "new_line", _("New line")),
        Binding("escape", "cancel", _("Cancel")),
        Binding("tab,shift+tab", "stay", show=False),  # finish the note first; nothing is lost by leaving
    ]

    class Submitted(Message):
        pass

    class Cancelled(Message):
        pass

    async def _on_key(self, event) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_save()
            return
        await super()._on_key(event)

    def action_save(self) -> None:
        self.post_message(self.Submitted())

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())

    def action_new_line(self) -> None:
        self.insert("\n")

    def action_stay(self) -> None:
        pass


@dataclass(slots=True)
class _NoteEdit:
    activity_id: int
    seen_note: str  # what the store had when editing started (or after a conflict, theirs)
    original: str  # what the box was prefilled with


class ActivityPanel(Vertical):
    """``employee``: the employee filter it starts with; ``contact_id``: only this contact's
    activities (as counterparty or person); ``hide``: table columns left out; ``empty_hint``:
    said when there are no activities at all (e.g. which key adds one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "toggle_mine", _("Mine/all")),
        Binding("t", "next_type", _("Type")),
        Binding("s", "next_status", _("Status")),
        Binding("i", "edit_note", _("Note")),
        Binding("e", "choose_employee", _("Employee filter"), show=False),
        Binding("r", "date_range", _("Date range"), show=False),
        Binding("o", "toggle_order", _("Sort order"), show=False),
        Binding("d,delete", "delete_activity", _("Delete activity"), show=False),
    ]

    class Changed(Message):
        """The filters changed (the screen's title may follow them)."""

        def __init__(self, panel: ActivityPanel) -> None:
            super().__init__()
            self.panel = panel

        @property
        def control(self) -> ActivityPanel:
            return self.panel

    def __init__(self, *, employee: str | None = None, contact_id: int | None = None, hide: Collection[str] = (),
                 empty_hint: str = "", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.filters = ActivityFilters(employee=employee)
        self.contact_id = contact_id
        self._hide = tuple(hide)
        self._empty_hint = empty_hint
        self._stale = False  # data changed while hidden: reload when shown again
        self._loading = False
        self._reset_cursor = False
        self._editing: _NoteEdit | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="activity-summary", markup=False)
        yield ActivityTable(hide=self._hide, classes="activity-table")
        note = NoteArea(classes="activity-note", soft_wrap=True, compact=True)
        note.display = False
        yield note

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.set_interval(TICK_SECONDS, self._tick)
        self.reload(reset_cursor=True)

    # -- what is shown ---------------------------------------------------------------------

    @property
    def table(self) -> ActivityTable:
        return self.query_one(ActivityTable)

    @property
    def note_area(self) -> NoteArea:
        return self.query_one(NoteArea)

    @property
    def editing(self) -> bool:
        return self._editing is not None

    def has_unsaved_changes(self) -> bool:
        return self._editing is not None and self.note_area.text != self._editing.original

    def set_filters(self, filters: ActivityFilters) -> None:
        if filters != self.filters:
            self.filters = filters
            self.post_message(self.Changed(self))
            self.reload(reset_cursor=True)

    def reload(self, *, reset_cursor: bool = False) -> None:
        """Find the activities again. Large files are searched in a thread; the newest
        request wins."""
        self._stale = False
        self._reset_cursor = self._reset_cursor or reset_cursor
        query = self.filters.query(self.contact_id, self.app.zone)
        if query.contact_id is None and self.app.activities.count() > THREADED_ABOVE:
            self._loading = True
            self._show_summary()
            self._find_in_thread(query)
        else:
            self._show(query, self.app.activities.find(query))

    @work(thread=True, exclusive=True, group="activity-find")
    def _find_in_thread(self, query: ActivityQuery) -> None:
        try:
            found = self.app.activities.find(query)
        except RuntimeError:  # the index changed under us (another session's write): once more
            found = self.app.activities.find(query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, found)

    def _show(self, query: ActivityQuery, found: list[int]) -> None:
        if query != self.filters.query(self.contact_id, self.app.zone):
            return  # the filters changed meanwhile; their own search is on its way
        self._loading = False
        table = self.table
        # one employee's rows all name the same employee: their column makes room for the others
        table.hide_columns(self._hide + (("employee",) if self.filters.employee else ()))
        if self._reset_cursor:
            self._reset_cursor = False
            table.show(found, keep_cursor_key=False)
            self._cursor_to_today(found)
        else:
            table.show(found)
        self._show_summary()

    def _cursor_to_today(self, found: list[int]) -> None:
        """Start at today, a third of the way down: the recent past (overdue ones stand out)
        above, what is coming below."""
        if not found:
            return
        today = datetime.now(self.app.zone).date()
        start, end = day_bounds(today, 1, self.app.zone)
        planned = self._planned_at
        if self.filters.descending:  # newest first: the first one that is not after today
            ascending = found[::-1]
            row = len(found) - bisect_left(ascending, to_utc_text(end), key=planned)
        else:
            row = bisect_left(found, to_utc_text(start), key=planned)
        row = min(row, len(found) - 1)
        table = self.table
        table.cursor_row = row

        def place() -> None:
            visible = max(1, table.scrollable_content_region.height - 1)
            table.scroll_to(y=max(0, row - visible // 3), animate=False, force=True)

        self.call_after_refresh(place)

    def _planned_at(self, activity_id: int) -> str:
        doc = self.app.activities.doc(activity_id)
        return "" if doc is None else doc.get("planned_at", "")

    def _show_summary(self) -> None:
        self.query_one(".activity-summary", Static).update(self.describe())

    def describe(self) -> str:
        """"12 activities · mine · type: Meeting · status: overdue · oldest first"."""
        f = self.filters
        count = self.table.row_count
        parts = [ngettext("{n} activity", "{n} activities", count).format(n=format_number(count))]
        if f.employee is None:
            if self.contact_id is None:
                parts.append(_("every employee"))
        elif f.employee == self.app.user:
            parts.append(_("mine"))
        else:
            parts.append(_("employee: {name}").format(name=self.app.operators.shown(f.employee)))
        if f.type:
            parts.append(_("type: {type}").format(type=type_label(f.type)))
        if f.status:
            parts.append(_("status: {status}").format(status=status_label(f.status)))
        if f.first_day and f.last_day:
            parts.append(_("dates: {first} – {last}").format(first=format_date(f.first_day), last=format_date(f.last_day)))
        elif f.first_day:
            parts.append(_("from {first}").format(first=format_date(f.first_day)))
        elif f.last_day:
            parts.append(_("until {last}").format(last=format_date(f.last_day)))
        parts.append(_("newest first") if f.descending else _("oldest first"))
        if self._loading:
            parts.append(_("searching…"))
        elif not count and self._empty_hint and replace(f, descending=False) == ActivityFilters(employee=f.employee):
            parts.append(self._empty_hint)
        return " · ".join(parts)

    # -- keeping up with the data ----------------------------------------------------------

    def _visible(self) -> bool:
        return self.screen.is_active and self.is_on_screen

    def _data_changed(self) -> None:
        self.table.refresh_rows()
        if self._visible():
            self.reload()
        else:
            self._stale = True

    def _screen_changed(self, screen: Screen) -> None:
        if screen is self.screen and self._stale:
            self.call_after_refresh(self._reload_if_shown)

    def on_show(self) -> None:
        if self._stale:
            self.call_after_refresh(self._reload_if_shown)

    def _reload_if_shown(self) -> None:
        if self._stale and self._visible():
            self.reload()

    def _tick(self) -> None:
        """Time passes: planned activities become overdue."""
        if not self._visible():
            return
        self.table.refresh_rows()
        if self.filters.status in (PLANNED, OVERDUE):
            self.reload()

    # -- filters ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.editing  # while a note is edited, letters are typed into it

    def action_toggle_mine(self) -> None:
        mine = self.filters.employee == self.app.user
        self.set_filters(replace(self.filters, employee=None if mine else self.app.user))

    def action_next_type(self) -> None:
        self.set_filters(replace(self.filters, type=_next(TYPE_CYCLE, self.filters.type)))

    def action_next_status(self) -> None:
        self.set_filters(replace(self.filters, status=_next(STATUS_CYCLE, self.filters.status)))

    def action_toggle_order(self) -> None:
        self.set_filters(replace(self.filters, descending=not self.filters.descending))

    def action_choose_employee(self) -> None:
        from ..screens.employee_picker import EVERYONE, EmployeePickerScreen

        def chosen(login: str | None) -> None:
            if login is not None:
                self.set_filters(replace(self.filters, employee=None if login == EVERYONE else login))

        picker = EmployeePickerScreen(self.app.operators.all(), self.filters.employee, self.app.user,
                                      title=_("Show the activities of"), hint=_("enter chooses · escape cancels"),
                                      everyone=True)
        self.app.push_screen(picker, chosen)

    def action_date_range(self) -> None:
        from ..screens.activity_filters import DateRangeScreen

        def chosen(days: tuple[date | None, date | None] | None) -> None:
            if days is not None:
                self.set_filters(replace(self.filters, first_day=days[0], last_day=days[1]))

        self.app.push_screen(DateRangeScreen(self.filters.first_day, self.filters.last_day), chosen)

    # -- the activity under the cursor -----------------------------------------------------

    def _selected(self) -> dict[str, Any] | None:
        activity_id = self.table.cursor_key
        doc = None if activity_id is None else self.app.activities.doc(activity_id)
        if doc is None:
            self.notify(_("No activity selected."), severity="warning")
        return doc

    def _refuse_if_read_only(self) -> bool:
        if self.app.database.read_only:
            self.notify(_("This database is read-only: nothing can be changed."), severity="warning")
            return True
        return False

    def _label(self, activity_id: int) -> str:
        """"25.11.2026 14:00 · Meeting · Alfa Sp. z o.o." for messages and the editor's title."""
        doc = self.app.activities.doc(activity_id) or {}
        cells = self.table.cells
        return " · ".join(p for p in (when_text(doc.get("planned_at", ""), self.app.zone), cells.what(doc),
                                      cells.counterparty(doc)) if p)

    @on(ActivityTable.Selected)
    def _row_selected(self, event: ActivityTable.Selected) -> None:
        event.stop()
        self.open_form(activity_id=event.key)

    def open_form(self, **arguments: Any) -> None:
        """The activity form; after a save the cursor goes to the saved activity."""
        if arguments.get("activity_id") is None and self._refuse_if_read_only():
            return

        def done(saved_id: int | None) -> None:
            if saved_id is not None:
                self.reload()
                self.table.move_cursor_to_key(saved_id)
            self.table.focus()

        push_activity_form(self.app, done, **arguments)

    def show_activity(self, activity_id: int) -> None:
        self.reload()
        self.table.move_cursor_to_key(activity_id)

    def action_delete_activity(self) -> None:
        from ..screens.confirm import ConfirmScreen

        doc = self._selected()
        activity_id = self.table.cursor_key
        if doc is None or activity_id is None or self._refuse_if_read_only():
            return
        label = self._label(activity_id)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.activities.delete(activity_id, author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(_("Activity moved to the trash: {activity}").format(activity=label), markup=False)

        question = _("Move this activity to the trash? {activity}").format(activity=label)
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)

    # -- the note, edited in place ---------------------------------------------------------

    def action_edit_note(self) -> None:
        doc = self._selected()
        activity_id = self.table.cursor_key
        if doc is None or activity_id is None or self._refuse_if_read_only():
            return
        if doc.get("completed"):
            self.notify(str(ActivityLockedError()), severity="warning")
            return
        note = doc.get("note", "")
        self._editing = _NoteEdit(activity_id, seen_note=note, original=note)
        area = self.note_area
        area.text = note
        area.border_title = _("Note: {activity}").format(activity=self._label(activity_id))
        area.border_subtitle = _("enter saves · ctrl+j new line · escape cancels")
        area.display = True
        area.move_cursor(area.document.end)
        area.focus()
        self.refresh_bindings()

    def focus_note(self) -> None:
        if self.editing:
            self.note_area.focus()

    @on(NoteArea.Submitted)
    def _save_note(self, event: NoteArea.Submitted) -> None:
        event.stop()
        editing = self._editing
        if editing is None:
            return
        text = self.note_area.text.strip()
        if text == editing.seen_note:
            self._close_editor()  # nothing changed: nothing to write
            return
        doc = self.app.activities.doc(editing.activity_id)
        if doc is None or doc.get("deleted_at"):
            self.notify(_("The activity was deleted meanwhile; your note was not saved. Your text is still in the box."),
                        severity="error", timeout=10)
            return
        try:
            self.app.activities.set_note(editing.activity_id, text, author=self.app.user, seen_note=editing.seen_note)
        except ConflictError as error:
            theirs = (error.current or {}).get("note", "")
            editing.seen_note = theirs  # a second enter means "mine over theirs", knowingly
            message = _("{problem} Their note: “{theirs}”. Your text is still in the box: enter saves it over theirs, "
                        "escape drops it.").format(problem=str(error), theirs=one_line(theirs) or "—")
            self.notify(message, severity="warning", timeout=15, markup=False)
            return
        except StoreError as error:  # completed meanwhile, read-only, disk full, …
            self.notify(_("{problem} Your text is still in the box.").format(problem=str(error)), severity="error",
                        timeout=10, markup=False)
            return
        self._close_editor()
        self.notify(_("Note saved."))

    @on(NoteArea.Cancelled)
    def _cancel_note(self, event: NoteArea.Cancelled) -> None:
        event.stop()
        self._close_editor()

    def _close_editor(self) -> None:
        self._editing = None
        area = self.note_area
        area.display = False
        area.text = ""
        self.table.focus()
        self.refresh_bindings()
