"""Activity rules: the counterparty's persons only (a private client alone), completed is
read-only, follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.activity import (
    COMPLETED,
    MEETING,
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
    person_choice_blocked,
    to_utc_text,
    validate_activity,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def valid(**extra) -> Activity:
    values = {"counterparty_id": 1, "person_ids": [2], "planned_at": to_utc_text(NOW), "employee": "anna"}
    return Activity(**(values | extra))


def fields(errors) -> set[str]:
    return {e.field for e in errors}


def test_a_complete_activity_has_no_errors() -> None:
    assert validate_activity(valid(), persons_of_counterparty={2, 3}) == []


def test_counterparty_persons_time_and_employee_are_required() -> None:
    errors = validate_activity(Activity(), persons_of_counterparty=set())
    assert fields(errors) == {"counterparty_id", "person_ids", "planned_at", "employee"}
    assert all(e.message for e in errors)
    assert "private client" in next(e.message for e in errors if e.field == "counterparty_id")


def test_only_persons_of_the_counterparty_may_take_part() -> None:
    errors = validate_activity(valid(person_ids=[2, 9]), persons_of_counterparty={2, 3})
    assert fields(errors) == {"person_ids"}


def test_a_person_listed_twice_is_an_error() -> None:
    assert fields(validate_activity(valid(person_ids=[2, 2]), persons_of_counterparty={2})) == {"person_ids"}


def test_adding_persons_is_blocked_until_a_counterparty_is_chosen_and_for_a_private_client() -> None:
    assert person_choice_blocked(None)
    assert person_choice_blocked(5) is None
    assert person_choice_blocked(5, private_client=True)


def test_an_organization_or_a_private_client_is_a_counterparty_a_contact_person_is_not() -> None:
    assert counterparty_refusal("organization") is None
    assert counterparty_refusal("person") is None  # no organization: a private client
    refusal = counterparty_refusal("person", "Hurtownia Łódź")
    assert refusal and "Hurtownia Łódź" in refusal  # says which organization to choose instead
    assert counterparty_refusal("robot")


def test_a_private_client_takes_part_alone() -> None:
    private = valid(counterparty_id=7, person_ids=[7])
    assert validate_activity(private, persons_of_counterparty=[7], private_client=True) == []
    for persons in ([], [7, 8], [8], [7, 7]):
        errors = validate_activity(replace(private, person_ids=persons), persons_of_counterparty=[7],
                                   private_client=True)
        assert fields(errors) == {"person_ids"}, persons
    # the same activity with an organization's rules: the counterparty is no person of its own
    assert fields(validate_activity(private, persons_of_counterparty=[2, 3])) == {"person_ids"}


@given(st.lists(st.integers(1, 9), max_size=3))
def test_a_private_clients_activity_is_valid_exactly_when_they_alone_take_part(persons: list[int]) -> None:
    errors = validate_activity(valid(counterparty_id=5, person_ids=persons), persons_of_counterparty=[5],
                               private_client=True)
    assert (errors == []) == (persons == [5])


@given(st.sets(st.integers(1, 50)), st.lists(st.integers(1, 50), min_size=1, unique=True))
def test_persons_error_exactly_when_someone_is_not_linked(linked: set[int], chosen: list[int]) -> None:
    errors = validate_activity(valid(person_ids=chosen), persons_of_counterparty=linked)
    assert ("person_ids" in fields(errors)) == (not set(chosen) <= linked)


def test_status_planned_overdue_completed() -> None:
    past, future = to_utc_text(NOW - timedelta(minutes=1)), to_utc_text(NOW + timedelta(minutes=1))
    assert activity_status(False, future, NOW) == PLANNED
    assert activity_status(False, past, NOW) == OVERDUE
    assert activity_status(True, past, NOW) == COMPLETED


def test_a_completed_activity_refuses_every_change() -> None:
    stored = valid(completed=True, id=1, version=3)
    check_editable(stored, replace(stored))  # saving it unchanged is fine
    for change in ({"note": "later"}, {"person_ids": [3]}, {"completed": False}, {"duration_seconds": 5}):
        with pytest.raises(ActivityLockedError):
            check_editable(stored, replace(stored, **change))


def test_an_open_activity_may_change_and_be_completed() -> None:
    stored = valid(id=1, version=1)
    check_editable(stored, replace(stored, note="done", completed=True))
    stamped = completed_now(replace(stored, completed=True), stored, "2026-11-25T12:00:00+00:00")
    assert stamped.completed_at == "2026-11-25T12:00:00+00:00"
    assert completed_now(replace(stored, completed=False, completed_at="x"), stored, "y").completed_at == ""


def test_changes_name_the_fields_the_user_changed() -> None:
    old = valid(id=1, version=1, updated_at="a")
    new = replace(old, note="n", version=2, updated_at="b", next_id=7)
    assert [(c.field, c.old, c.new) for c in changes_between(old, new)] == [("note", None, "n")]


def test_a_follow_up_repeats_counterparty_persons_type_and_employee() -> None:
    original = valid(id=4, type=MEETING, person_ids=[2, 3], kind="visit", note="talk", duration_seconds=300,
                     completed=True, in_calendar=True)
    follow = make_follow_up(original, NOW + timedelta(days=2))
    assert (follow.type, follow.counterparty_id, follow.person_ids, follow.employee) == (MEETING, 1, [2, 3], "anna")
    assert follow.planned_at == to_utc_text(NOW + timedelta(days=2))
    assert follow.previous_id == 4 and follow.in_calendar and follow.kind == "visit"
    assert not follow.completed and follow.duration_seconds == 0 and follow.note == "" and follow.id is None
    follow.person_ids.append(9)
    assert original.person_ids == [2, 3]  # not shared


def test_a_private_clients_follow_up_is_with_them_alone_again() -> None:
    original = valid(id=4, counterparty_id=7, person_ids=[7])
    follow = make_follow_up(original, NOW + timedelta(days=1))
    assert (follow.counterparty_id, follow.person_ids) == (7, [7])
    assert validate_activity(follow, persons_of_counterparty=[7], private_client=True) == []


def test_documents_round_trip_and_stored_times_sort_as_text() -> None:
    activity = valid(id=3, version=2, note="Zażółć", person_ids=[2, 5])
    assert Activity.from_doc(activity.to_doc(), 3) == activity
    times = [datetime(2026, 1, d, h, tzinfo=UTC) for d in (1, 2) for h in (0, 9, 23)]
    assert sorted(map(to_utc_text, reversed(times))) == list(map(to_utc_text, times))
    with pytest.raises(ValueError):
        to_utc_text(datetime(2026, 1, 1))  # naive: which zone?
