"""The trash: deleted contacts, restored with one key or removed for good."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui_crm.i18n import _, format_datetime
from tui_crm.store import StoreError

from ..widgets.footer import KeyFooter
from ..widgets.tables import cell, selected_row_id
from .confirm import ConfirmScreen


class TrashScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "restore", _("Restore")),
        Binding("X,shift+delete", "purge", _("Delete for good")),
        Binding("escape", "app.pop_screen", _("Back")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="trash-hint")
        table: DataTable = DataTable(id="trash", cursor_type="row")
        table.add_columns(_("Name"), _("Deleted"), _("Deleted by"))
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._fill, init=False)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for contact in self.app.contacts.trash():
            name = contact.display_name
            if contact.merged_into is not None and (survivor := self.app.contacts.get(contact.merged_into)) is not None:
                name = _("{name} (merged into {survivor})").format(name=name, survivor=survivor.display_name)
            cells = (name, format_datetime(contact.deleted_at), contact.deleted_by or "")
            table.add_row(*map(cell, cells), key=str(contact.id))  # user text, never markup
        self.query_one("#trash-hint", Static).update(
            _("Trash: deleted contacts. r restores one; X (shift+x) deletes it for good.")
            if table.row_count
            else _("The trash is empty.")
        )
        table.focus()

    def _selected_id(self) -> int | None:
        return selected_row_id(self.query_one(DataTable))

    def action_restore(self) -> None:
        contact_id = self._selected_id()
        if contact_id is None:
            return
        try:
            contact = self.app.contacts.restore(contact_id, author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(_("“{name}” restored.").format(name=contact.display_name), markup=False)

    def action_purge(self) -> None:
        contact_id = self._selected_id()
        if contact_id is None:
            return
        contact = self.app.contacts.get(contact_id)

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    self.app.contacts.purge(contact_id)
                except StoreError as error:
                    self.notify(str(error), severity="error", markup=False)

        question = _("Delete “{name}” for good? This cannot be undone.").format(name=contact.display_name if contact else "?")
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete for good")), answered)
