"""Shared by the activity list and card tests: a small database of activities, saved through
the repositories, and a stand-in for the activity form.

Two organizations with one contact person each; the operator ``tester`` has an overdue
meeting, a planned call and a completed task with Alfa; ``anna`` has a planned call with Beta.
Times are relative to now, so "overdue" and "planned" hold whenever the tests run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from factories import make_org, make_person
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tui_crm.domain.activity import CONTACT, MEETING, TASK, Activity, to_utc_text
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.operators import Operator
from tui_crm.store import ContactRepository, Database
from tui_crm.store.activities import ActivityRepository
from tui_crm.store.history import HistoryRepository
from tui_crm.store.links import LinkRepository
from tui_crm.store.operators import OperatorRepository
from tui_crm.store.settings import SettingsRepository

USER = "tester"


def repositories(path: Path) -> SimpleNamespace:
    """Fresh repositories on the file: what another session (or program) reads and writes."""
    database = Database(path)
    contacts = ContactRepository(database)
    links = LinkRepository(contacts, SettingsRepository(database))
    activities = ActivityRepository(contacts, links, HistoryRepository(database))
    return SimpleNamespace(contacts=contacts, links=links, activities=activities,
                           operators=OperatorRepository(database))


@dataclass(frozen=True)
class Seeded:
    alfa: int
    jan: int  # Alfa's contact person
    beta: int
    ewa: int  # Beta's contact person
    overdue: int  # tester's meeting with Alfa, two days ago, not completed
    planned: int  # tester's call with Alfa, in two days
    completed: int  # tester's task with Alfa, five days ago, completed
    annas: int  # anna's call with Beta, tomorrow

    @property
    def mine_in_time_order(self) -> list[int]:
        return [self.completed, self.overdue, self.planned]


def seed_activities(path: Path) -> Seeded:
    repos = repositories(path)
    now = datetime.now(UTC)
    alfa = repos.contacts.save(make_org("Alfa Sp. z o.o."), author="seed").id
    jan = repos.contacts.save(make_person("Jan", "Kowalski"), author="seed").id
    beta = repos.contacts.save(make_org("Beta"), author="seed").id
    ewa = repos.contacts.save(make_person("Ewa", "Nowak"), author="seed").id
    repos.links.link(ContactPersonLink(person_id=jan, organization_id=alfa), author="seed")
    repos.links.link(ContactPersonLink(person_id=ewa, organization_id=beta), author="seed")
    repos.operators.save(Operator(USER, "Tomasz Tester"), author="seed", new=True)
    repos.operators.save(Operator("anna", "Anna Nowak"), author="seed", new=True)

    def add(activity_type: str, organization: int, person: int, days: int, *, employee: str = USER,
            note: str = "", completed: bool = False, kind: str = "") -> int:
        activity = Activity(type=activity_type, counterparty_id=organization, person_ids=[person],
                            planned_at=to_utc_text(now + timedelta(days=days)), employee=employee, note=note,
                            completed=completed, kind=kind)
        return repos.activities.save(activity, author="seed").activity.id

    return Seeded(
        alfa=alfa, jan=jan, beta=beta, ewa=ewa,
        overdue=add(MEETING, alfa, jan, -2, note="Przygotować ofertę", kind="visit"),
        planned=add(CONTACT, alfa, jan, 2, note="Zadzwonić w sprawie rabatu", kind="phone"),
        completed=add(TASK, alfa, jan, -5, note="Wysłano cennik", completed=True),
        annas=add(CONTACT, beta, ewa, 1, employee="anna", note="Od Anny"),
    )


class FormStub(Screen[int | None]):
    """Stands in for the activity form (built elsewhere): records what it was opened with.
    Its signature is the form's documented one, so a wrong argument fails the test."""

    def __init__(self, activity_id: int | None = None, *, counterparty_id: int | None = None,
                 person_id: int | None = None, activity_type: str = CONTACT) -> None:
        super().__init__()
        self.activity_id = activity_id
        self.counterparty_id = counterparty_id
        self.person_id = person_id
        self.activity_type = activity_type

    def compose(self) -> ComposeResult:
        yield Static("activity form")
