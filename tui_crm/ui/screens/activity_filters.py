"""Small dialogs that set the filters of an activity list: a date range (the employee: employee_picker)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_crm.domain.schedule import DateInputError, parse_date
from tui_crm.i18n import _

DateRange = tuple[date | None, date | None]


class DateRangeScreen(ModalScreen[DateRange | None]):
    """Dismisses with (first day, last day) — either may be None: open-ended; both None
    clears the range — or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, first: date | None = None, last: date | None = None) -> None:
        super().__init__()
        self._first = first
        self._last = last

    def compose(self) -> ComposeResult:
        placeholder = _("YYYY-MM-DD or DD.MM.YYYY")
        with Vertical(classes="dialog", id="date-range"):
            yield Static(_("Show activities planned between"), classes="title")
            with Horizontal(classes="form-line"):
                yield Static(_("From"), classes="label")
                yield Input(self._first.isoformat() if self._first else "", placeholder=placeholder, id="date-from",
                            compact=True)
            with Horizontal(classes="form-line"):
                yield Static(_("To"), classes="label")
                yield Input(self._last.isoformat() if self._last else "", placeholder=placeholder, id="date-to",
                            compact=True)
            yield Static("", id="date-error", classes="error", markup=False)
            yield Static(_("Both days count. Empty: no limit. enter applies · escape cancels"), classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#date-error", Static)
        days: list[date | None] = []
        for selector in ("#date-from", "#date-to"):
            field = self.query_one(selector, Input)
            try:
                days.append(parse_date(field.value) if field.value.strip() else None)
            except DateInputError as problem:
                error.update(str(problem))
                field.focus()
                return
        first, last = days
        if first and last and last < first:
            error.update(_("The last day is before the first one."))
            self.query_one("#date-to", Input).focus()
            return
        self.dismiss((first, last))
