"""The outbox: every message, newest first; enter shows one in full, r retries it.

Filters (status, channel, operator) cycle with their keys; t opens the message templates.
``retry_waiting(app)`` sends what waits (the app may call it at start): claims on the UI
thread, sends on a worker thread.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Static

from tui_crm.domain.messages import CHANNELS, channel_label
from tui_crm.domain.outbox import BY_PHONE, STATUSES, OutboxMessage, kind_label, status_label
from tui_crm.i18n import _, format_datetime, format_number, ngettext
from tui_crm.store import StoreError
from tui_crm.store.delivery import Sender, sender_for

from ..widgets.footer import KeyFooter
from ..widgets.tables import cell, selected_row_id


def claim_waiting(app: Any, messages: list[OutboxMessage]) -> tuple[list[tuple[OutboxMessage, Sender]], int]:
    """Claim the messages that have a sender set up; (claimed with senders, how many have none)."""
    claimed, without = [], 0
    for message in messages:
        sender = sender_for(app.settings, message)
        if sender is None:
            without += 1
            continue
        taken = app.outbox.claim(message.id, version=message.version)
        if taken is not None:
            claimed.append((taken, sender))
    return claimed, without


def retry_waiting(app: Any, *, failed: bool = True, announce_for: str | None = None) -> int:
    """Send every waiting message in the background (at start without the ``failed`` ones, or
    "retry all"); how many go. ``announce_for``: say only how that operator's messages went."""
    from .compose import delivery_notice, send_in_background

    try:
        claimed, _without = claim_waiting(app, app.outbox.to_retry(failed=failed))
    except StoreError as error:
        app.notify(str(error), severity="error", markup=False)
        return 0

    def announce(results: list[Any]) -> None:
        delivery_notice(app, [r for r in results if announce_for is None
                              or (r.message is not None and r.message.created_by == announce_for)])

    send_in_background(app, claimed, announce)
    return len(claimed)


#: The columns the status and the subject share: a longer status (Polish) takes its room from
#: the subject, whose whole text enter shows.
STATUS_AND_SUBJECT = 22


def _widest(*texts: str) -> int:
    """The width that shows every one of ``texts`` whole (the statuses are longer in Polish)."""
    return max(len(text) for text in texts)


def _next(values: list[Any], current: Any) -> Any:
    return values[(values.index(current) + 1) % len(values)] if current in values else values[0]


class OutboxScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("r", "retry", _("Retry")),
        Binding("f", "filter_status", _("Status")),
        Binding("c", "filter_channel", _("Channel")),
        Binding("o", "filter_operator", _("Operator")),
        Binding("t", "templates", _("Templates")),
        Binding("a", "retry_all", _("Retry all"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.channel: str | None = None
        self.operator: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="outbox-hint")
        yield Static("", id="outbox-filters", markup=False)
        table: DataTable = DataTable(id="outbox", cursor_type="row")
        # 68 columns of text + 10 of cell padding: fits 80 with the scroll bar. The status is
        # shown whole in every language ("z telefonu"); the subject gives up what it takes.
        status_width = _widest(_("Status"), *(status_label(status) for status in STATUSES))
        table.add_column(_("Status"), width=status_width)
        table.add_column(_("Kind"), width=12)
        table.add_column(_("To"), width=17)
        table.add_column(_("Subject"), width=STATUS_AND_SUBJECT - status_width)
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
        messages = self.app.outbox.list(self.status, channel=self.channel, author=self.operator)
        for message in messages:
            cells = (
                status_label(message.status),
                channel_label(message.channel) if message.kind == "message" else kind_label(message.kind),
                message.to,
                message.subject or message.body.replace("\n", " ")[:40],
                format_datetime(message.created_at),
            )
            table.add_row(*map(cell, cells), key=str(message.id))  # user text, never markup
        if selected is not None and str(selected) in {str(m.id) for m in messages}:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self.query_one("#outbox-hint", Static).update(
            ngettext(
                "{n} message. enter shows it, r retries it, a retries all waiting.",
                "{n} messages. enter shows one, r retries it, a retries all waiting.",
                len(messages),
            ).format(n=format_number(len(messages)))
            if messages
            else _("No messages here.") if self.status or self.channel or self.operator else _("The outbox is empty.")
        )
        every = _("all")
        self.query_one("#outbox-filters", Static).update(_("Status: {status} · channel: {channel} · operator: {operator}").format(
            status=status_label(self.status) if self.status else every,
            channel=channel_label(self.channel) if self.channel else every,
            operator=self.operator or every))
        table.focus()

    # -- filters -----------------------------------------------------------------------------

    def action_filter_status(self) -> None:
        self.status = _next([None, *STATUSES], self.status)
        self._fill()

    def action_filter_channel(self) -> None:
        self.channel = _next([None, *CHANNELS], self.channel)
        self._fill()

    def action_filter_operator(self) -> None:
        authors = sorted({m.created_by for m in self.app.outbox.list() if m.created_by})
        self.operator = _next([None, *authors], self.operator)
        self._fill()

    def action_templates(self) -> None:
        from .templates import TemplatesScreen

        self.app.push_screen(TemplatesScreen())

    # -- retrying ----------------------------------------------------------------------------

    def action_retry(self) -> None:
        from .compose import delivery_notice, send_in_background

        message_id = self._selected_id()
        message = None if message_id is None else self.app.outbox.get(message_id)
        if message is None:
            return
        if message.status not in ("queued", "failed"):
            self.notify(_("This message is {status}: nothing to retry.").format(status=status_label(message.status)),
                        markup=False)
            return
        try:
            claimed, without = claim_waiting(self.app, [message])
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if without:
            self.notify(_("Sending is not set up for this channel (Settings, F2)."), severity="warning")
        elif not claimed:
            self.notify(_("Another session is sending this message already."), severity="warning")
        else:
            self.notify(_("Sending to {to}…").format(to=message.to), markup=False)
            send_in_background(self.app, claimed, lambda results: delivery_notice(self.app, results))

    def action_retry_all(self) -> None:
        count = retry_waiting(self.app)
        self.notify(ngettext("Sending {n} message…", "Sending {n} messages…", count).format(n=format_number(count))
                    if count else _("Nothing to send (or sending is not set up)."))

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
            (_("Channel"), channel_label(m.channel)),
            (_("Created"), f"{format_datetime(m.created_at)} · {m.created_by}"),
        ]
        if m.sent_at:  # a message handed to the phone: when the code was shown, not when it went
            label = _("Handed to the phone") if m.status == BY_PHONE else _("Sent")
            headers.append((label, format_datetime(m.sent_at)))
        if m.attempts:
            headers.append((_("Attempts"), format_number(m.attempts)))
        if m.error:
            headers.append((_("Error"), m.error))
        width = max(len(label) for label, _value in headers) + 2
        head = "\n".join(f"{label + ':':<{width}}{value}" for label, value in headers)
        with VerticalScroll(classes="dialog", id="message-body"):
            yield Static(head, markup=False, id="message-headers")
            yield Static(m.body, markup=False, id="message-text")
        yield KeyFooter()
