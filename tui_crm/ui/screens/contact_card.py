"""The contact card: a header and tabs (details, related, activities, history, notes, …)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from tui_crm.domain.contact import Contact
from tui_crm.domain.validation import map_link
from tui_crm.i18n import _
from tui_crm.store import StoreError

from ..actions import ContactActions
from ..contact_details import detail_lines, header_lines, note_lines
from .map_link import MapLinkScreen
from .note_editor import NoteEditorScreen

#: (tab id, label, what it will hold) — tabs that later issues fill say so plainly.
TABS = [
    ("details", _("Details"), None),
    ("related", _("Related"), _("Related contacts (organizations and their contact persons) are not kept yet.")),
    ("activities", _("Activities"), _("Activities (calls, meetings, tasks) are not kept yet.")),
    ("history", _("History"), _("The history of activities and messages is not kept yet.")),
    ("notes", _("Notes"), None),
    ("changes", _("Field changes"), _("Changes to single fields are not recorded yet.")),
    ("files", _("Files"), _("Attached files are not kept yet.")),
]


class ContactCardScreen(ContactActions, Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("e", "edit", _("Edit")),
        Binding("c", "copy", _("Copy")),
        Binding("d,delete", "delete", _("Delete")),
        Binding("a", "add_note", _("Add note")),
        Binding("m", "map_link", _("Map")),
        *[Binding(str(n), f"show_tab('{tab}')", label, show=False) for n, (tab, label, _todo) in enumerate(TABS, 1)],
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="card-header")
        with TabbedContent(id="card-tabs"):
            for tab, label, todo in TABS:
                with TabPane(label, id=tab):
                    with VerticalScroll():
                        yield Static(todo or "", id=f"{tab}-body", markup=False, classes="empty" if todo else "")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._refresh, init=False)
        self._refresh()

    @property
    def contact(self) -> Contact | None:
        return self.app.contacts.get(self.contact_id)

    def _refresh(self) -> None:
        contact = self.contact
        if contact is None:
            self.notify(_("This contact no longer exists."), severity="warning")
            self.app.pop_screen()
            return
        self.query_one("#card-header", Static).update(Content("\n").join(header_lines(contact)))
        self.query_one("#details-body", Static).update(Content("\n").join(detail_lines(contact)))
        self.query_one("#notes-body", Static).update(Content("\n").join(note_lines(contact)))

    def selected_contact_id(self) -> int | None:
        return self.contact_id

    def after_delete(self) -> None:
        self.app.pop_screen()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_add_note(self) -> None:
        if self._refuse_if_read_only():
            return

        def written(text: str | None) -> None:
            if not text:
                return
            try:
                self.app.contacts.add_note(self.contact_id, text, author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.action_show_tab("notes")

        self.app.push_screen(NoteEditorScreen(), written)

    def action_map_link(self) -> None:
        contact = self.contact
        if contact is None or not contact.addresses:
            self.notify(_("This contact has no address."), severity="warning")
            return
        self.app.push_screen(MapLinkScreen([(address, map_link(address)) for address in contact.addresses]))
