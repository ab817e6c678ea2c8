"""The tags screen: counts, rename, merge, delete, open a tag's contacts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui_crm.i18n import _


class TagsScreen(Screen[None]):
    """Placeholder until the screen is built."""

    BINDINGS = [Binding("escape", "app.pop_screen", _("Back"))]

    def compose(self) -> ComposeResult:
        yield Static("TagsScreen")
