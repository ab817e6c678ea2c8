"""Time for activities: the local time zone, follow-up arithmetic, typed dates, the timer.

Stored times are UTC; people think in wall-clock time. "In 2 days" means the same wall-clock
time two calendar days later, even across a DST change; "in 5 hours" means five real hours.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui_crm.i18n import _

HOURS, DAYS, WEEKS = "hours", "days", "weeks"
UNITS = (HOURS, DAYS, WEEKS)

#: Polish businesses: the zone used when the machine does not name one.
FALLBACK_ZONE = "Europe/Warsaw"


def unit_label(unit: str) -> str:
    return {HOURS: _("hours"), DAYS: _("days"), WEEKS: _("weeks")}[unit]


def local_zone() -> ZoneInfo:
    """The machine's zone by name (TZ, then /etc/localtime), so DST rules are known."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        names.append(target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "")
    except OSError:
        pass
    try:
        names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(FALLBACK_ZONE)


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` as the zone's wall clock (aware)."""
    return moment.astimezone(zone)


def at_wall_time(wall: datetime, zone: ZoneInfo) -> datetime:
    """The aware moment for a naive wall-clock time; a time that does not exist (the hour skipped
    when clocks go forward) moves forward by the gap, an ambiguous one takes the first."""
    aware = wall.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone)
    return round_trip if round_trip.replace(tzinfo=None) != wall else aware


def follow_up_time(base: datetime, amount: int, unit: str, zone: ZoneInfo) -> datetime:
    """When the next contact is due, ``amount`` ``unit`` after ``base`` (aware)."""
    if amount < 0:
        raise ValueError(_("The follow-up cannot be in the past."))
    if unit == HOURS:
        return (base.astimezone(UTC) + timedelta(hours=amount)).astimezone(zone)
    if unit not in (DAYS, WEEKS):
        raise ValueError(f"unknown unit {unit!r}")
    days = amount * (7 if unit == WEEKS else 1)
    wall = base.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return at_wall_time(wall, zone)


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
)
_TIME = re.compile(r"^(?P<h>\d{1,2})[:.](?P<min>\d{2})$")


class DateInputError(ValueError):
    pass


def parse_date(text: str) -> date:
    """A date typed as 2026-11-25 or 25.11.2026."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise DateInputError(_("Enter a date as YYYY-MM-DD or DD.MM.YYYY."))


def parse_wall_time(text: str, zone: ZoneInfo, default_time: str = "09:00") -> datetime:
    """A date and time typed by a user ("2026-11-25 14:30", "25.11.2026 9:00", a date alone
    takes ``default_time``) as an aware moment in ``zone``."""
    parts = text.strip().replace("T", " ").split()
    if not parts or len(parts) > 2:
        raise DateInputError(_("Enter the date and time as YYYY-MM-DD HH:MM."))
    day = parse_date(parts[0])
    match = _TIME.match(parts[1] if len(parts) == 2 else default_time)
    if not match or int(match["h"]) > 23 or int(match["min"]) > 59:
        raise DateInputError(_("Enter the time as HH:MM (00:00–23:59)."))
    wall = datetime(day.year, day.month, day.day, int(match["h"]), int(match["min"]))
    return at_wall_time(wall, zone)


def format_wall_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """The editable form of a moment: "2026-11-25 14:30" on the zone's wall clock."""
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (Polish weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def day_bounds(first: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The moments at which local day ``first`` starts and day ``first + days`` starts."""
    start = at_wall_time(datetime(first.year, first.month, first.day), zone)
    last = first + timedelta(days=days)
    return start, at_wall_time(datetime(last.year, last.month, last.day), zone)


def format_duration(seconds: float) -> str:
    """Elapsed time as H:MM:SS."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Stopwatch:
    """The activity form's timer: runs from the moment the form opens; pauses add up.

    ``clock`` is injectable so tests can move time by hand.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, running: bool = True,
                 already: float = 0.0) -> None:
        self._clock = clock
        self._banked = already
        self._since: float | None = clock() if running else None

    @property
    def running(self) -> bool:
        return self._since is not None

    def elapsed(self) -> float:
        current = self._clock() - self._since if self._since is not None else 0.0
        return self._banked + current

    def pause(self) -> None:
        if self._since is not None:
            self._banked += self._clock() - self._since
            self._since = None

    def resume(self) -> None:
        if self._since is None:
            self._since = self._clock()

    def toggle(self) -> bool:
        """Start or pause; returns whether it runs now."""
        if self.running:
            self.pause()
        else:
            self.resume()
        return self.running
