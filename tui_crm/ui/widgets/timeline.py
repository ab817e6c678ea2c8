"""A contact's history as one timeline: every entry, of whatever kind, in time order.

Entries come from *sources*: functions ``(app, contact_id) -> entries``: the contact's
activities, its notes and its field changes (one entry per change, "changed: Last name,
Phones"). Messages will be one more source (add it to ``SOURCES`` or pass it to ``Timeline``)
without changing the widget.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from textual import on
from textual.message import Message

from tui_crm.i18n import _
from tui_crm.store import history as h
from tui_crm.store.activities import ActivityQuery
from tui_crm.store.history import CONTACT_ENTITY

from ..contact_details import field_label
from .activity_table import ActivityCells, TonedTable, one_line, when_text
from .field_changes import change_action_label
from .virtual_table import Column

__all__ = [
    "ACTIVITY", "CHANGE", "FILE", "MESSAGE", "NOTE", "SOURCES", "Timeline", "TimelineEntry", "TimelineSource", "activity_entries",
    "change_entries", "file_entries", "message_entries", "note_entries", "timeline_entries",
]

ACTIVITY = "activity"
NOTE = "note"  # ref: the note's position in the contact's notes
CHANGE = "change"  # ref: the field-history entry
MESSAGE = "message"  # ref: the outbox message
FILE = "file"  # ref: the attachment


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the timeline.

    ``at`` is a stored UTC time (ISO text, so text order is time order); ``source`` and ``ref``
    name the record it shows ("activity", 12), so enter can open it.
    """

    at: str
    source: str
    ref: int | None
    what: str
    summary: str
    status: str = ""
    who: str = ""
    tone: str = ""  # "overdue", "completed" or ""
    #: the order of entries stored in the same second: a creation first, a change after the
    #: note or activity saved with it
    tie: int = 1

    @property
    def identity(self) -> tuple[str, int | None]:
        return self.source, self.ref


TimelineSource = Callable[[Any, int], Iterable[TimelineEntry]]


def activity_entries(app: Any, contact_id: int) -> list[TimelineEntry]:
    """The contact's activities: as counterparty or as a person taking part."""
    cells = ActivityCells(app)
    entries = []
    for activity_id in app.activities.find(ActivityQuery(contact_id=contact_id)):
        doc = app.activities.doc(activity_id)
        if doc is None:
            continue
        persons = cells.persons(doc)
        if doc.get("counterparty_id") != contact_id:  # a person's card: which organization
            persons = f"{cells.counterparty(doc)}: {persons}" if persons else cells.counterparty(doc)
        summary = " — ".join(part for part in (persons, doc.get("subject", ""), cells.note(doc)) if part)
        status = cells.status(doc)
        entries.append(TimelineEntry(
            at=doc.get("planned_at", ""), source=ACTIVITY, ref=activity_id, what=cells.what(doc), summary=summary,
            status=cells.status_text(doc), who=cells.employee(doc), tone=status,
        ))
    return entries


def note_entries(app: Any, contact_id: int) -> list[TimelineEntry]:
    contact = app.contacts.get(contact_id)
    if contact is None:
        return []
    return [
        TimelineEntry(at=note.at, source=NOTE, ref=position, what=_("Note"), summary=one_line(note.text),
                      who=_shown(app, note.author))
        for position, note in enumerate(contact.notes)
    ]


def change_entries(app: Any, contact_id: int) -> list[TimelineEntry]:
    """One entry per recorded change; a note added is already on the timeline as a note."""
    entries = []
    for entry in app.contacts.history.of(CONTACT_ENTITY, contact_id):
        if entry.action == h.NOTE_ADDED:
            continue
        summary = change_action_label(entry.action)
        if entry.changes:
            fields = ", ".join(_in_sentence(field_label(change.field)) for change in entry.changes)
            summary = f"{summary}: {fields}"
        entries.append(TimelineEntry(at=entry.at, source=CHANGE, ref=entry.id, what=_("Change"), summary=summary,
                                     who=_shown(app, entry.author), tie=0 if entry.action == h.CREATED else 2))
    return entries


def message_entries(app: Any, contact_id: int) -> list[TimelineEntry]:
    """Messages written to the contact (e-mail, SMS, …): when sent, or when queued if not yet."""
    from tui_crm.domain.messages import channel_label
    from tui_crm.domain.outbox import FAILED, QUEUED, status_label

    entries = []
    for message in app.outbox.list(contact_id=contact_id):
        text = message.subject or one_line(message.body)
        entries.append(TimelineEntry(
            at=message.sent_at or message.created_at, source=MESSAGE, ref=message.id, what=channel_label(message.channel),
            summary=f"{message.to}: {text}", status=status_label(message.status), who=_shown(app, message.created_by),
            tone="overdue" if message.status in (QUEUED, FAILED) else "completed",
        ))
    return entries


