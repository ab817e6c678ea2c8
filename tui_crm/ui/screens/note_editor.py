"""Write a note (several lines) in a small dialog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tui_crm.i18n import _

from ..widgets.footer import KeyFooter


class NoteEditorScreen(ModalScreen[str | None]):
    """Dismisses with the note's text, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "dismiss(None)", _("Cancel")),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("New note (ctrl+s saves, escape cancels)"), classes="title")
            yield TextArea(id="note-text")
        yield KeyFooter()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        self.dismiss(text or None)
