"""The table of activities (ids from ``ActivityRepository.find``), used by the activity lists
and by a contact card's Activities tab; overdue rows are highlighted.

Only the rows on screen are turned into text (``VirtualTable``), so a list of hundreds of
thousands of activities costs no more to show than a list of twenty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from rich.segment import Segment
from textual.strip import Strip

from tui_crm.domain.activity import (
    COMPLETED,
    OVERDUE,
    STATUSES,
    parse_utc,
    status_label,
    type_label,
)
from tui_crm.domain.contact import display_name
from tui_crm.domain.dictionaries import ACTIVITY_KINDS, Entry, label_of
from tui_crm.i18n import _, babel_locale

from .virtual_table import Column, VirtualTable

__all__ = ["ActivityCells", "ActivityTable", "TonedTable", "activity_columns", "when_text"]


def when_text(planned_at: str, zone: ZoneInfo) -> str:
    """A stored UTC time as the local wall clock, short locale format: "25.11.2026 14:00"."""
    moment = parse_utc(planned_at)
    if moment is None:
        return ""
    locale = babel_locale()
    return f"{format_date(moment.astimezone(zone), 'short', locale=locale)} {format_time(moment, 'short', tzinfo=zone, locale=locale)}"


def one_line(text: str) -> str:
    """A note on one line: line breaks and runs of spaces become single spaces."""
    return " ".join(text.split())


class ActivityCells:
    """The texts shown for an activity's stored document, with the look-ups (dictionary labels,
    employee names) remembered until ``forget`` — call it when the data changed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._kinds: list[Entry] | None = None
        self._employees: dict[str, str] = {}

    def forget(self) -> None:
        self._kinds = None
        self._employees.clear()

    def when(self, doc: dict[str, Any]) -> str:
        return when_text(doc.get("planned_at", ""), self.app.zone)

    def what(self, doc: dict[str, Any]) -> str:
        """"Meeting · Visit": the type, and the kind when there is one."""
        label = type_label(doc.get("type", ""))
        kind = doc.get("kind", "")
        if not kind:
            return label
        if self._kinds is None:
            self._kinds = self.app.dictionaries.entries(ACTIVITY_KINDS)
        return f"{label} · {label_of(self._kinds, kind)}"

    def name(self, contact_id: int | None) -> str:
        doc = None if contact_id is None else self.app.contacts.doc(contact_id)
        return "?" if doc is None else display_name(doc)

    def counterparty(self, doc: dict[str, Any]) -> str:
        return self.name(doc.get("counterparty_id"))

    def persons(self, doc: dict[str, Any]) -> str:
        """The persons besides the counterparty (a private client is both: named once)."""
        counterparty = doc.get("counterparty_id")
        return ", ".join(self.name(person_id) for person_id in doc.get("person_ids", []) if person_id != counterparty)

    def employee(self, doc: dict[str, Any]) -> str:
        login = doc.get("employee", "")
        if login not in self._employees:
            self._employees[login] = self.app.operators.shown(login) if login else ""
        return self._employees[login]

    def status(self, doc: dict[str, Any]) -> str:
        return self.app.activities.status(doc)

    def status_text(self, doc: dict[str, Any]) -> str:
        return status_label(self.status(doc))

    def note(self, doc: dict[str, Any]) -> str:
        return one_line(doc.get("note", ""))


class TonedTable(VirtualTable):
    """A ``VirtualTable`` whose rows can have a tone: overdue rows stand out, completed ones
    step back. Subclasses say which tone a row has (``row_tone``)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = VirtualTable.COMPONENT_CLASSES | {
        "toned-table--overdue",
        "toned-table--completed",
    }

    DEFAULT_CSS = """
    TonedTable {
        & > .toned-table--overdue {
            color: $text-error;
            text-style: bold;
        }
        & > .toned-table--completed {
            color: $text-muted;
        }
        &:ansi > .toned-table--overdue {
            color: ansi_bright_red;
        }
        &:ansi > .toned-table--completed {
            color: ansi_bright_black;
        }
    }
    """

    def row_tone(self, key: int) -> str:
        """``"overdue"``, ``"completed"`` or ``""`` (no tone)."""
        return ""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        row = y - 1 + self.scroll_offset.y
        keys = self.row_keys
        if y == 0 or not 0 <= row < len(keys) or row == self.cursor_row or keys[row] in self.marked:
            return strip  # the header, blank lines, the cursor and marks keep their own look
        tone = self.row_tone(keys[row])
        if tone not in (OVERDUE, COMPLETED):
            return strip
        style = self.get_component_rich_style(f"toned-table--{tone}")
        return Strip([Segment(strip.text, style)], strip.cell_length)


def _widest(*texts: str) -> int:
    """The width that shows every one of ``texts`` whole (the statuses are longer in Polish)."""
    return max(len(text) for text in texts)


def activity_columns(hide: Collection[str] = ()) -> list[Column]:
    """Fits 80 columns: the flexible ones share what the fixed ones leave."""
    columns = [
        Column("when", _("Date"), 16),
        Column("what", _("Type"), 12),
        Column("counterparty", _("Counterparty"), None, min_width=8, ratio=2),
        Column("persons", _("Persons"), None, min_width=6, ratio=2),
        Column("employee", _("Employee"), 8),
        Column("status", _("Status"), _widest(_("Status"), *(status_label(s) for s in STATUSES))),
        Column("note", _("Note"), None, min_width=6, ratio=3),
    ]
    return [column for column in columns if column.key not in hide]


class ActivityTable(TonedTable):
    """Rows are activity ids; ``hide`` leaves columns out (the counterparty on its own card)."""

    def __init__(self, *, hide: Collection[str] = (), id: str | None = None, classes: str | None = None) -> None:
        super().__init__(activity_columns(hide), self._row_cells, id=id, classes=classes)
        self._cells: ActivityCells | None = None

    @property
    def cells(self) -> ActivityCells:
        if self._cells is None:
            self._cells = ActivityCells(self.app)
        return self._cells

    def show(self, activity_ids: Iterable[int], *, keep_cursor_key: bool = True) -> None:
        self.set_rows(activity_ids, keep_cursor_key=keep_cursor_key)

    def hide_columns(self, hide: Collection[str]) -> None:
        """Leave out ``hide`` (e.g. the employee while only one employee's rows are shown)."""
        columns = activity_columns(hide)
        if [c.key for c in columns] != [c.key for c in self.columns]:
            self.set_columns(columns)

    def refresh_rows(self, keys: Iterable[int] | None = None) -> None:
        self.cells.forget()
        super().refresh_rows(keys)

    def _row_cells(self, activity_id: int) -> Sequence[str]:
        doc = self.app.activities.doc(activity_id)
        if doc is None:
            raise LookupError(activity_id)
        cells = self.cells
        texts = {
            "when": cells.when,
            "what": cells.what,
            "counterparty": cells.counterparty,
            "persons": cells.persons,
            "employee": cells.employee,
            "status": cells.status_text,
            "note": cells.note,
        }
        return tuple(texts[column.key](doc) for column in self.columns)

    def row_tone(self, key: int) -> str:
        doc = self.app.activities.doc(key)
        return "" if doc is None else self.cells.status(doc)
