"""Activities (seed 002): contacts (calls, e-mails, …), meetings and tasks logged against a
counterparty and the persons who took part.

Rules kept here: the counterparty is required; it is an organization, with at least one of its
own contact persons taking part, or a private client (a person who is no organization's
contact person, "osoba fizyczna"), who then takes part alone; a completed activity is
read-only until it is explicitly reopened; a follow-up repeats the counterparty, persons, type
and employee at a later time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from tui_crm.i18n import _

from .changes import FieldChange, changed_fields
from .contact import ContactKind, compact_doc
from .validation import FieldError

CONTACT, MEETING, TASK = "contact", "meeting", "task"
ACTIVITY_TYPES = (CONTACT, MEETING, TASK)

PLANNED, OVERDUE, COMPLETED = "planned", "overdue", "completed"
STATUSES = (PLANNED, OVERDUE, COMPLETED)


def type_label(activity_type: str) -> str:
    return {CONTACT: _("Contact"), MEETING: _("Meeting"), TASK: _("Task")}.get(activity_type, activity_type)


def status_label(status: str) -> str:
    return {PLANNED: _("planned"), OVERDUE: _("overdue"), COMPLETED: _("completed")}.get(status, status)


class ActivityLockedError(ValueError):
    """A completed activity was about to change without being reopened first."""

    def __init__(self) -> None:
        super().__init__(_("The activity is completed and read-only; reopen it to change it."))


@dataclass(slots=True)
class Activity:
    type: str = CONTACT
    counterparty_id: int | None = None
    person_ids: list[int] = field(default_factory=list)
    #: planned date and time, ISO 8601 in UTC ("2026-11-25T13:00:00+00:00"): sorts as text
    planned_at: str = ""
    employee: str = ""  # an operator's login
    subject: str = ""
    kind: str = ""  # dictionary keys
    priority: str = ""
    category: str = ""
    note: str = ""
    duration_seconds: int = 0
    in_calendar: bool = False
    completed: bool = False
    completed_at: str = ""
    previous_id: int | None = None  # the activity this one follows up
    next_id: int | None = None  # its follow-up
    # bookkeeping, set by the store
    id: int | None = None
    version: int = 0
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""
    deleted_at: str | None = None
    deleted_by: str | None = None

    def to_doc(self) -> dict[str, Any]:
        doc = compact_doc(asdict(self))
        doc.pop("id", None)
        doc["type"] = self.type
        doc["version"] = self.version
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], activity_id: int | None = None) -> Activity:
        """Fields this version does not know (added by a newer one) are ignored."""
        known = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__ and k != "id"}
        known["person_ids"] = list(known.get("person_ids") or [])
        return cls(**known, id=activity_id)

    def planned(self) -> datetime | None:
        return parse_utc(self.planned_at)

    def status(self, now: datetime) -> str:
        return activity_status(self.completed, self.planned_at, now)


def parse_utc(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def to_utc_text(moment: datetime) -> str:
    """The stored form of a moment: UTC, to the minute, so that text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("a planned time needs a time zone")
    return moment.astimezone(UTC).replace(second=0, microsecond=0).isoformat()


def activity_status(completed: bool, planned_at: str, now: datetime) -> str:
    if completed:
        return COMPLETED
    return OVERDUE if planned_at and planned_at < to_utc_text(now) else PLANNED


def counterparty_refusal(kind: str, organization: str | None = None) -> str | None:
    """Why a contact cannot be an activity's counterparty, or None when it can: an organization,
    or a private client. ``organization``: the name of the organization a person is a contact
    person of (None: of none); such a person's activities are logged with their organization."""
    if kind == ContactKind.ORGANIZATION:
        return None
    if kind != ContactKind.PERSON:
        return _("The counterparty must be an organization or a private client.")
    if organization is None:
        return None
    return _("A contact person of “{organization}” is not a counterparty on their own: choose “{organization}”.").format(
        organization=organization)


def person_choice_blocked(counterparty_id: int | None, *, private_client: bool = False) -> str | None:
    """Why persons cannot be added, or None when they can (seed 002's disabled plus): no
    counterparty yet, or a private client, who takes part alone."""
    if counterparty_id is None:
        return _("Choose the counterparty first: an organization or a private client.")
    if private_client:
        return _("A private client takes part alone.")
    return None


def validate_activity(activity: Activity, persons_of_counterparty: Collection[int], *,
                      private_client: bool = False) -> list[FieldError]:
    """Every problem, each naming its field. ``persons_of_counterparty`` are the persons linked
    to the chosen organization right now; ``private_client``: the counterparty is a person of no
    organization, who must then be the only one taking part."""
    errors: list[FieldError] = []
    if activity.type not in ACTIVITY_TYPES:
        errors.append(FieldError("type", _("Choose contact, meeting or task.")))
    if activity.counterparty_id is None:
        errors.append(FieldError("counterparty_id", _("Choose the counterparty (an organization or a private client).")))
    if private_client and activity.counterparty_id is not None:
        if activity.person_ids != [activity.counterparty_id]:
            errors.append(FieldError("person_ids", _("A private client takes part alone: no other persons.")))
    elif not activity.person_ids:
        errors.append(FieldError("person_ids", _("Add at least one contact person.")))
    elif activity.counterparty_id is not None:
        strangers = [p for p in activity.person_ids if p not in persons_of_counterparty]
        if strangers:
            errors.append(FieldError("person_ids", _("Only contact persons of the counterparty can take part.")))
    if len(set(activity.person_ids)) != len(activity.person_ids):
        errors.append(FieldError("person_ids", _("A person is listed twice.")))
    if parse_utc(activity.planned_at) is None:
        errors.append(FieldError("planned_at", _("Enter the date and time.")))
    if activity.duration_seconds < 0:
        errors.append(FieldError("duration_seconds", _("The duration cannot be negative.")))
    if not activity.employee:
        errors.append(FieldError("employee", _("Choose the employee.")))
    return errors


def check_editable(stored: Activity | None, edited: Activity) -> None:
    """A completed activity changes only by being reopened (``reopen``), never by a save."""
    if stored is not None and stored.completed and changes_between(stored, edited):
        raise ActivityLockedError()


def completed_now(activity: Activity, stored: Activity | None, now: str) -> Activity:
    """Stamp ``completed_at`` when the activity becomes completed with this save."""
    if activity.completed and not (stored and stored.completed):
        return replace(activity, completed_at=now)
    if not activity.completed:
        return replace(activity, completed_at="")
    return activity


def changes_between(old: Activity, new: Activity) -> list[FieldChange]:
    """What a user changed: bookkeeping and follow-up pointers excluded."""
    ignored = {"next_id", "previous_id", "completed_at"}
    return [c for c in changed_fields(old.to_doc(), new.to_doc()) if c.field not in ignored]


def make_follow_up(activity: Activity, at: datetime) -> Activity:
    """The next contact/meeting: same type, counterparty, persons, employee and dictionaries."""
    return Activity(
        type=activity.type,
        counterparty_id=activity.counterparty_id,
        person_ids=list(activity.person_ids),
        planned_at=to_utc_text(at),
        employee=activity.employee,
        subject=activity.subject,
        kind=activity.kind,
        priority=activity.priority,
        category=activity.category,
        in_calendar=activity.in_calendar,
        previous_id=activity.id,
    )
