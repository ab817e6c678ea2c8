"""The field history of one record: who changed what, when, from which value to which."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_crm.i18n import _, format_datetime
from tui_crm.store import history as h

from ..widgets.footer import KeyFooter


def action_label(action: str) -> str:
    return {
        h.CREATED: _("created"), h.EDITED: _("changed"), h.COMPLETED: _("completed"), h.REOPENED: _("reopened"),
        h.DELETED: _("moved to the trash"), h.RESTORED: _("restored"), h.NOTE_EDITED: _("note changed"),
        h.NOTE_ADDED: _("note added"), h.MERGED: _("merged"), h.BULK_EDITED: _("changed with others (bulk edit)"),
    }.get(action, action)


class RecordHistoryScreen(ModalScreen[None]):
    """``label(field)`` and ``value(field, stored)`` say how the record's fields read."""

    BINDINGS = [Binding("escape,q", "dismiss(None)", _("Close"))]

    def __init__(self, title: str, entity: str, entity_id: int, *, label: Callable[[str], str],
                 value: Callable[[str, Any], str]) -> None:
        super().__init__()
        self._title, self._entity, self._entity_id = title, entity, entity_id
        self._label, self._value = label, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="record-history"):
            yield Static(self._title, classes="title", markup=False)
            with VerticalScroll():
                yield Static(Content("\n").join(self._lines()), id="history-lines")
        yield KeyFooter()

    def _lines(self) -> list[Content]:
        entries = self.app.history.of(self._entity, self._entity_id)
        if not entries:
            return [Content(_("No changes recorded yet."))]
        lines: list[Content] = []
        for entry in entries:  # newest first
            who = self.app.operators.shown(entry.author)
            lines.append(Content.assemble((f"{format_datetime(entry.at)} · {who} · ", "bold"),
                                          (action_label(entry.action), "bold")))
            for change in entry.changes:
                lines.append(Content(f"  {self._label(change.field)}: {self._value(change.field, change.old)}"
                                     f" → {self._value(change.field, change.new)}"))
        return lines
