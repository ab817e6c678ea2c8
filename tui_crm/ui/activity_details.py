"""How an activity's fields and values read to people (labels, names, local times)."""

from __future__ import annotations

from typing import Any

from tui_crm.domain.activity import parse_utc, type_label
from tui_crm.domain.contact import display_name
from tui_crm.domain.dictionaries import (
    ACTIVITY_CATEGORIES,
    ACTIVITY_KINDS,
    ACTIVITY_PRIORITIES,
    label_of,
)
from tui_crm.domain.schedule import format_duration
from tui_crm.i18n import _, format_datetime

DICTIONARY_OF = {"kind": ACTIVITY_KINDS, "priority": ACTIVITY_PRIORITIES, "category": ACTIVITY_CATEGORIES}


def activity_field_label(name: str) -> str:
    return {
        "type": _("Type"), "counterparty_id": _("Counterparty"), "person_ids": _("Contact persons"),
        "planned_at": _("Planned"), "employee": _("Employee"), "subject": _("Subject"), "kind": _("Kind"),
        "priority": _("Priority"), "category": _("Category"), "note": _("Note"),
        "duration_seconds": _("Duration"), "in_calendar": _("In the calendar"), "completed": _("Completed"),
    }.get(name, name)


def activity_value(app: Any, name: str, value: Any) -> str:
    """A stored value as text: names for ids, labels for keys, local time for moments."""
    if name in ("completed", "in_calendar"):  # stored only when true
        value = bool(value)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "type":
        return type_label(value)
    if name == "counterparty_id":
        return _contact_name(app, value)
    if name == "person_ids":
        return ", ".join(_contact_name(app, person) for person in value)
    if name == "planned_at":
        moment = parse_utc(value)
        return format_datetime(moment.astimezone(app.zone)) if moment else str(value)
    if name == "employee":
        return app.operators.shown(value)
    if name in DICTIONARY_OF:
        return label_of(app.dictionaries.entries(DICTIONARY_OF[name]), value)
    if name == "duration_seconds":
        return format_duration(value)
    return str(value)


def _contact_name(app: Any, contact_id: int) -> str:
    doc = app.contacts.doc(contact_id)
    return display_name(doc) if doc else f"#{contact_id}"
