"""The help screen: every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui_crm.i18n import _

from ..commands import description, screen_actions


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss", _("Close"))]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        self._rows = [(key, description(binding)) for _node, binding, key in screen_actions(for_screen)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(_("Keys"), classes="title")
            width = max((len(key) for key, _d in self._rows), default=4) + 2
            lines = [f"{key:<{width}}{description}" for key, description in self._rows]
            lines += ["", _("ctrl+p opens the command palette: every action above, by name."), _("escape closes this help.")]
            yield Static("\n".join(lines), markup=False, id="help-keys")
