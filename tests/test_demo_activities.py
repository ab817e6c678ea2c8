"""Demo operators, contact persons and activities: reproducible, under the stores' rules, and
readable by the real repositories."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui_crm.demo import (
    DEMO_NOW,
    DEMO_OPERATOR_NAMES,
    DEMO_OPERATORS,
    generate_contacts,
)
from tui_crm.demo_activities import (
    DEMO_ZONE,
    generate_activities,
    generate_links,
    generate_operators,
)
from tui_crm.domain.activity import (
    ACTIVITY_TYPES,
    COMPLETED,
    OVERDUE,
    PLANNED,
    Activity,
    to_utc_text,
    validate_activity,
)
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.dictionaries import (
    ACTIVITY_CATEGORIES,
    ACTIVITY_KINDS,
    ACTIVITY_PRIORITIES,
    CONTACT_ROLES,
    DEFAULTS,
)
from tui_crm.store import ContactRepository, Database, create_database
from tui_crm.store.activities import ActivityQuery, ActivityRepository
from tui_crm.store.history import HistoryRepository
from tui_crm.store.links import LinkRepository
from tui_crm.store.operators import OperatorRepository

N = 3000
NOW = datetime(2026, 11, 25, 14, 37, 12, tzinfo=UTC)


def keys(dictionary: str) -> set[str]:
    return {entry.key for entry in DEFAULTS[dictionary]}


@pytest.fixture(scope="module")
def contacts() -> list[dict]:
    return generate_contacts(N)


@pytest.fixture(scope="module")
def links(contacts) -> list[dict]:
    return generate_links(contacts, 2026)


@pytest.fixture(scope="module")
def activities(contacts, links) -> list[dict]:
    return generate_activities(contacts, links, 2026, NOW)


@pytest.fixture(scope="module")
def persons_of(links) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for link in links:
        found[link["organization_id"]].add(link["person_id"])
    return found


def parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() == timedelta(0), value
    return moment


# --- reproducibility ---------------------------------------------------------------------------


def test_same_arguments_give_the_same_data(contacts, links, activities):
    assert generate_links(contacts, 2026) == links
    assert generate_activities(contacts, links, 2026, NOW) == activities
    assert generate_operators() == generate_operators()


def test_seed_and_now_change_the_data(contacts, links, activities):
    assert generate_links(contacts, 7) != links
    assert generate_activities(contacts, links, 7, NOW) != activities
    later = generate_activities(contacts, links, 2026, NOW + timedelta(days=40))
    assert max(a["planned_at"] for a in later) > max(a["planned_at"] for a in activities)
    assert generate_activities(contacts, links, 2026, NOW.replace(tzinfo=None)) == activities
    assert generate_activities(contacts, links) == generate_activities(contacts, links, 2026, DEMO_NOW)


def test_no_contacts_no_links_no_activities():
    assert generate_links([]) == []
    assert generate_activities([], []) == []


def test_fast_enough():
    # 100,000 contacts take ~1 s here; per-item datetime or dataclass work would blow this budget
    docs = generate_contacts(20_000)
    start = time.perf_counter()
    generate_activities(docs, generate_links(docs), 2026, NOW)
    assert time.perf_counter() - start < 2


# --- operators ---------------------------------------------------------------------------------


def test_operators():
    assert generate_operators() == [
        {"login": login, "name": DEMO_OPERATOR_NAMES[login], "active": True} for login in DEMO_OPERATORS
    ]


# --- contact persons ---------------------------------------------------------------------------


def test_links_are_in_the_store_format(links):
    for link in links:
        assert ContactPersonLink.from_doc(link).to_doc() == link


def test_one_organization_per_person_and_persons_only(contacts, links):
    people = [link["person_id"] for link in links]
    assert len(people) == len(set(people))
    for link in links:
        assert contacts[link["person_id"] - 1]["kind"] == "person"
        assert contacts[link["organization_id"] - 1]["kind"] == "organization"
    persons = sum(doc["kind"] == "person" for doc in contacts)
    assert 0.55 < len(people) / persons < 0.65


def test_one_to_four_persons_and_exactly_one_primary(links, persons_of):
    primaries = Counter(link["organization_id"] for link in links if link.get("primary"))
    assert set(primaries) == set(persons_of)
    assert set(primaries.values()) == {1}
    sizes = Counter(len(persons) for persons in persons_of.values())
    assert set(sizes) == {1, 2, 3, 4}


def test_roles_flags_and_bookkeeping_vary(contacts, links):
    roles = Counter(link.get("role", "") for link in links)
    assert set(roles) - {""} == keys(CONTACT_ROLES)
    assert roles[""] < 0.2 * len(links)
    for flag in ("contact_person", "may_collect_mail", "may_represent"):
        share = sum(bool(link.get(flag)) for link in links) / len(links)
        assert 0.05 < share < 0.95, flag
    assert any(link.get("info") for link in links) and any(link.get("notifications") for link in links)
    for link in links:
        assert link["version"] == 1 and link["created_by"] in DEMO_OPERATORS
        person, org = contacts[link["person_id"] - 1], contacts[link["organization_id"] - 1]
        assert link["created_at"] == max(person["created_at"], org["created_at"])


# --- activities --------------------------------------------------------------------------------


def test_every_activity_passes_the_rules(activities, persons_of, contacts):
    for activity_id, doc in enumerate(activities, 1):
        activity = Activity.from_doc(doc, activity_id)
        assert activity.to_doc() == doc
        assert validate_activity(activity, persons_of[activity.counterparty_id]) == [], doc
        assert contacts[activity.counterparty_id - 1]["kind"] == "organization"


def test_dictionary_keys_types_and_employees(activities):
    assert {a["type"] for a in activities} == set(ACTIVITY_TYPES)
    assert {a.get("kind", "") for a in activities} - {""} == keys(ACTIVITY_KINDS)
    assert {a["priority"] for a in activities} == keys(ACTIVITY_PRIORITIES)
    assert {a["category"] for a in activities} == keys(ACTIVITY_CATEGORIES)
    assert {a["employee"] for a in activities} == set(DEMO_OPERATORS)
    assert all(a["subject"] for a in activities)


def test_about_three_per_organization_with_persons(activities, persons_of):
    per_org = Counter(a["counterparty_id"] for a in activities)
    assert set(per_org) <= set(persons_of)
    assert len(per_org) > 0.95 * len(persons_of)
    assert 2.5 < len(activities) / len(per_org) < 3.3


def test_planned_in_polish_office_hours_over_the_last_year_and_next_month(activities):
    planned = [parse(a["planned_at"]) for a in activities]
    for a, moment in zip(activities, planned):
        assert to_utc_text(moment) == a["planned_at"]
        wall = moment.astimezone(DEMO_ZONE)
        assert wall.weekday() < 5 and 8 <= wall.hour < 17 and wall.minute % 15 == 0, wall
        assert NOW - timedelta(days=366) < moment < NOW + timedelta(days=32)
    # both summer and winter time are there, and office hours stay 8-17 in both
    assert {m.astimezone(DEMO_ZONE).utcoffset() for m in planned} == {timedelta(hours=1), timedelta(hours=2)}
    future = sum(m > NOW for m in planned) / len(planned)
    assert 0.1 < future < 0.35
    assert min(planned) < NOW - timedelta(days=300)


def test_past_mostly_completed_some_overdue_future_planned(activities):
    statuses = Counter(Activity.from_doc(a).status(NOW) for a in activities)
    past = statuses[COMPLETED] + statuses[OVERDUE]
    assert 0.75 < statuses[COMPLETED] / past < 0.95
    assert statuses[OVERDUE] > 0 and statuses[PLANNED] > 0
    for a in activities:
        if a.get("completed"):
            assert a["planned_at"] < to_utc_text(NOW)
            assert a["duration_seconds"] > 0
            assert a["planned_at"] <= a["completed_at"] <= NOW.isoformat()
            assert a["updated_at"] == a["completed_at"]
        else:
            assert "duration_seconds" not in a and "completed_at" not in a
    in_calendar = sum(bool(a.get("in_calendar")) for a in activities) / len(activities)
    assert 0.2 < in_calendar < 0.4


def test_bookkeeping(activities):
    for a in activities:
        assert a["version"] == 1
        assert a["created_by"] in DEMO_OPERATORS and a["updated_by"] == a["employee"]
        created, updated = parse(a["created_at"]), parse(a["updated_at"])
        assert created <= updated <= NOW
        assert created.isoformat() == a["created_at"]


def test_follow_up_pairs_point_at_each_other(activities):
    pairs = [(i, a["next_id"]) for i, a in enumerate(activities, 1) if a.get("next_id")]
    assert len(pairs) > 0.05 * len(activities)
    assert sum(bool(a.get("previous_id")) for a in activities) == len(pairs)
    for first_id, next_id in pairs:
        first, follow_up = activities[first_id - 1], activities[next_id - 1]
        assert follow_up["previous_id"] == first_id
        assert first["completed"] and first["planned_at"] < follow_up["planned_at"]
        for field in ("type", "counterparty_id", "person_ids", "employee", "subject", "kind", "category"):
            assert first.get(field) == follow_up.get(field), field
        assert follow_up["created_at"] == first["completed_at"]  # made by the save that completed the first


# --- the demo database, read by the real repositories ------------------------------------------


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory, contacts, links, activities) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    create_database(path, {"contacts": contacts, "links": links, "operators": generate_operators(),
                           "activities": activities})
    return path


def open_repositories(path: Path) -> ActivityRepository:
    contacts = ContactRepository(Database(path))
    return ActivityRepository(contacts, LinkRepository(contacts), HistoryRepository(contacts.database),
                              clock=lambda: NOW)


def test_repositories_read_the_demo_database(demo_path, activities, persons_of):
    repository = open_repositories(demo_path)
    assert repository.count() == len(activities)
    all_ids = repository.find()
    assert sorted(all_ids) == list(range(1, len(activities) + 1))
    assert [activities[i - 1]["planned_at"] for i in all_ids] == sorted(a["planned_at"] for a in activities)

    overdue = {i for i, a in enumerate(activities, 1) if Activity.from_doc(a).status(NOW) == OVERDUE}
    assert set(repository.find(ActivityQuery(status=OVERDUE))) == overdue
    mine = {i for i, a in enumerate(activities, 1) if a["employee"] == "kasia"}
    assert set(repository.find(ActivityQuery(employee="kasia"))) == mine

    org_id = Counter(a["counterparty_id"] for a in activities).most_common(1)[0][0]
    of_org = {i for i, a in enumerate(activities, 1) if a["counterparty_id"] == org_id}
    assert set(repository.find(ActivityQuery(contact_id=org_id))) == of_org
    person_id = activities[min(of_org) - 1]["person_ids"][0]
    assert min(of_org) in repository.find(ActivityQuery(contact_id=person_id))

    links = repository.links
    assert {link.person_id for link in links.of_organization(org_id)} == persons_of[org_id]
    assert links.primary_of(org_id) is not None
    assert repository.history.of("activity", 1) == []
    operators = OperatorRepository(repository.database)
    assert [o.login for o in operators.all()] == sorted(DEMO_OPERATORS)
    assert operators.shown("kasia") == "Katarzyna Wiśniewska"


def test_week_calendar_and_edits_work_on_demo_activities(tmp_path, contacts, links, activities):
    path = tmp_path / "demo.json"
    create_database(path, {"contacts": contacts, "links": links, "operators": generate_operators(),
                           "activities": activities})
    repository = open_repositories(path)
    start = datetime(2026, 11, 30, tzinfo=DEMO_ZONE)
    week = repository.calendar("anna", start, start + timedelta(days=7))
    expected = sorted((a["planned_at"], i) for i, a in enumerate(activities, 1)
                      if a.get("in_calendar") and a["employee"] == "anna"
                      and to_utc_text(start) <= a["planned_at"] < to_utc_text(start + timedelta(days=7)))
    assert [a.id for a in week] == [i for _at, i in expected] and expected

    planned_id = next(i for i, a in enumerate(activities, 1) if not a.get("completed"))
    stored = repository.get(planned_id)
    saved = repository.save(replace(stored, subject="Nowy temat"), author="anna").activity
    assert (saved.version, saved.subject) == (2, "Nowy temat")
    noted = repository.set_note(planned_id, "Zadzwonić rano", author="anna", seen_note=saved.note)
    assert noted.note == "Zadzwonić rano"
    assert open_repositories(path).get(planned_id).note == "Zadzwonić rano"


def test_the_app_opens_the_demo_database(demo_path, activities, links):
    from tui_crm.ui.app import CrmApp

    app = CrmApp.open(demo_path, user="anna")
    assert app.activities.count() == len(activities)
    assert sum(len(app.links.of_organization(o)) for o in {link["organization_id"] for link in links}) == len(links)
    assert app.operators.shown("anna") == "Anna Nowak"


def test_demo_command_writes_the_four_tables(tmp_path, capsys):
    from tui_crm.cli import create_demo

    path = tmp_path / "demo.json"
    assert create_demo(path, 400, 5) == 0
    database = Database(path)
    counts = {name: len(database.table(name)) for name in ("contacts", "links", "operators", "activities")}
    assert counts["contacts"] == 400 and counts["operators"] == 3
    assert counts["links"] > 50 and counts["activities"] > 50
    printed = capsys.readouterr().out
    for value in counts.values():
        assert str(value) in printed
