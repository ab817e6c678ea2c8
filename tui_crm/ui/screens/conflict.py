"""Tell the user that someone else saved first, and what was carried over."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_crm.domain.changes import Reapplied
from tui_crm.i18n import _

from ..contact_details import field_label


def _short(value: object) -> str:
    """A stored value in a few words: the main text of each row of a list (number, address…)."""
    if isinstance(value, list):
        text = ", ".join(str(next(iter(item.values()), "")) if isinstance(item, dict) else str(item) for item in value)
    else:
        text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


class ConflictScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "dismiss(None)", _("OK"))]

    def __init__(self, message: str, reapplied: Reapplied) -> None:
        super().__init__()
        self._message = message
        self._reapplied = reapplied

    def compose(self) -> ComposeResult:
        lines = [self._message, ""]
        if self._reapplied.theirs:
            fields = ", ".join(field_label(c.field) for c in self._reapplied.theirs)
            lines.append(_("They changed: {fields}.").format(fields=fields))
        if self._reapplied.conflicts:
            lines.append(_("You both changed these; your value is in the form now:"))
            for change in self._reapplied.conflicts:
                line = _("{field}: theirs {old} → yours {new}")
                lines.append("  " + line.format(field=field_label(change.field), old=_short(change.old), new=_short(change.new)))
        lines += ["", _("Your changes were put on top of the newer version. Check the form and press ctrl+s to save.")]
        with Vertical(classes="dialog"):
            yield Static(_("Changed by someone else"), classes="title")
            with VerticalScroll():
                yield Static("\n".join(lines), markup=False)
            yield Button(_("OK"), id="ok", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)
