"""The activity repository: rules under the lock, follow-ups in one write, history, queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_org, make_person
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_crm.domain.activity import MEETING, TASK, Activity, to_utc_text
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.store import ConflictError, ContactRepository, Database
from tui_crm.store.activities import (
    ActivityQuery,
    ActivityRepository,
    InvalidActivityError,
    LockedActivityError,
)
from tui_crm.store.errors import NotFoundError
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


@pytest.fixture
def private(world):
    """Adam Głowacki, a private client (osoba fizyczna): a person of no organization."""
    activities = world[0]
    return activities.contacts.save(make_person("Adam", "Głowacki"), author="a")


def test_a_private_client_is_the_counterparty_and_takes_part_alone(world, private, db_path: Path) -> None:
    activities, org, _other, _persons = world
    assert activities.is_private_client(private.id) and activities.may_be_counterparty(private.id)
    assert activities.persons_of(private.id) == [private.id]
    result = activities.save(activity(private, private, note="Pompa ciepła"), author="anna",
                             follow_up_at=NOW + timedelta(days=3))
    again = open_repository(db_path)
    stored, follow = again.get(result.activity.id), again.get(result.follow_up.id)
    assert (stored.counterparty_id, stored.person_ids, stored.note) == (private.id, [private.id], "Pompa ciepła")
    assert (follow.counterparty_id, follow.person_ids) == (private.id, [private.id])  # the follow-up repeats them
    # the private client's card lists both, once each; the organization's lists neither
    assert again.find(ActivityQuery(contact_id=private.id)) == [stored.id, follow.id]
    assert again.find(ActivityQuery(contact_id=org.id)) == []
    again.save(replace(stored, note="Oferta wysłana"), author="anna")  # and it can be edited


def test_a_contact_person_alone_is_no_counterparty(world) -> None:
    activities, _org, _other, (anna, _b, _s) = world
    assert not activities.is_private_client(anna.id) and not activities.may_be_counterparty(anna.id)
    assert activities.persons_of(anna.id) == []
    with pytest.raises(InvalidActivityError) as error:
        activities.save(activity(anna, anna), author="anna")
    refusal = next(e.message for e in error.value.errors if e.field == "counterparty_id")
    assert "Hurtownia Łódź" in refusal  # names the organization to choose instead
    assert activities.count() == 0


@pytest.mark.parametrize("others", ["anna", "anna_instead", "nobody"])
def test_nobody_else_takes_part_with_a_private_client(world, private, others: str) -> None:
    activities, _org, _other, (anna, _b, _s) = world
    persons = {"anna": [private, anna], "anna_instead": [anna], "nobody": []}[others]
    with pytest.raises(InvalidActivityError) as error:
        activities.save(activity(private, *persons), author="anna")
    assert {e.field for e in error.value.errors} == {"person_ids"}
    assert activities.count() == 0


def test_a_private_client_linked_meanwhile_is_no_longer_a_counterparty(world, private, db_path: Path) -> None:
    activities, org, _other, _persons = world
    saved = activities.save(activity(private, private), author="anna").activity
    other_session = open_repository(db_path)
    other_session.links.link(ContactPersonLink(private.id, org.id), author="piotr")  # checked under the lock:
    with pytest.raises(InvalidActivityError) as error:  # this session reads the new link before deciding
        activities.save(replace(saved, note="later"), author="anna")
    assert "counterparty_id" in {e.field for e in error.value.errors}
    # their activities go with the organization now
    activities.save(replace(saved, counterparty_id=org.id, note="later"), author="anna")


def test_a_person_whose_organization_is_in_the_trash_is_a_private_client(world) -> None:
    activities, _org, other, (_a, _b, stranger) = world
    activities.contacts.delete(other.id, author="a")
    assert activities.is_private_client(stranger.id)
    activities.save(activity(stranger, stranger), author="anna")


def test_an_organization_is_still_a_counterparty_with_its_own_persons(world) -> None:
    activities, org, _other, (anna, bogdan, _s) = world
    assert not activities.is_private_client(org.id) and activities.may_be_counterparty(org.id)
    assert sorted(activities.persons_of(org.id)) == sorted([anna.id, bogdan.id])


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


def test_a_trashed_activity_takes_no_note_and_cannot_be_reopened(world) -> None:
    activities, org, _other, (anna, _b, _s) = world
    saved = activities.save(activity(org, anna, completed=True), author="x").activity
    activities.delete(saved.id, author="x")
    with pytest.raises(NotFoundError):
        activities.reopen(saved.id, author="x")
    with pytest.raises(NotFoundError):
        activities.set_note(saved.id, "n", author="x", seen_note="")


EMPLOYEES = st.sampled_from(["anna", "piotr", "kasia"])
DOCS = st.fixed_dictionaries({
    "employee": EMPLOYEES,
    "type": st.sampled_from(["contact", "meeting", "task"]),
    "planned_at": st.integers(-5, 5).map(lambda h: to_utc_text(NOW + timedelta(hours=h))),
    "completed": st.booleans(),
    "in_calendar": st.booleans(),
    "counterparty_id": st.integers(1, 3),
    "person_ids": st.lists(st.integers(4, 6), max_size=2, unique=True),
    "deleted_at": st.sampled_from([None, None, "2026-01-01T00:00:00+00:00"]),
})
QUERIES = st.builds(
    ActivityQuery,
    employee=st.none() | EMPLOYEES,
    type=st.none() | st.sampled_from(["contact", "meeting", "task"]),
    status=st.none() | st.sampled_from(["planned", "overdue", "completed"]),
    start=st.none() | st.integers(-6, 6).map(lambda h: NOW + timedelta(hours=h)),
    end=st.none() | st.integers(-6, 6).map(lambda h: NOW + timedelta(hours=h)),
    contact_id=st.none() | st.integers(1, 6),
    calendar_only=st.booleans(),
    descending=st.booleans(),
)


def brute_force(docs: dict[int, dict], query: ActivityQuery) -> list[int]:
    def keep(doc: dict) -> bool:
        status = "completed" if doc["completed"] else ("overdue" if doc["planned_at"] < to_utc_text(NOW) else "planned")
        return (not doc["deleted_at"]
                and query.employee in (None, doc["employee"])
                and query.type in (None, doc["type"])
                and query.status in (None, status)
                and (query.start is None or doc["planned_at"] >= to_utc_text(query.start))
                and (query.end is None or doc["planned_at"] < to_utc_text(query.end))
                and (query.contact_id is None or query.contact_id in {doc["counterparty_id"], *doc["person_ids"]})
                and (not query.calendar_only or doc["in_calendar"]))

    found = sorted((doc["planned_at"], i) for i, doc in docs.items() if keep(doc))
    ids = [i for _, i in found]
    return ids[::-1] if query.descending else ids


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(1, 12), st.none() | DOCS), max_size=40), st.lists(QUERIES, min_size=1, max_size=5))
def test_the_index_answers_like_a_scan_after_any_writes(tmp_path_factory, writes, queries) -> None:
    """Indexes patched by puts, replacements and removals give what a full scan gives."""
    activities = open_repository(tmp_path_factory.mktemp("index") / "crm.json")
    docs: dict[int, dict] = {}
    for activity_id, doc in writes:
        with activities.database.write() as batch:
            if doc is None:
                if activity_id in docs:
                    batch.remove("activities", activity_id)
                    del docs[activity_id]
            else:
                batch.put("activities", activity_id, dict(doc))
                docs[activity_id] = doc
    for query in queries:
        assert activities.find(query) == brute_force(docs, query)
