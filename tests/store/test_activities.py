"""The activity repository: rules under the lock, follow-ups in one write, history, queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm.domain.activity import MEETING, TASK, Activity, to_utc_text
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.store import ConflictError, ContactRepository, Database
from tui_crm.store.activities import (
    ActivityQuery,
    ActivityRepository,
    InvalidActivityError,
    LockedActivityError,
)
from tui_crm.store.history import HistoryRepository
from tui_crm.store.links import LinkRepository

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def open_repository(path: Path) -> ActivityRepository:
    contacts = ContactRepository(Database(path))
    links = LinkRepository(contacts)
    return ActivityRepository(contacts, links, HistoryRepository(contacts.database), clock=lambda: NOW)


@pytest.fixture
def world(db_path: Path):
    activities = open_repository(db_path)
    contacts, links = activities.contacts, activities.links
    org = contacts.save(make_org("Hurtownia Łódź"), author="a")
    other_org = contacts.save(make_org("Biuro Żak"), author="a")
    anna, bogdan, stranger = (contacts.save(make_person(n, "Nowak"), author="a") for n in ("Anna", "Bogdan", "Ewa"))
    links.link(ContactPersonLink(anna.id, org.id), author="a")
    links.link(ContactPersonLink(bogdan.id, org.id), author="a")
    links.link(ContactPersonLink(stranger.id, other_org.id), author="a")
    return activities, org, other_org, (anna, bogdan, stranger)


def activity(org, *persons, at: datetime = NOW, **extra) -> Activity:
    return Activity(counterparty_id=org.id, person_ids=[p.id for p in persons], planned_at=to_utc_text(at),
                    employee=extra.pop("employee", "anna"), **extra)


def test_a_saved_activity_is_on_disk_with_its_history(world, db_path: Path) -> None:
    activities, org, _other, (anna, _b, _s) = world
    saved = activities.save(activity(org, anna, note="Oferta na śruby", duration_seconds=95), author="anna").activity
    again = open_repository(db_path)
    stored = again.get(saved.id)
    assert (stored.note, stored.duration_seconds, stored.person_ids, stored.version) == ("Oferta na śruby", 95, [anna.id], 1)
    assert [e.action for e in again.history.of("activity", saved.id)] == ["created"]


def test_persons_of_another_organization_and_persons_as_counterparty_are_refused(world) -> None:
    activities, org, _other, (anna, _b, stranger) = world
    with pytest.raises(InvalidActivityError) as error:
        activities.save(activity(org, anna, stranger), author="anna")
    assert {e.field for e in error.value.errors} == {"person_ids"}
    with pytest.raises(InvalidActivityError) as error:
        activities.save(replace(activity(org, anna), counterparty_id=anna.id), author="anna")
    assert "counterparty_id" in {e.field for e in error.value.errors}
    assert activities.count() == 0


def test_a_person_unlinked_meanwhile_can_no_longer_be_saved(world) -> None:
    activities, org, _other, (anna, bogdan, _s) = world
    saved = activities.save(activity(org, anna, bogdan), author="anna").activity
    activities.links.unlink(bogdan.id, author="piotr")
    with pytest.raises(InvalidActivityError):
        activities.save(replace(saved, note="later"), author="anna")


def test_a_follow_up_is_created_in_the_same_write(world, db_path: Path) -> None:
    activities, org, _other, (anna, bogdan, _s) = world
    result = activities.save(activity(org, anna, bogdan, type=MEETING, in_calendar=True), author="anna",
                             follow_up_at=NOW + timedelta(days=2))
    again = open_repository(db_path)
    first, follow = again.get(result.activity.id), again.get(result.follow_up.id)
    assert first.next_id == follow.id and follow.previous_id == first.id
    assert (follow.type, follow.person_ids, follow.employee, follow.in_calendar) == (MEETING, [anna.id, bogdan.id], "anna", True)
    assert follow.planned_at == to_utc_text(NOW + timedelta(days=2))


def test_completed_is_read_only_until_reopened_and_the_history_says_who(world, db_path: Path) -> None:
    activities, org, _other, (anna, _b, _s) = world
    saved = activities.save(activity(org, anna), author="anna").activity
    done = activities.save(replace(saved, completed=True, note="Zamówili"), author="anna").activity
    assert done.completed_at
    with pytest.raises(LockedActivityError):
        activities.save(replace(done, note="changed"), author="piotr")
    with pytest.raises(LockedActivityError):
        activities.set_note(done.id, "inline", author="piotr", seen_note="Zamówili")
    reopened = activities.reopen(done.id, author="piotr")
    assert not reopened.completed and not reopened.completed_at
    activities.save(replace(reopened, note="changed"), author="piotr")
    history = open_repository(db_path).history.of("activity", saved.id)
    assert [(e.action, e.author) for e in history] == [
        ("edited", "piotr"), ("reopened", "piotr"), ("completed", "anna"), ("created", "anna")]
    assert [(c.field, c.old, c.new) for c in history[1].changes] == [("completed", True, False)]


def test_two_sessions_never_lose_each_others_writes(world, db_path: Path) -> None:
    mine, org, _other, (anna, _b, _s) = world
    saved = mine.save(activity(org, anna, note="a"), author="anna").activity
    theirs = open_repository(db_path)
    theirs.save(replace(theirs.get(saved.id), subject="Umowa"), author="piotr")
    with pytest.raises(ConflictError):
        mine.save(replace(saved, note="mine"), author="anna")  # edited the old version
    with pytest.raises(ConflictError):
        theirs.set_note(saved.id, "x", author="piotr", seen_note="not what is stored")
    mine.set_note(saved.id, "mine", author="anna", seen_note="a")  # only the note: no conflict
    final = open_repository(db_path).get(saved.id)
    assert (final.subject, final.note) == ("Umowa", "mine")


def test_queries_filter_and_sort_by_time(world) -> None:
    activities, org, other, (anna, bogdan, stranger) = world
    save = lambda a: activities.save(a, author="x").activity
    overdue = save(activity(org, anna, at=NOW - timedelta(days=1)))
    done = save(activity(org, bogdan, at=NOW - timedelta(days=2), completed=True, employee="piotr"))
    later = save(activity(org, anna, at=NOW + timedelta(hours=3), type=TASK, in_calendar=True))
    elsewhere = save(activity(other, stranger, at=NOW + timedelta(days=9), employee="piotr"))
    find = activities.find
    assert find() == [done.id, overdue.id, later.id, elsewhere.id]
    assert find(ActivityQuery(descending=True)) == [elsewhere.id, later.id, overdue.id, done.id]
    assert find(ActivityQuery(employee="piotr")) == [done.id, elsewhere.id]
    assert find(ActivityQuery(status="overdue")) == [overdue.id]
    assert find(ActivityQuery(status="completed")) == [done.id]
    assert find(ActivityQuery(status="planned")) == [later.id, elsewhere.id]
    assert find(ActivityQuery(type=TASK)) == [later.id]
    assert find(ActivityQuery(contact_id=org.id)) == [done.id, overdue.id, later.id]
    assert find(ActivityQuery(contact_id=bogdan.id)) == [done.id]
    assert find(ActivityQuery(start=NOW - timedelta(days=1), end=NOW + timedelta(days=9))) == [overdue.id, later.id]
    assert [a.id for a in activities.calendar("anna", NOW, NOW + timedelta(days=1))] == [later.id]
    activities.delete(overdue.id, author="x")
    assert overdue.id not in find()
    activities.restore(overdue.id, author="x")
    assert overdue.id in find(ActivityQuery(contact_id=anna.id))


def test_another_sessions_changes_reach_the_index(world, db_path: Path) -> None:
    mine, org, _other, (anna, _b, _s) = world
    theirs = open_repository(db_path)
    created = theirs.save(activity(org, anna, at=NOW + timedelta(days=1)), author="piotr").activity
    mine.database.poll()
    assert mine.find(ActivityQuery(contact_id=anna.id)) == [created.id]
    theirs.save(replace(created, planned_at=to_utc_text(NOW - timedelta(days=1))), author="piotr")
    mine.database.poll()
    assert mine.find(ActivityQuery(status="overdue")) == [created.id]


def test_dictionary_usage_counts_trashed_activities_too(world) -> None:
    activities, org, _other, (anna, _b, _s) = world
    saved = activities.save(activity(org, anna, kind="phone", priority="high"), author="x").activity
    activities.delete(saved.id, author="x")
    assert activities.usage("kind", {"phone"}) == 1
    assert activities.usage("priority", {"low"}) == 0
