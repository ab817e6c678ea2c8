"""Show an address's map link, and copy or open it (over SSH, copying is what works)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact import Address
from tui_crm.i18n import _


class MapLinkScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("c", "copy_link", _("Copy link")),
        Binding("o", "open_link", _("Open in browser")),
        Binding("escape", "dismiss(None)", _("Close")),
    ]

    def __init__(self, links: list[tuple[Address, str]]) -> None:
        super().__init__()
        self._links = links

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Map (OpenStreetMap): c copies the link, o opens it, escape closes"), classes="title")
            yield OptionList(
                *[Option(Content(f"{a.street}, {a.postal_code} {a.city}\n{url}"), id=str(i)) for i, (a, url) in enumerate(self._links)],
                id="links",
            )

    def _url(self) -> str:
        options = self.query_one(OptionList)
        return self._links[options.highlighted or 0][1]

    def action_copy_link(self) -> None:
        self.app.copy_to_clipboard(self._url())
        self.notify(_("Link copied to the clipboard."))

    def action_open_link(self) -> None:
        self.app.open_url(self._url())
        # Over SSH no browser can open on the user's side: say what else works.
        self.notify(_("Opening the link in a browser; if none opens (e.g. over SSH), copy it with c."))

