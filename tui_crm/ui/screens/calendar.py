"""An employee's calendar: day and week views."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui_crm.i18n import _


class CalendarScreen(Screen[None]):
    """Placeholder until the screen is built."""

    BINDINGS = [Binding("escape", "app.pop_screen", _("Back"))]

    def compose(self) -> ComposeResult:
        yield Static("CalendarScreen")
