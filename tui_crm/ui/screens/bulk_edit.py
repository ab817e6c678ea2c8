"""Bulk edit: one form for many contacts; only the fields touched change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui_crm.i18n import _


class BulkEditScreen(Screen[None]):
    """Placeholder until the screen is built."""

    BINDINGS = [Binding("escape", "app.pop_screen", _("Back"))]

    def __init__(self, contact_ids: list[int]) -> None:
        super().__init__()
        self.contact_ids = list(contact_ids)

    def compose(self) -> ComposeResult:
        yield Static("BulkEditScreen")
