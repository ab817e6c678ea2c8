"""The outbox: e-mails the program has queued, newest first; enter shows one in full."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Static

from tui_crm.domain.outbox import OutboxMessage, kind_label, status_label
from tui_crm.i18n import _, format_datetime, format_number, ngettext

from ..widgets.footer import KeyFooter
from ..widgets.tables import selected_row_id


class OutboxScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="outbox-hint")
        table: DataTable = DataTable(id="outbox", cursor_type="row")
        # 68 columns of text + 10 of cell padding: fits 80 with the scroll bar
        table.add_column(_("Status"), width=8)
        table.add_column(_("Kind"), width=12)
        table.add_column(_("To"), width=17)
        table.add_column(_("Subject"), width=14)
        table.add_column(_("Created"), width=17)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Outbox")
        self.watch(self.app, "data_version", self._fill, init=False)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        selected = self._selected_id()
        table.clear()
        messages = self.app.outbox.list()
        for message in messages:
            cells = (
                status_label(message.status),
                kind_label(message.kind),
                message.to,
                message.subject,
                format_datetime(message.created_at),
            )
            table.add_row(*map(Text, cells), key=str(message.id))  # user text, never markup
        if selected is not None and str(selected) in {str(m.id) for m in messages}:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self.query_one("#outbox-hint", Static).update(
            ngettext(
                "{n} message, queued until sending is set up. enter shows it.",
                "{n} messages, queued until sending is set up. enter shows one.",
                len(messages),
            ).format(n=format_number(len(messages)))
            if messages
            else _("The outbox is empty.")
        )
        table.focus()

    def _selected_id(self) -> int | None:
        return selected_row_id(self.query_one(DataTable))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        message = self.app.outbox.get(int(event.row_key.value))
        if message is not None:
            self.app.push_screen(MessageScreen(message))


class MessageScreen(ModalScreen[None]):
    """One message as plain text: its headers, then the body."""

    BINDINGS = [Binding("escape,q,enter", "dismiss", _("Close"))]

    def __init__(self, message: OutboxMessage) -> None:
        super().__init__()
        self._message = message

    def compose(self) -> ComposeResult:
        m = self._message
        headers = [
            (_("To"), m.to),
            (_("Subject"), m.subject),
            (_("Status"), status_label(m.status)),
            (_("Kind"), kind_label(m.kind)),
            (_("Created"), f"{format_datetime(m.created_at)} · {m.created_by}"),
        ]
        if m.sent_at:
            headers.append((_("Sent"), format_datetime(m.sent_at)))
        if m.error:
            headers.append((_("Error"), m.error))
        width = max(len(label) for label, _value in headers) + 2
        head = "\n".join(f"{label + ':':<{width}}{value}" for label, value in headers)
        with VerticalScroll(classes="dialog", id="message-body"):
            yield Static(head, markup=False, id="message-headers")
            yield Static(m.body, markup=False, id="message-text")
        yield KeyFooter()
