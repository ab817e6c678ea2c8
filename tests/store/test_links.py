"""Contact persons: one organization per person, exactly one primary, unique logins."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm.domain.contact_persons import PERMISSIONS, ContactPersonLink
from tui_crm.store import ConflictError, ContactRepository, Database
from tui_crm.store.links import LinkError, LinkRepository


@pytest.fixture
def world(db_path: Path):
    contacts = ContactRepository(Database(db_path))
    links = LinkRepository(contacts)
    org = contacts.save(make_org("Hurtownia Łódź"), author="a")
    other_org = contacts.save(make_org("Biuro Rachunkowe Żak"), author="a")
    people = [contacts.save(make_person(first, "Nowak"), author="a") for first in ("Anna", "Bogdan", "Celina")]
    return contacts, links, org, other_org, people


def link(links, person, org, **extra):
    return links.link(ContactPersonLink(person.id, org.id, **extra), author="anna")


def test_first_person_linked_becomes_primary_and_later_ones_do_not(world) -> None:
    _contacts, links, org, _other, (anna, bogdan, _celina) = world
    assert link(links, anna, org, role="Prezes").primary
    assert not link(links, bogdan, org, role="Księgowa").primary
    assert [l.person_id for l in links.of_organization(org.id)] == [anna.id, bogdan.id]
    assert links.primary_of(org.id).person_id == anna.id


def test_a_person_belongs_to_one_organization_unless_moved(world) -> None:
    _contacts, links, org, other_org, (anna, bogdan, _celina) = world
    link(links, anna, org)
    link(links, bogdan, org)
    with pytest.raises(LinkError, match="another organization"):
        link(links, anna, other_org)
    with pytest.raises(LinkError, match="choose who becomes primary"):
        links.link(ContactPersonLink(anna.id, other_org.id), author="a", move=True)
    links.link(ContactPersonLink(anna.id, other_org.id), author="a", move=True, successor_id=bogdan.id)
    assert links.of_person(anna.id).organization_id == other_org.id
    assert links.primary_of(org.id).person_id == bogdan.id
    assert links.primary_of(other_org.id).person_id == anna.id


def test_only_persons_link_to_organizations(world) -> None:
    _contacts, links, org, other_org, (anna, _b, _c) = world
    with pytest.raises(LinkError, match="Only a person"):
        links.link(ContactPersonLink(other_org.id, org.id), author="a")
    with pytest.raises(LinkError, match="only be linked to an organization"):
        links.link(ContactPersonLink(anna.id, anna.id), author="a")


def test_making_another_primary_moves_the_flag_and_it_cannot_be_switched_off(world) -> None:
    _contacts, links, org, _other, (anna, bogdan, celina) = world
    for person in (anna, bogdan, celina):
        link(links, person, org)
    links.set_primary(celina.id, author="a")
    assert [l.person_id for l in links.of_organization(org.id) if l.primary] == [celina.id]
    primary = links.of_person(celina.id)
    primary.primary = False
    with pytest.raises(LinkError, match="cannot be switched off"):
        links.update(primary, author="a")


def test_unlinking_the_primary_needs_a_successor_and_keeps_both_contacts(world) -> None:
    contacts, links, org, _other, (anna, bogdan, _celina) = world
    link(links, anna, org)
    link(links, bogdan, org)
    with pytest.raises(LinkError):
        links.unlink(anna.id, author="a")
    links.unlink(anna.id, author="a", successor_id=bogdan.id)
    assert links.of_person(anna.id) is None
    assert links.primary_of(org.id).person_id == bogdan.id
    assert contacts.get(anna.id) is not None and contacts.get(org.id) is not None
    links.unlink(bogdan.id, author="a")  # the last one: nobody left to be primary
    assert links.of_organization(org.id) == []


def test_login_email_is_unique_across_contacts(world) -> None:
    _contacts, links, org, other_org, (anna, bogdan, _c) = world
    first = link(links, anna, org)
    second = link(links, bogdan, other_org)
    first.portal.login_email = "Anna@Firma.pl"
    links.update(first, author="a")
    second.portal.login_email = "anna@firma.pl"
    with pytest.raises(LinkError, match="already used"):
        links.update(second, author="a")


def test_stale_edit_of_a_link_is_a_conflict(db_path: Path, world) -> None:
    contacts, links, org, _other, (anna, _b, _c) = world
    mine = link(links, anna, org)
    other_session = LinkRepository(ContactRepository(Database(db_path)))
    theirs = other_session.of_person(anna.id)
    theirs.role = "Dyrektor"
    other_session.update(theirs, author="piotr")
    links.database.poll()
    mine.role = "Prezes"
    with pytest.raises(ConflictError):
        links.update(mine, author="anna")
    assert links.of_person(anna.id).role == "Dyrektor"


def test_trashed_primary_hands_over_to_the_next_linked_person(world) -> None:
    contacts, links, org, _other, (anna, bogdan, _c) = world
    link(links, anna, org)
    contacts.delete(anna.id, author="a")
    assert links.of_organization(org.id) == []
    assert link(links, bogdan, org).primary
    contacts.restore(anna.id, author="a")
    assert [l.person_id for l in links.of_organization(org.id) if l.primary] == [bogdan.id]


def test_relations_between_persons(world) -> None:
    _contacts, links, _org, _other, (anna, bogdan, celina) = world
    links.relate(anna.id, bogdan.id, note="małżeństwo", author="a")
    with pytest.raises(LinkError):
        links.relate(bogdan.id, anna.id, author="a")
    assert links.related_persons(bogdan.id) == [(anna.id, "małżeństwo")]
    links.unrelate(bogdan.id, anna.id)
    assert links.related_persons(anna.id) == []


def test_successor_candidates_only_when_the_primary_leaves_others_behind(world) -> None:
    _contacts, links, org, _other, (anna, bogdan, celina) = world
    assert links.successor_candidates(anna.id) == []  # not linked at all
    link(links, anna, org)
    assert links.successor_candidates(anna.id) == []  # primary, but nobody else is left
    link(links, bogdan, org)
    link(links, celina, org)
    assert [l.person_id for l in links.successor_candidates(anna.id)] == [bogdan.id, celina.id]
    assert links.successor_candidates(bogdan.id) == []  # not the primary: no choice needed


def test_a_new_link_may_ask_to_be_the_primary(world) -> None:
    _contacts, links, org, _other, (anna, bogdan, _celina) = world
    link(links, anna, org)
    assert link(links, bogdan, org, primary=True).primary
    assert [l.person_id for l in links.of_organization(org.id) if l.primary] == [bogdan.id]


def test_new_contact_persons_get_the_default_permissions(world) -> None:
    _contacts, links, org, _other, (anna, bogdan, celina) = world
    assert link(links, anna, org).permissions == list(PERMISSIONS)  # nothing set: all
    links.settings.set("default_permissions", ["support", "invoices"], author="admin")
    assert link(links, bogdan, org).permissions == ["invoices", "support"]
    assert link(links, celina, org, permissions=["projects"]).permissions == ["projects"]  # chosen ones stay
    assert links.of_person(bogdan.id).permissions == ["invoices", "support"]


def test_an_empty_default_means_no_permissions(world) -> None:
    _contacts, links, org, _other, (anna, _b, _c) = world
    links.settings.set("default_permissions", [], author="admin")
    assert link(links, anna, org).permissions == []


def test_notification_recipients_are_those_who_chose_the_kind(world) -> None:
    """Seed 003: five persons may see projects, only one wants project e-mails: only they get one."""
    contacts, links, org, other_org, _people = world
    persons = [contacts.save(make_person(first, "Kowalska"), author="a") for first in ("Ala", "Ela", "Ola", "Ula", "Iza")]
    for index, person in enumerate(persons):
        link(links, person, org, permissions=["projects"], notifications=["project"] if index == 2 else ["invoice"])
    assert [l.person_id for l in links.notification_recipients(org.id, "project")] == [persons[2].id]
    assert len(links.notification_recipients(org.id, "invoice")) == 4
    assert links.notification_recipients(org.id, "task") == []
    assert links.notification_recipients(other_org.id, "project") == []
    contacts.delete(persons[2].id, author="a")  # a person in the trash gets nothing
    assert links.notification_recipients(org.id, "project") == []
    with pytest.raises(ValueError):
        links.notification_recipients(org.id, "newsletter")


def test_switched_off_contact_person_flag_survives_a_reopen(db_path: Path, world) -> None:
    _contacts, links, org, _other, (anna, _b, _c) = world
    saved = link(links, anna, org, contact_person=False)
    assert not saved.contact_person
    reread = LinkRepository(ContactRepository(Database(db_path))).of_person(anna.id)
    assert reread.contact_person is False


def test_trashing_persons_together_hands_each_primary_flag_to_the_chosen_successor(world) -> None:
    contacts, links, org, other_org, (anna, bogdan, celina) = world
    link(links, anna, org)
    link(links, bogdan, org)
    link(links, celina, org)
    lone = contacts.save(make_person("Damian", "Sam"), author="a")
    link(links, lone, other_org)  # primary, nobody else there: no successor needed
    leaving = links.primaries_leaving([anna.id, bogdan.id, lone.id])
    assert [(primary.person_id, [s.person_id for s in staying]) for primary, staying in leaving] == [
        (anna.id, [celina.id])]  # Bogdan leaves too: not a candidate

    with pytest.raises(LinkError, match="primary contact"):
        links.trash([anna.id, bogdan.id], author="ola")  # no successor chosen: nothing written
    with pytest.raises(LinkError):
        links.trash([anna.id, bogdan.id], author="ola", successors={org.id: bogdan.id})  # one who leaves too
    assert contacts.get(anna.id).deleted_at is None

    result = links.trash([anna.id, bogdan.id, lone.id], author="ola", successors={org.id: celina.id})
    assert sorted(result.saved) == sorted([anna.id, bogdan.id, lone.id])
    again = LinkRepository(ContactRepository(Database(contacts.database.path)))
    assert [(l.person_id, l.primary) for l in again.of_organization(org.id)] == [(celina.id, True)]
    assert all(again.contacts.get(i).deleted_at for i in (anna.id, bogdan.id, lone.id))
