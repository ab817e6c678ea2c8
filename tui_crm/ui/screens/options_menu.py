"""A small menu of what can be done with one contact: arrows + enter, or the entry's key."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.i18n import _


class OptionsMenuScreen(ModalScreen[str | None]):
    """``entries`` are (id, label, key); dismisses with the chosen id, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, title: str, entries: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._title = title
        self._entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="options-menu"):
            yield Static(self._title, markup=False, classes="title")
            yield OptionList(
                *[Option(Content.assemble((f"{key:<3}", "bold"), label), id=entry) for entry, label, key in self._entries],
                id="options",
            )
            yield Static(_("enter or the key chooses · escape closes"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        for entry, _label, key in self._entries:
            if key and event.character == key:
                event.stop()
                self.dismiss(entry)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
