"""What the activity form decides before anything is stored: the default planned time, when
the next contact falls, and which persons stay when the counterparty changes (a private
client takes part alone).

The activity's own rules (required counterparty and persons, read-only when completed) are in
``activity.py``; these only turn what was typed into values for it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tui_crm.i18n import _

from .schedule import at_wall_time, follow_up_time, parse_wall_time

QUARTER = 15  # minutes


class FollowUpError(ValueError):
    """The next contact cannot be set as typed; the message says why."""


def next_quarter_hour(now: datetime, zone: ZoneInfo) -> datetime:
    """``now`` rounded up to a quarter hour of the zone's wall clock (10:07 -> 10:15; 10:00 stays)."""
    wall = now.astimezone(zone).replace(tzinfo=None)
    floor = wall.replace(minute=wall.minute - wall.minute % QUARTER, second=0, microsecond=0)
    return at_wall_time(floor if floor == wall else floor + timedelta(minutes=QUARTER), zone)


def follow_up_moment(planned: datetime, *, amount: str, unit: str, on: str, zone: ZoneInfo) -> datetime:
    """When the next contact is due: on the date typed in ``on`` (a date alone keeps this
    activity's time of day), otherwise ``amount`` ``unit`` after ``planned``. It must come
    after ``planned``. ``FollowUpError`` or ``DateInputError`` (both ``ValueError``) say why not.
    """
    if on.strip():
        same_time = planned.astimezone(zone).strftime("%H:%M")
        moment = parse_wall_time(on, zone, default_time=same_time)
    else:
        count = amount.strip()
        if not count.isdigit() or int(count) < 1:
            raise FollowUpError(_("Enter in how many hours, days or weeks (1 or more), or a date."))
        moment = follow_up_time(planned, int(count), unit, zone)
    if moment <= planned:
        raise FollowUpError(_("The next contact must come after this one."))
    return moment


def persons_kept(person_ids: Iterable[int], allowed: Collection[int], *,
                 private_client: int | None = None) -> tuple[list[int], list[int]]:
    """(kept, dropped): only persons of the new counterparty may stay on the activity; a private
    client (``private_client``, their id) takes part alone, whoever was there before."""
    if private_client is not None:
        return [private_client], [p for p in person_ids if p != private_client]
    kept, dropped = [], []
    for person_id in person_ids:
        (kept if person_id in allowed else dropped).append(person_id)
    return kept, dropped
