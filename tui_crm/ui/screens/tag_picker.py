"""Choose one tag (with its number of contacts) to filter the list by."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.collation import sort_key
from tui_crm.i18n import _, format_number, language


class TagPickerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen tag, "" for "no tag filter", or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self._tags = sorted(counts.items(), key=lambda item: sort_key(item[0], language()))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Filter by tag"), classes="title")
            options = [Option(Content(_("(no tag filter)")), id="")]
            options += [Option(Content(f"{tag}  ({format_number(count)})"), id=tag) for tag, count in self._tags]
            yield OptionList(*options, id="tags")
            yield Static(_("↑ ↓ move · enter filters · escape cancels"), classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")
