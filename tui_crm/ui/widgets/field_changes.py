"""A contact's Field changes tab: one line per changed field, newest first, filterable by field.

The lines come from the contact's field history (``app.contacts.history``): who, when, which
action (a form save, a bulk edit, a merge, trash and restore…), which field, old → new as words.
Only the rows on screen are turned into text (``VirtualTable``), so thousands of changes cost no
more to show than ten; the line under the table shows the highlighted change in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui_crm.domain.changes import FieldChange
from tui_crm.domain.collation import sort_key
from tui_crm.domain.contact import CONSENT_CHANNELS, ContactKind
from tui_crm.domain.dictionaries import ACQUISITION_SOURCES, PHONE_TYPES, label_of
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import (
    _,
    format_date,
    format_number,
    format_percent,
    language,
    ngettext,
)
from tui_crm.store import history as h
from tui_crm.store.history import CONTACT_ENTITY, HistoryEntry

from ..contact_details import consent_label, field_label, phone_type_label
from ..screens.record_history import action_label
from .activity_table import one_line, when_text
from .virtual_table import Column, VirtualTable

__all__ = ["ChangeLine", "FieldChanges", "change_action_label", "change_lines", "change_value", "short"]

#: how much of a value the line under the table shows (a note can be pages long)
DETAIL_LIMIT = 400
#: the filter's "every field"
ALL_FIELDS = "*"
#: yes/no fields of a contact
BOOLEAN_FIELDS = frozenset({"supplier"})


def change_action_label(action: str) -> str:
    """What happened, in words: "changed", "merged", "moved to the trash"…"""
    labels = {h.NOTE_ADDED: _("note added"), h.MERGED: _("merged"), h.BULK_EDITED: _("bulk edit")}
    return labels.get(action) or action_label(action)


def short(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters (an ellipsis says it goes on)."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def change_value(app: Any, field: str, value: Any) -> str:
    """A stored contact value as people read it: lists as their items, consents as dates,
    yes/no, names instead of logins and keys. Long texts are not shortened here."""
    if field in BOOLEAN_FIELDS or isinstance(value, bool):
        return _("yes") if value else _("no")  # stored documents leave False out: None is "no"
    if field == "discount" and (value is None or isinstance(value, int | float)):
        return format_percent(value or 0)
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field == "kind":
        return _("Organization") if value == ContactKind.ORGANIZATION else _("Person")
    if field == "phones":
        types = app.dictionaries.entries(PHONE_TYPES)
        return "; ".join(_phone_text(phone, types) for phone in value)
    if field == "emails":
        return "; ".join(_email_text(email) for email in value)
    if field == "addresses":
        return "; ".join(_address_text(address) for address in value)
    if field == "consents" and isinstance(value, dict):
        return _consents_text(value)
    if field == "tags" and isinstance(value, list):
        return ", ".join(value)
    if field == "notes":
        if isinstance(value, list):  # the whole list (a merge): how many
            return ngettext("{n} note", "{n} notes", len(value)).format(n=format_number(len(value)))
        return one_line(str(value))
    if field == "account_manager":
        return app.operators.shown(value)
    if field == "source":
        return label_of(app.dictionaries.entries(ACQUISITION_SOURCES), value)
    if isinstance(value, list | dict):
        return one_line(", ".join(map(str, value.values() if isinstance(value, dict) else value)))
    return one_line(str(value))


def change_text(app: Any, change: FieldChange, limit: int | None = None) -> str:
    """"old → new"; a note added reads as the note itself."""
    new = change_value(app, change.field, change.new)
    if change.field == "notes" and change.old is None and isinstance(change.new, str):
        return new if limit is None else short(new, limit)
    old = change_value(app, change.field, change.old)
    if limit is not None:
        old, new = short(old, limit), short(new, limit)
    return f"{old} → {new}"


def _phone_text(phone: dict[str, Any], types: Sequence[Any]) -> str:
    details = [phone_type_label(phone.get("type", "mobile"), types)]
    details += [name for key, name in (("whatsapp", "WhatsApp"), ("viber", "Viber"), ("sms", "SMS")) if phone.get(key)]
    text = f"{format_phone(phone.get('number', ''))} ({', '.join(details)})"
    return f"{text} {phone['note']}" if phone.get("note") else text


def _email_text(email: dict[str, Any]) -> str:
    address = email.get("address", "")
    return f"{address} ({_('consent to e-mail')})" if email.get("consent") else address


def _address_text(address: dict[str, Any]) -> str:
    town = f"{address.get('postal_code', '')} {address.get('city', '')}".strip()
    return ", ".join(part for part in (address.get("street", ""), town, address.get("country", "")) if part)


def _consents_text(consents: dict[str, Any]) -> str:
    given = [(channel, day) for channel, day in consents.items() if day]
    given.sort(key=lambda item: CONSENT_CHANNELS.index(item[0]) if item[0] in CONSENT_CHANNELS else len(CONSENT_CHANNELS))
    parts = []
    for channel, day in given:
        name = consent_label(channel) if channel in CONSENT_CHANNELS else channel
        parts.append(_("{channel} since {date}").format(channel=name, date=format_date(day)))
    return ", ".join(parts) or "—"


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One row: a changed field of a history entry (``change`` None: an entry that changed no
    field, such as a trash or a restore, or a creation)."""

    entry: HistoryEntry
    change: FieldChange | None

    @property
    def identity(self) -> tuple[int | None, str]:
        return self.entry.id, self.change.field if self.change else ""


