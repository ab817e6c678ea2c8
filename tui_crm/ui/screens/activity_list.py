"""My activities / all activities: filters, sorting, inline note editing (F4)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header

from tui_crm.i18n import _
from tui_crm.store.activities import ActivityQuery

from ..widgets.activity_panel import ActivityPanel
from ..widgets.activity_table import ActivityTable
from ..widgets.footer import KeyFooter


class ActivityListScreen(Screen[None]):
    """``mine``: start with the operator's own activities (m shows everyone's)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back")),
        Binding("n", "new_activity", _("New")),
    ]

    def __init__(self, *, mine: bool = True) -> None:
        super().__init__()
        self._mine = mine

    def compose(self) -> ComposeResult:
        yield Header()
        # an operator with no activities of their own (new, or the demo's visitor) starts with everyone's
        mine = self._mine and bool(self.app.activities.find(ActivityQuery(employee=self.app.user)))
        yield ActivityPanel(employee=self.app.user if mine else None, empty_hint=_("n adds one."),
                            id="activity-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_title()
        self.panel.query_one(ActivityTable).focus()

    @property
    def panel(self) -> ActivityPanel:
        return self.query_one(ActivityPanel)

    @on(ActivityPanel.Changed)
    def _show_title(self) -> None:
        employee = self.panel.filters.employee
        if employee is None:
            self.title = _("All activities")
        elif employee == self.app.user:
            self.title = _("My activities")
        else:
            self.title = _("Activities of {name}").format(name=self.app.operators.shown(employee))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_activity":
            return not self.panel.editing  # while a note is edited, n is a letter of it
        return True

    def has_unsaved_changes(self) -> bool:
        return self.panel.has_unsaved_changes()

    def action_back(self) -> None:
        if self.panel.editing:  # the note box has the keys; escape there cancels it
            self.panel.focus_note()
            return
        self.app.pop_screen()

    def action_new_activity(self) -> None:
        self.panel.open_form()
