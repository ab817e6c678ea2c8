"""The help screen: every key where the focus is (the screen's, the app's and those of the
focused widget and the widgets around it), with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui_crm.i18n import _

from ..commands import description, screen_actions


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss", _("Close"))]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        # read now: once this screen is shown, the other one's focus no longer counts
        self._rows = [(action.key, description(action.binding), action.enabled)
                      for action in screen_actions(for_screen, dimmed=True)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(_("Keys"), classes="title")
            width = max((len(key) for key, _d, _e in self._rows), default=4) + 2
            lines = [Content.styled(f"{key:<{width}}{text}", "" if enabled else "dim")
                     for key, text, enabled in self._rows]
            notes = [_("ctrl+p opens the command palette: every action above, by name."), _("escape closes this help.")]
            if not all(enabled for _k, _d, enabled in self._rows):
                notes.insert(0, _("Dimmed keys cannot be used here right now."))
            yield Static(Content("\n").join([*lines, Content(""), *map(Content, notes)]), id="help-keys")
