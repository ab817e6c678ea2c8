"""Activities: saving them under the rules, finding them fast for lists and calendars.

The counterparty is an organization or a private client; which one a contact is, and who may
take part, is read from the contacts and links as they are when the activity is saved.

An in-memory index keeps every activity's id in planned-time order and by contact (the
counterparty and each person), patched on every change, ours or another session's.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from tui_crm.domain.activity import (
    COMPLETED,
    OVERDUE,
    PLANNED,
    Activity,
    ActivityLockedError,
    activity_status,
    changes_between,
    check_editable,
    completed_now,
    counterparty_refusal,
    make_follow_up,
    to_utc_text,
    validate_activity,
)
from tui_crm.domain.changes import FieldChange
from tui_crm.domain.contact import ContactKind, display_name
from tui_crm.domain.validation import FieldError
from tui_crm.i18n import _

from . import history as h
from .contacts import ContactRepository, utc_now
from .database import WriteBatch
from .errors import ConflictError, NotFoundError, StoreError
from .history import HistoryRepository
from .journal import Op
from .links import LinkRepository

TABLE = "activities"
ENTITY = "activity"


#: What queries test besides the time: (employee, type, completed, in_calendar).
_Meta = tuple[str, str, bool, bool]


def _kind(doc: dict[str, Any]) -> str:
    return doc.get("kind") or ContactKind.PERSON  # a contact's default kind, as Contact.from_doc reads it


class InvalidActivityError(StoreError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(" ".join(e.message for e in errors) or _("The activity has errors; nothing was saved."))


class LockedActivityError(StoreError):
    """A completed activity refused a change."""


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    employee: str | None = None
    type: str | None = None
    status: str | None = None  # planned, overdue, completed
    start: datetime | None = None  # planned at or after
    end: datetime | None = None  # planned before
    contact_id: int | None = None  # the counterparty or one of the persons
    calendar_only: bool = False
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SaveResult:
    activity: Activity
    follow_up: Activity | None = None


class ActivityRepository:
    def __init__(self, contacts: ContactRepository, links: LinkRepository, history: HistoryRepository,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.contacts = contacts
        self.links = links
        self.history = history
        self.database = contacts.database
        self.clock = clock
        self._table = self.database.table(TABLE)
        self._order: list[tuple[str, int]] = []  # (planned_at, id) of live activities
        self._keys: dict[int, tuple[str, int]] = {}
        self._meta: dict[int, _Meta] = {}
        self._by_employee: dict[str, list[tuple[str, int]]] = {}  # each in time order
        self._by_contact: dict[int, set[int]] = {}
        self._contacts_of: dict[int, tuple[int, ...]] = {}
        self._rebuild()
        self.database.subscribe(self._on_change)

    # -- reading ---------------------------------------------------------------------------

    def get(self, activity_id: int) -> Activity | None:
        doc = self._table.raw_get(activity_id)
        return None if doc is None else Activity.from_doc(doc, activity_id)

    def doc(self, activity_id: int) -> dict[str, Any] | None:
        """The stored document, read-only, for fast list rows."""
        return self._table.raw_get(activity_id)

    def count(self) -> int:
        return len(self._order)

    def find(self, query: ActivityQuery = ActivityQuery()) -> list[int]:
        """Ids of the live activities that match, by planned time (ties by id).

        Keys are (planned_at, id) in time order, so a date range and the planned/overdue split
        are bisections; the employee narrows to that employee's own order first.
        """
        if query.contact_id is not None:
            keys = sorted(self._keys[i] for i in self._by_contact.get(query.contact_id, ()))
        elif query.employee is not None:
            keys = self._by_employee.get(query.employee, [])
        else:
            keys = self._order
        now = to_utc_text(self.clock())
        low = bisect_left(keys, (to_utc_text(query.start), 0)) if query.start else 0
        high = bisect_left(keys, (to_utc_text(query.end), 0)) if query.end else len(keys)
        if query.status == OVERDUE:
            high = min(high, bisect_left(keys, (now, 0)))
        elif query.status == PLANNED:
            low = max(low, bisect_left(keys, (now, 0)))
        window = keys[low:high]
        tests = self._tests(query)
        if tests:
            meta = self._meta
            found = [i for _, i in window if all(test(meta[i]) for test in tests)]
        else:
            found = [i for _, i in window]
        if query.descending:
            found.reverse()
        return found

    def calendar(self, employee: str, start: datetime, end: datetime) -> list[Activity]:
        """The employee's calendar entries planned in [start, end), in time order."""
        query = ActivityQuery(employee=employee, start=start, end=end, calendar_only=True)
        return [a for i in self.find(query) if (a := self.get(i)) is not None]

    def status(self, doc: dict[str, Any]) -> str:
        return activity_status(bool(doc.get("completed")), doc.get("planned_at", ""), self.clock())

    def usage(self, field: str, keys: Iterable[str]) -> int:
        """How many activities (trashed too) use one of ``keys`` in ``field`` (kind, priority, category)."""
        wanted = set(keys)
        return sum(1 for _, doc in self._table.raw_items() if doc.get(field) in wanted)

    def persons_of(self, counterparty_id: int) -> list[int]:
        """Persons who may take part: an organization's live contact persons; a private client
        alone; nobody with a contact that cannot be the counterparty."""
        doc = self.contacts.doc(counterparty_id)
        if doc is None or doc.get("deleted_at") or self.counterparty_refusal(counterparty_id):
            return []
        if _kind(doc) == ContactKind.ORGANIZATION:
            return [link.person_id for link in self.links.of_organization(counterparty_id)]
        return [counterparty_id]

    def organization_of(self, person_id: int) -> int | None:
        """The live organization the person is a contact person of; None for a private client
        (a link to an organization in the trash does not count: it cannot be chosen anyway)."""
        link = self.links.of_person(person_id)
        if link is None:
            return None
        organization = self.contacts.doc(link.organization_id)
        return None if organization is None or organization.get("deleted_at") else link.organization_id

    def is_private_client(self, contact_id: int) -> bool:
        """A live person who is no live organization's contact person: a counterparty on their own."""
        doc = self.contacts.doc(contact_id)
        return (doc is not None and not doc.get("deleted_at") and _kind(doc) == ContactKind.PERSON
                and self.organization_of(contact_id) is None)

    def may_be_counterparty(self, contact_id: int) -> bool:
        """A live organization or a private client (cheaper than ``counterparty_refusal``)."""
        doc = self.contacts.doc(contact_id)
        if doc is None or doc.get("deleted_at"):
            return False
        return _kind(doc) == ContactKind.ORGANIZATION or self.organization_of(contact_id) is None

    def counterparty_refusal(self, contact_id: int) -> str | None:
        """Why the contact cannot be an activity's counterparty now, or None when it can."""
        doc = self.contacts.doc(contact_id)
        if doc is None or doc.get("deleted_at"):
            return _("The counterparty no longer exists.")
        kind = _kind(doc)
        organization_id = self.organization_of(contact_id) if kind == ContactKind.PERSON else None
        organization = None if organization_id is None else display_name(self.contacts.doc(organization_id) or {})
        return counterparty_refusal(kind, organization)

    # -- writing ---------------------------------------------------------------------------

    def save(self, activity: Activity, *, author: str, expected_version: int | None = None,
             follow_up_at: datetime | None = None) -> SaveResult:
        """Check the rules and store ``activity`` (a new one if it has no id); with
        ``follow_up_at``, also create the next contact/meeting at that time, in the same write."""
        expected = activity.version if expected_version is None else expected_version
        with self.database.write() as batch:
            errors = self._problems(activity)
            if errors:
                raise InvalidActivityError(errors)
            now = utc_now()
            stored = None
            if activity.id is None:
                new = replace(activity, id=batch.new_id(TABLE), version=1, created_at=now, created_by=author)
            else:
                doc = self._table.raw_get(activity.id)
                if doc is None or doc.get("deleted_at") or doc.get("version") != expected:
                    raise ConflictError(doc)
                stored = Activity.from_doc(doc, activity.id)
                try:
                    check_editable(stored, activity)
                except ActivityLockedError as error:
                    raise LockedActivityError(str(error)) from error
                new = replace(activity, version=expected + 1, created_at=stored.created_at,
                              created_by=stored.created_by, next_id=stored.next_id, previous_id=stored.previous_id)
            new = completed_now(new, stored, now)
            new.updated_at, new.updated_by = now, author
            follow_up = None
            if follow_up_at is not None:
                follow_up = self._add_follow_up(batch, new, follow_up_at, author, now)
                new.next_id = follow_up.id
            batch.put(TABLE, new.id, new.to_doc())
            self._record_save(batch, stored, new, author)
        return SaveResult(new, follow_up)

    def set_note(self, activity_id: int, note: str, *, author: str, seen_note: str) -> Activity:
        """Edit only the note (in place, from a list). ``seen_note`` is the note the user edited:
        if someone changed it meanwhile, ``ConflictError``; other fields' changes are kept."""

        def edit(doc: dict[str, Any]) -> list[FieldChange]:
            if doc.get("deleted_at"):
                raise NotFoundError(_("The activity is in the trash."))
            if doc.get("completed"):
                raise LockedActivityError(_("The activity is completed and read-only; reopen it to change it."))
            if doc.get("note", "") != seen_note:
                raise ConflictError(doc)
            if note:
                doc["note"] = note
            else:
                doc.pop("note", None)
            return [FieldChange("note", seen_note, note)] if note != seen_note else []

        return self._change(activity_id, author, h.NOTE_EDITED, edit)

    def reopen(self, activity_id: int, *, author: str) -> Activity:
        """Make a completed activity editable again; the field history records who and when."""

        def reopen(doc: dict[str, Any]) -> list[FieldChange]:
            if doc.get("deleted_at"):
                raise NotFoundError(_("The activity is in the trash."))
            if not doc.get("completed"):
                raise StoreError(_("The activity is not completed."))
            doc.pop("completed", None)
            doc.pop("completed_at", None)
            return [FieldChange("completed", True, False)]

        return self._change(activity_id, author, h.REOPENED, reopen)

    def delete(self, activity_id: int, *, author: str) -> Activity:
        def trash(doc: dict[str, Any]) -> list[FieldChange]:
            doc["deleted_at"], doc["deleted_by"] = utc_now(), author
            return []

        return self._change(activity_id, author, h.DELETED, trash)

    def restore(self, activity_id: int, *, author: str) -> Activity:
        def untrash(doc: dict[str, Any]) -> list[FieldChange]:
            doc.pop("deleted_at", None)
            doc.pop("deleted_by", None)
            return []

        return self._change(activity_id, author, h.RESTORED, untrash)

    # -- rules -----------------------------------------------------------------------------

    def _problems(self, activity: Activity) -> list[FieldError]:
        """The rules, against the links as they are now (called under the write lock)."""
        persons: list[int] = []
        errors: list[FieldError] = []
        private_client = False
        if activity.counterparty_id is not None:
            refusal = self.counterparty_refusal(activity.counterparty_id)
            if refusal:
                errors.append(FieldError("counterparty_id", refusal))
            else:
                persons = self.persons_of(activity.counterparty_id)
                private_client = self.is_private_client(activity.counterparty_id)
        return errors + validate_activity(activity, persons, private_client=private_client)

    def _add_follow_up(self, batch: WriteBatch, activity: Activity, at: datetime, author: str, now: str) -> Activity:
        follow_up = make_follow_up(activity, at)
        follow_up.id = batch.new_id(TABLE)
        follow_up.version = 1
        follow_up.created_at = follow_up.updated_at = now
        follow_up.created_by = follow_up.updated_by = author
        batch.put(TABLE, follow_up.id, follow_up.to_doc())
        self.history.record(batch, ENTITY, follow_up.id, author=author, action=h.CREATED)
        return follow_up

    def _record_save(self, batch: WriteBatch, stored: Activity | None, new: Activity, author: str) -> None:
        assert new.id is not None
        if stored is None:
            self.history.record(batch, ENTITY, new.id, author=author, action=h.CREATED)
            return
        changes = changes_between(stored, new)
        if changes:
            action = h.COMPLETED if new.completed and not stored.completed else h.EDITED
            self.history.record(batch, ENTITY, new.id, author=author, action=action, changes=changes)

    def _change(self, activity_id: int, author: str, action: str,
                change: Callable[[dict[str, Any]], list[FieldChange]]) -> Activity:
        with self.database.write() as batch:
            current = self._table.raw_get(activity_id)
            if current is None:
                raise NotFoundError(_("The activity no longer exists."))
            doc = dict(current)
            changes = change(doc)
            doc["updated_at"], doc["updated_by"] = utc_now(), author
            doc["version"] = int(current.get("version", 0)) + 1
            batch.put(TABLE, activity_id, doc)
            self.history.record(batch, ENTITY, activity_id, author=author, action=action, changes=changes)
        return Activity.from_doc(doc, activity_id)

    # -- index -----------------------------------------------------------------------------

    @staticmethod
    def _tests(query: ActivityQuery) -> list[Callable[[_Meta], bool]]:
        """Checks on an activity's (employee, type, completed, in_calendar) beyond its time."""
        tests: list[Callable[[_Meta], bool]] = []
        if query.employee is not None and query.contact_id is not None:
            tests.append(lambda m: m[0] == query.employee)
        if query.type is not None:
            tests.append(lambda m: m[1] == query.type)
        if query.status == COMPLETED:
            tests.append(lambda m: m[2])
        elif query.status in (OVERDUE, PLANNED):
            tests.append(lambda m: not m[2])
        if query.calendar_only:
            tests.append(lambda m: m[3])
        return tests

    def _rebuild(self) -> None:
        self._order.clear()
        self._keys.clear()
        self._meta.clear()
        self._by_employee.clear()
        self._by_contact.clear()
        self._contacts_of.clear()
        for activity_id, doc in self._table.raw_items():
            self._index(activity_id, doc, sort=False)
        self._order.sort()
        for keys in self._by_employee.values():
            keys.sort()

    def _index(self, activity_id: int, doc: dict[str, Any], sort: bool = True) -> None:
        if doc.get("deleted_at"):
            return
        key = (doc.get("planned_at", ""), activity_id)
        employee = doc.get("employee", "")
        self._keys[activity_id] = key
        self._meta[activity_id] = (employee, doc.get("type", ""), bool(doc.get("completed")),
                                   bool(doc.get("in_calendar")))
        own = self._by_employee.setdefault(employee, [])
        if sort:
            insort(self._order, key)
            insort(own, key)
        else:
            self._order.append(key)
            own.append(key)
        contacts = tuple({doc.get("counterparty_id"), *doc.get("person_ids", [])} - {None})
        self._contacts_of[activity_id] = contacts
        for contact_id in contacts:
            self._by_contact.setdefault(contact_id, set()).add(activity_id)

    def _unindex(self, activity_id: int) -> None:
        key = self._keys.pop(activity_id, None)
        if key is None:
            return
        meta = self._meta.pop(activity_id)
        for keys in (self._order, self._by_employee.get(meta[0], [])):
            position = bisect_left(keys, key)
            if position < len(keys) and keys[position] == key:
                del keys[position]
        for contact_id in self._contacts_of.pop(activity_id, ()):
            self._by_contact.get(contact_id, set()).discard(activity_id)

    def _on_change(self, ops: list[Op]) -> None:
        if not ops:
            self._rebuild()
            return
        for table, activity_id, doc in ops:
            if table == TABLE:
                self._unindex(activity_id)
                if doc is not None:
                    self._index(activity_id, doc)


__all__ = ["TABLE", "ActivityQuery", "ActivityRepository", "InvalidActivityError", "LockedActivityError",
           "SaveResult"]