def change_lines(entries: Sequence[HistoryEntry]) -> list[ChangeLine]:
    """The entries' rows in the entries' order (the repository gives newest first)."""
    lines = []
    for entry in entries:
        if entry.changes:
            lines.extend(ChangeLine(entry, change) for change in entry.changes)
        else:
            lines.append(ChangeLine(entry, None))
    return lines


class ChangesTable(VirtualTable):
    """The rows of the tab (keys: positions in ``FieldChanges.shown``)."""


class FieldChanges(Vertical):
    """The Field changes tab of one contact; ``reload`` reads the history again."""

    #: not in the footer (it is full on this tab): the hint line above the table names it
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f", "choose_field", _("Filter by field"), show=False)]

    def __init__(self, contact_id: int, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.contact_id = contact_id
        #: the field shown (None: every field)
        self.field: str | None = None
        self.lines: list[ChangeLine] = []
        self.shown: list[ChangeLine] = []
        self._who: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("", classes="changes-hint", markup=False)
        yield ChangesTable(
            [
                Column("when", _("Date"), 16),
                Column("who", _("Who"), 9),
                Column("action", _("Action"), 9),
                Column("field", _("Field"), 11),
                Column("change", _("Old → new"), None, min_width=10),
            ],
            self._cells,
        )
        yield Static("", classes="changes-detail", markup=False)

    @property
    def table(self) -> ChangesTable:
        return self.query_one(ChangesTable)

    def reload(self) -> None:
        """Read the history again; the cursor stays on the same change (new ones come on top)."""
        table = self.table
        kept = self.shown[table.cursor_row].identity if self.shown and table.cursor_row < len(self.shown) else None
        self._who.clear()
        self.lines = change_lines(self.app.contacts.history.of(CONTACT_ENTITY, self.contact_id))
        self._show(kept)

    def show_entry(self, entry_id: int) -> None:
        """Put the cursor on the first line of the history entry (showing every field if the
        filter hides it)."""
        if not any(line.entry.id == entry_id for line in self.shown):
            self.field = None
            self._show(None)
        for row, line in enumerate(self.shown):
            if line.entry.id == entry_id:
                self.table.cursor_row = row
                break

    def fields(self) -> list[str]:
        """The fields that appear in the history, in the order of their labels."""
        present = {line.change.field for line in self.lines if line.change}
        return sorted(present, key=lambda name: sort_key(field_label(name), language()))

    def set_field(self, field: str | None) -> None:
        self.field = field
        self._show(None)

    def _show(self, kept: tuple[int | None, str] | None) -> None:
        field = self.field
        self.shown = self.lines if field is None else [
            line for line in self.lines if line.change and line.change.field == field]
        table = self.table
        table.set_rows(range(len(self.shown)), keep_cursor_key=False)
        table.refresh_rows()
        if kept is not None:
            identities = [line.identity for line in self.shown]
            if kept in identities:
                table.cursor_row = identities.index(kept)
        self._show_hint()
        self._show_detail()

    def _show_hint(self) -> None:
        count = len(self.shown)
        if not self.lines:
            hint = _("No changes recorded for this contact yet.")
        else:
            hint = ngettext("{n} change, newest first", "{n} changes, newest first", count).format(n=format_number(count))
            if self.field is not None:
                hint += " · " + _("field: {field}").format(field=field_label(self.field))
            hint += " · " + _("f filters by field")
        self.query_one(".changes-hint", Static).update(hint)

    def _show_detail(self) -> None:
        row = self.table.cursor_row
        detail = self.query_one(".changes-detail", Static)
        if not 0 <= row < len(self.shown):
            detail.update("")
            return
        line = self.shown[row]
        if line.change is None:
            detail.update(Content.assemble((self._who_text(line.entry.author), "bold"), " ",
                                           change_action_label(line.entry.action)))
            return
        detail.update(Content.assemble((field_label(line.change.field) + ": ", "bold"),
                                       change_text(self.app, line.change, DETAIL_LIMIT)))

    @on(VirtualTable.Highlighted)
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        event.stop()
        self._show_detail()

    def _who_text(self, login: str) -> str:
        if login not in self._who:
            self._who[login] = self.app.operators.shown(login) if login else "?"
        return self._who[login]

    def _cells(self, row: int) -> Sequence[str]:
        line = self.shown[row]  # an IndexError is a LookupError: a blank row
        entry, change = line.entry, line.change
        what = (field_label(change.field), change_text(self.app, change, 200)) if change else ("—", "")
        return (when_text(entry.at, self.app.zone), self._who_text(entry.author), change_action_label(entry.action),
                *what)

    def action_choose_field(self) -> None:
        from ..screens.options_menu import OptionsMenuScreen

        fields = self.fields()
        if not fields:
            self.notify(_("No field has been changed yet."), severity="warning")
            return
        current = self.field or ALL_FIELDS

        def mark(name: str) -> str:
            return "✓" if name == current else ""

        entries = [(ALL_FIELDS, _("All fields"), mark(ALL_FIELDS))]
        entries += [(name, field_label(name), mark(name)) for name in fields]

        def chosen(field: str | None) -> None:
            if field is not None:
                self.set_field(None if field == ALL_FIELDS else field)
                self.table.focus()

        self.app.push_screen(OptionsMenuScreen(_("Show the changes of"), entries), chosen)