def file_entries(app: Any, contact_id: int) -> list[TimelineEntry]:
    """Files attached to the contact (the Files tab), and those moved to its trash."""
    from tui_crm.domain.attachments import human_size

    entries = []
    for trashed in (False, True):
        for record in app.attachments.list_of(contact_id, trashed=trashed):
            summary = f"{record.name} ({human_size(record.size)})"
            entries.append(TimelineEntry(at=record.added_at, source=FILE, ref=record.id, what=_("File"),
                                         summary=summary, status=_("attached"), who=_shown(app, record.added_by)))
            if trashed and record.deleted_at:
                entries.append(TimelineEntry(at=record.deleted_at, source=FILE, ref=record.id, what=_("File"),
                                             summary=summary, status=_("in the trash"),
                                             who=_shown(app, record.deleted_by or ""), tie=2))
    return entries


def _shown(app: Any, login: str) -> str:
    return app.operators.shown(login) if login else ""


def _in_sentence(label: str) -> str:
    """"Last name" -> "last name" inside a sentence; "NIP" stays as it is."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


#: Where a contact's timeline comes from. Messages (e-mails, SMS) get a source of their own here.
SOURCES: list[TimelineSource] = [activity_entries, note_entries, change_entries, message_entries, file_entries]


def timeline_entries(app: Any, contact_id: int, sources: Sequence[TimelineSource] | None = None) -> list[TimelineEntry]:
    """Every source's entries, oldest first (ties: ``tie``, then kind, then record)."""
    entries = [entry for source in (SOURCES if sources is None else sources) for entry in source(app, contact_id)]
    return sorted(entries, key=lambda e: (e.at, e.tie, e.source, e.ref or 0))


class Timeline(TonedTable):
    """The entries of one contact; enter posts ``Timeline.Opened`` with the entry."""

    class Opened(Message):
        def __init__(self, timeline: Timeline, entry: TimelineEntry) -> None:
            super().__init__()
            self.timeline = timeline
            self.entry = entry

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(self, contact_id: int, *, sources: Sequence[TimelineSource] | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        columns = [
            Column("when", _("Date"), 16),
            Column("what", _("What"), 14),
            Column("summary", _("Details"), None, min_width=10),
            Column("status", _("Status"), 9),
            Column("who", _("Employee"), 8),
        ]
        super().__init__(columns, self._cells, id=id, classes=classes)
        self.contact_id = contact_id
        self._sources = sources
        self.entries: list[TimelineEntry] = []
        self._loaded = False

    def reload(self) -> None:
        """Read the entries again; the cursor stays on the same entry, and starts on the
        latest one that is not in the future."""
        kept = self.entries[self.cursor_row].identity if self._loaded and self.entries else None
        self.entries = timeline_entries(self.app, self.contact_id, self._sources)
        self.set_rows(range(len(self.entries)), keep_cursor_key=False)
        self.refresh_rows()
        identities = [entry.identity for entry in self.entries]
        if kept in identities:
            self.cursor_row = identities.index(kept)
        elif self.entries:
            now = datetime.now(UTC).replace(microsecond=0).isoformat()  # to the second, as changes are stored
            self.cursor_row = max(0, bisect_right([entry.at for entry in self.entries], now) - 1)
        self._loaded = True

    def _cells(self, index: int) -> Sequence[str]:
        entry = self.entries[index]  # an IndexError is a LookupError: a blank row
        return when_text(entry.at, self.app.zone), entry.what, entry.summary, entry.status, entry.who

    def row_tone(self, key: int) -> str:
        return self.entries[key].tone if 0 <= key < len(self.entries) else ""

    @on(TonedTable.Selected)
    def _opened(self, event: TonedTable.Selected) -> None:
        event.stop()
        if not 0 <= event.key < len(self.entries):
            return
        entry = self.entries[event.key]
        if entry.source == MESSAGE:  # shown here: the screens around need not know messages
            from ..screens.outbox import MessageScreen

            message = self.app.outbox.get(entry.ref) if entry.ref is not None else None
            if message is not None:
                self.app.push_screen(MessageScreen(message))
            return
        self.post_message(self.Opened(self, entry))
