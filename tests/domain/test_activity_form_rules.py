"""The activity form's own rules: default time, next-contact time, persons kept on a new
counterparty (a private client alone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tui_crm.domain.activity_form_rules import (
    FollowUpError,
    follow_up_moment,
    next_quarter_hour,
    persons_kept,
)
from tui_crm.domain.schedule import DAYS, HOURS, WEEKS, DateInputError

WARSAW = ZoneInfo("Europe/Warsaw")


def warsaw(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (warsaw(2026, 11, 25, 10, 7, 30), warsaw(2026, 11, 25, 10, 15)),
        (warsaw(2026, 11, 25, 10, 0), warsaw(2026, 11, 25, 10, 0)),
        (warsaw(2026, 11, 25, 10, 0, 1), warsaw(2026, 11, 25, 10, 15)),
        (warsaw(2026, 11, 25, 23, 50), warsaw(2026, 11, 26, 0, 0)),
    ],
)
def test_the_planned_time_starts_at_the_next_quarter_hour(now: datetime, expected: datetime) -> None:
    assert next_quarter_hour(now, WARSAW) == expected


def test_the_quarter_hour_is_on_the_local_wall_clock() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+5:30: a UTC quarter is not a local one
    rounded = next_quarter_hour(datetime(2026, 11, 25, 4, 31, tzinfo=UTC), kolkata)
    assert rounded.astimezone(kolkata).strftime("%H:%M") == "10:15"


def test_follow_up_after_hours_days_or_weeks() -> None:
    planned = warsaw(2026, 11, 25, 14, 30)
    assert follow_up_moment(planned, amount="2", unit=DAYS, on="", zone=WARSAW) == warsaw(2026, 11, 27, 14, 30)
    assert follow_up_moment(planned, amount=" 3 ", unit=HOURS, on="", zone=WARSAW) == warsaw(2026, 11, 25, 17, 30)
    assert follow_up_moment(planned, amount="1", unit=WEEKS, on="", zone=WARSAW) == warsaw(2026, 12, 2, 14, 30)


def test_days_keep_the_wall_clock_time_across_the_dst_change() -> None:
    planned = warsaw(2026, 10, 24, 10, 0)  # clocks go back on 25 October
    moment = follow_up_moment(planned, amount="2", unit=DAYS, on="", zone=WARSAW)
    assert moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M") == "2026-10-26 10:00"


def test_a_typed_date_wins_and_a_date_alone_keeps_the_time_of_day() -> None:
    planned = warsaw(2026, 11, 25, 14, 30)
    assert follow_up_moment(planned, amount="2", unit=DAYS, on="2026-12-01 09:00", zone=WARSAW) == warsaw(2026, 12, 1, 9, 0)
    assert follow_up_moment(planned, amount="", unit=DAYS, on="1.12.2026", zone=WARSAW) == warsaw(2026, 12, 1, 14, 30)


@pytest.mark.parametrize("amount", ["", "0", "-1", "two", "1.5"])
def test_a_missing_or_odd_amount_is_refused(amount: str) -> None:
    with pytest.raises(FollowUpError):
        follow_up_moment(warsaw(2026, 11, 25, 14, 30), amount=amount, unit=DAYS, on="", zone=WARSAW)


def test_the_next_contact_must_come_after_this_one() -> None:
    planned = warsaw(2026, 11, 25, 14, 30)
    with pytest.raises(FollowUpError):
        follow_up_moment(planned, amount="", unit=DAYS, on="2026-11-25 14:30", zone=WARSAW)
    with pytest.raises(DateInputError):
        follow_up_moment(planned, amount="", unit=DAYS, on="31.02.2026", zone=WARSAW)


def test_persons_of_the_new_counterparty_stay_in_order() -> None:
    assert persons_kept([5, 3, 9], {3, 5}) == ([5, 3], [9])
    assert persons_kept([], {1}) == ([], [])


def test_a_private_client_as_the_new_counterparty_takes_part_alone() -> None:
    assert persons_kept([5, 3], {9}, private_client=9) == ([9], [5, 3])
    assert persons_kept([], {9}, private_client=9) == ([9], [])
    assert persons_kept([9], {9}, private_client=9) == ([9], [])  # already there: nobody dropped
