"""Follow-up arithmetic, typed dates and the timer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.schedule import (
    DAYS,
    HOURS,
    WEEKS,
    DateInputError,
    Stopwatch,
    day_bounds,
    follow_up_time,
    format_duration,
    format_wall_time,
    parse_date,
    parse_wall_time,
    week_start,
)

WARSAW = ZoneInfo("Europe/Warsaw")


def real_time(later: datetime, earlier: datetime) -> timedelta:
    """Elapsed time (aware datetimes in one zone subtract as wall clocks in Python)."""
    return later.astimezone(UTC) - earlier.astimezone(UTC)


def warsaw(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


def test_days_keep_the_wall_clock_across_the_autumn_dst_change() -> None:
    # 2026-10-25 03:00 CEST -> 02:00 CET: a day later is still 10:00 on the clock, 25 real hours
    base = warsaw(2026, 10, 24, 10, 0)
    due = follow_up_time(base, 1, DAYS, WARSAW)
    assert due.astimezone(WARSAW).replace(tzinfo=None) == datetime(2026, 10, 25, 10, 0)
    assert real_time(due, base) == timedelta(hours=25)


def test_hours_are_real_hours_across_the_spring_dst_change() -> None:
    base = warsaw(2026, 3, 29, 1, 0)  # clocks go from 02:00 to 03:00 this night
    due = follow_up_time(base, 2, HOURS, WARSAW)
    assert due.astimezone(WARSAW).replace(tzinfo=None) == datetime(2026, 3, 29, 4, 0)
    assert real_time(due, base) == timedelta(hours=2)


def test_a_wall_time_skipped_by_dst_moves_forward_by_the_gap() -> None:
    base = warsaw(2026, 3, 28, 2, 30)
    due = follow_up_time(base, 1, DAYS, WARSAW)  # 2026-03-29 02:30 does not exist
    assert due.astimezone(WARSAW).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


@pytest.mark.parametrize(
    ("base", "amount", "unit", "expected"),
    [
        ((2026, 1, 31, 9, 0), 1, DAYS, (2026, 2, 1, 9, 0)),
        ((2028, 2, 28, 9, 0), 1, DAYS, (2028, 2, 29, 9, 0)),  # a leap year
        ((2026, 12, 28, 16, 0), 1, WEEKS, (2027, 1, 4, 16, 0)),
        ((2026, 4, 30, 23, 0), 2, HOURS, (2026, 5, 1, 1, 0)),
        ((2026, 11, 25, 9, 15), 0, DAYS, (2026, 11, 25, 9, 15)),
    ],
)
def test_follow_ups_across_month_and_year_ends(base, amount, unit, expected) -> None:
    due = follow_up_time(warsaw(*base), amount, unit, WARSAW)
    assert due.astimezone(WARSAW).replace(tzinfo=None) == datetime(*expected)


def test_a_negative_follow_up_is_refused() -> None:
    with pytest.raises(ValueError):
        follow_up_time(warsaw(2026, 1, 1, 9, 0), -1, DAYS, WARSAW)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
       st.integers(min_value=0, max_value=400), st.sampled_from([DAYS, WEEKS]))
def test_calendar_units_land_on_the_same_wall_time_unless_it_does_not_exist(wall, amount, unit) -> None:
    base = wall.replace(second=0, microsecond=0, tzinfo=WARSAW)
    due = follow_up_time(base, amount, unit, WARSAW).astimezone(WARSAW)
    days = amount * (7 if unit == WEEKS else 1)
    expected_day = base.date() + timedelta(days=days)
    assert due.date() == expected_day
    local = due.replace(tzinfo=None)
    target = datetime.combine(expected_day, base.astimezone(WARSAW).time())
    assert timedelta(0) <= local - target <= timedelta(hours=1)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
       st.integers(min_value=0, max_value=10_000))
def test_hours_always_add_exactly(base, hours) -> None:
    assert real_time(follow_up_time(base, hours, HOURS, WARSAW), base) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["2026-11-25 14:30", "25.11.2026 14:30", "2026-11-25T14:30", " 25.11.2026  14.30 "])
def test_typed_dates_in_iso_and_polish_form(text: str) -> None:
    assert parse_wall_time(text, WARSAW) == warsaw(2026, 11, 25, 14, 30)


def test_a_date_alone_takes_the_default_time() -> None:
    assert parse_wall_time("2026-11-25", WARSAW, default_time="08:00") == warsaw(2026, 11, 25, 8, 0)


@pytest.mark.parametrize("text", ["", "jutro", "2026-02-30 10:00", "31.13.2026", "2026-11-25 25:00", "2026-11-25 9"])
def test_bad_dates_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(DateInputError) as error:
        parse_wall_time(text, WARSAW)
    assert str(error.value)


def test_wall_time_round_trip() -> None:
    moment = warsaw(2026, 7, 1, 8, 5)
    assert parse_wall_time(format_wall_time(moment.astimezone(UTC), WARSAW), WARSAW) == moment
    assert parse_date("01.07.2026") == date(2026, 7, 1)


def test_weeks_start_on_monday_and_days_are_local() -> None:
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    start, end = day_bounds(date(2026, 10, 25), 1, WARSAW)  # the 25-hour day
    assert real_time(end, start) == timedelta(hours=25)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_timer_adds_up_the_running_periods_only() -> None:
    clock = FakeClock()
    watch = Stopwatch(clock)
    clock.now += 30
    assert watch.toggle() is False  # paused after 30 s
    clock.now += 600  # a pause does not count
    assert watch.elapsed() == 30
    watch.toggle()
    clock.now += 15
    assert watch.elapsed() == 45
    watch.pause()
    watch.pause()  # pausing twice changes nothing
    clock.now += 5
    assert watch.elapsed() == 45 and not watch.running


def test_a_timer_continues_from_a_saved_duration_when_started() -> None:
    clock = FakeClock()
    watch = Stopwatch(clock, running=False, already=90)
    clock.now += 50
    assert watch.elapsed() == 90
    watch.resume()
    clock.now += 10
    assert watch.elapsed() == 100


@given(st.lists(st.floats(min_value=0, max_value=1e5), max_size=20))
def test_the_timer_is_the_sum_of_the_run_periods(periods: list[float]) -> None:
    clock = FakeClock()
    watch = Stopwatch(clock, running=False)
    for run in periods:
        watch.resume()
        clock.now += run
        watch.pause()
        clock.now += 7  # paused time never counts
    assert watch.elapsed() == pytest.approx(sum(periods))


def test_durations_read_as_hours_minutes_seconds() -> None:
    assert format_duration(0) == "0:00:00"
    assert format_duration(3725.9) == "1:02:05"
