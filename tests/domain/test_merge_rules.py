"""Merging contacts: nothing of any contact is lost, the chosen values win, the order of the
others does not matter; and the rule questions (organization, primary, successor)."""

from __future__ import annotations

import re

import pytest
from factories import make_org, make_person
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_crm.domain.contact import Address, Contact, ContactKind, Email, Note, Phone
from tui_crm.domain.contact_persons import ContactPersonLink, PortalAccess
from tui_crm.domain.merge import (
    ORGANIZATION,
    PRIMARY,
    SUCCESSOR,
    MergeError,
    MergePlan,
    choosable_fields,
    default_choices,
    merge_conflicts,
    merge_contacts,
    merge_links,
    unresolved,
)

# -- strategies: small pools, written in several ways, so that duplicates are common -----------

MOBILES = ["601234567", "501000111", "698765432"]


def phone_spellings(national: str) -> list[str]:
    return [f"+48{national}", f"{national[:3]} {national[3:6]} {national[6:]}", f"+48 {national[:3]}-{national[3:6]}-{national[6:]}"]


def same_phone(number: str) -> str:
    """Independent of the code under test: the last nine digits of a Polish number."""
    return re.sub(r"\D", "", number)[-9:]


phones = st.builds(
    Phone,
    number=st.sampled_from(MOBILES).flatmap(lambda n: st.sampled_from(phone_spellings(n))),
    type=st.sampled_from(["mobile", "work", "home"]),
    note=st.sampled_from(["", "9–12", "after 16", "private"]),
    whatsapp=st.booleans(),
    viber=st.booleans(),
    sms=st.booleans(),
)
emails = st.builds(
    Email,
    address=st.sampled_from(["anna@example.pl", "ANNA@example.pl", "biuro@zuraw.pl", "Biuro@Zuraw.PL", "x@y.com"]),
    consent=st.booleans(),
)
addresses = st.builds(
    Address,
    street=st.sampled_from(["ul. Długa 5", "UL. DŁUGA  5", "Rynek 1", "ul. Piotrkowska 100"]),
    postal_code=st.sampled_from(["61-001", "61001", "90-001"]),
    city=st.sampled_from(["Poznań", "POZNAŃ", "Łódź"]),
    country=st.sampled_from(["", "PL"]),
)
notes = st.builds(
    Note,
    text=st.sampled_from(["called", "sent the offer", "meeting"]),
    author=st.sampled_from(["anna", "jan"]),
    at=st.sampled_from(["2025-01-01T10:00:00+00:00", "2025-03-01T09:00:00+00:00", "2026-02-02T12:00:00+00:00"]),
)
consents = st.dictionaries(
    st.sampled_from(["email", "sms", "phone"]), st.none() | st.sampled_from(["2024-05-01", "2025-03-01", "2026-01-15"]),
    max_size=3,
)
texts = st.sampled_from(["", "Anna", "Nowak", "Kierownik", "anna", "jan"])


@st.composite
def persons(draw, contact_id: int) -> Contact:
    return Contact(
        kind=ContactKind.PERSON, id=contact_id,
        first_name=draw(texts), last_name=draw(texts), position=draw(texts),
        supplier=draw(st.booleans()), account_manager=draw(texts), source=draw(st.sampled_from(["", "fair", "web"])),
        discount=draw(st.sampled_from([0.0, 5.0, 12.5])),
        phones=draw(st.lists(phones, max_size=4)), emails=draw(st.lists(emails, max_size=3)),
        addresses=draw(st.lists(addresses, max_size=3)),
        tags=draw(st.lists(st.sampled_from(["VIP", "vip", "hurt", "Hurt", "nowy"]), max_size=4)),
        notes=draw(st.lists(notes, max_size=3)), consents=draw(consents),
        created_at=draw(st.sampled_from(["2024-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"])),
        version=draw(st.integers(1, 5)),
    )


@st.composite
def merges(draw):
    """(survivor, others, choices): 2–4 persons, some fields chosen from any of them."""
    count = draw(st.integers(2, 4))
    ids = draw(st.lists(st.integers(1, 1000), min_size=count, max_size=count, unique=True))
    contacts = [draw(persons(i)) for i in ids]
    fields = draw(st.lists(st.sampled_from(choosable_fields(ContactKind.PERSON)), unique=True))
    choices = {name: draw(st.sampled_from(ids)) for name in fields}
    return contacts[0], contacts[1:], choices


# -- properties --------------------------------------------------------------------------------


@settings(max_examples=150)
@given(merges())
def test_nothing_of_any_contact_is_lost(case) -> None:
    survivor, others, choices = case
    everyone = [survivor, *others]
    result = merge_contacts(survivor, others, choices)

    by_number = {same_phone(p.number): p for p in result.phones}
    assert len(by_number) == len(result.phones), "a number twice"
    for phone in (p for c in everyone for p in c.phones):
        kept = by_number[same_phone(phone.number)]
        assert (kept.whatsapp or not phone.whatsapp) and (kept.viber or not phone.viber) and (kept.sms or not phone.sms)
        assert phone.note in kept.note

    result_emails = {e.address.casefold(): e for e in result.emails}
    assert len(result_emails) == len(result.emails)
    for email in (e for c in everyone for e in c.emails):
        assert result_emails[email.address.casefold()].consent >= email.consent
    assert {a for a in result_emails} == {e.address.casefold() for c in everyone for e in c.emails}

    def place(a: Address) -> tuple[str, str, str]:
        return (" ".join(a.street.casefold().split()), a.postal_code.replace("-", ""), a.city.casefold())

    assert {place(a) for a in result.addresses} == {place(a) for c in everyone for a in c.addresses}
    assert len({place(a) for a in result.addresses}) == len(result.addresses)

    assert {t.casefold() for t in result.tags} == {t.casefold() for c in everyone for t in c.tags}
    assert len({t.casefold() for t in result.tags}) == len(result.tags)

    for note in (n for c in everyone for n in c.notes):
        assert note in result.notes
    assert [n.at for n in result.notes] == sorted(n.at for n in result.notes)

    for channel in {ch for c in everyone for ch in c.consents}:
        given_dates = [d for c in everyone if (d := c.consents.get(channel))]
        assert result.consents.get(channel) == (max(given_dates) if given_dates else None)


@settings(max_examples=150)
@given(merges())
def test_the_chosen_values_win_and_the_rest_is_the_survivors(case) -> None:
    survivor, others, choices = case
    by_id = {c.id: c for c in [survivor, *others]}
    result = merge_contacts(survivor, others, choices)
    for name in choosable_fields(ContactKind.PERSON):
        source = by_id[choices[name]] if name in choices else survivor
        assert getattr(result, name) == getattr(source, name), name
    assert (result.id, result.version, result.created_at) == (survivor.id, survivor.version, survivor.created_at)
    assert result.deleted_at is None and result.merged_into is None


@settings(max_examples=100)
@given(merges(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_others(case, random) -> None:
    survivor, others, choices = case
    shuffled = list(others)
    random.shuffle(shuffled)
    assert merge_contacts(survivor, shuffled, choices) == merge_contacts(survivor, others, choices)


@settings(max_examples=50)
@given(merges())
def test_the_inputs_are_not_changed(case) -> None:
    survivor, others, choices = case
    before = [c.to_doc() for c in [survivor, *others]]
    merge_contacts(survivor, others, choices)
    assert [c.to_doc() for c in [survivor, *others]] == before


# -- examples ----------------------------------------------------------------------------------


def test_duplicate_phones_keep_the_first_type_and_every_flag_and_note() -> None:
    a = make_person(id=1, phones=[Phone("+48601234567", "mobile", note="9–12", whatsapp=True)])
    b = make_person(id=2, phones=[Phone("601 234 567", "work", note="after 16", sms=True), Phone("+48501000111")])
    result = merge_contacts(a, [b], {})
    assert result.phones == [
        Phone("+48601234567", "mobile", note="9–12 · after 16", whatsapp=True, sms=True),
        Phone("+48501000111"),
    ]


def test_an_email_keeps_consent_if_any_copy_had_it() -> None:
    a = make_person(id=1, emails=[Email("Anna@Example.pl")])
    b = make_person(id=2, emails=[Email("anna@example.pl", consent=True)])
    assert merge_contacts(a, [b], {}).emails == [Email("Anna@Example.pl", consent=True)]


def test_a_person_is_not_merged_with_an_organization() -> None:
    with pytest.raises(MergeError, match="person cannot be merged with an organization"):
        merge_contacts(make_person(id=1), [make_org(id=2)], {})
    with pytest.raises(MergeError, match="person cannot be merged"):
        MergePlan.start([make_org(id=2), make_person(id=1)])


def test_at_least_two_contacts_are_needed() -> None:
    with pytest.raises(MergeError, match="at least two"):
        MergePlan.start([make_person(id=1)])


def test_the_plan_keeps_the_oldest_record_and_fills_empty_values_from_the_others() -> None:
    older = make_person("Anna", "", id=5, created_at="2024-01-01T00:00:00+00:00")
    newer = make_person("Ania", "Nowak", id=2, created_at="2025-06-01T00:00:00+00:00", position="CEO")
    plan = MergePlan.start([newer, older])
    assert plan.survivor_id == 5
    assert plan.fields == ["first_name", "last_name", "position"]
    assert plan.choices == {"first_name": 5, "last_name": 2, "position": 2}
    assert plan.result().display_name == "Anna Nowak"


def test_choosing_another_survivor_keeps_what_the_user_picked() -> None:
    a = make_person("Anna", "Nowak", id=1, created_at="2024-01-01T00:00:00+00:00", position="CEO")
    b = make_person("Ania", "Nowakowa", id=2, created_at="2025-01-01T00:00:00+00:00", position="Prezes")
    plan = MergePlan.start([a, b])
    plan.choose("last_name", 2)
    plan.choose_survivor(2)
    assert plan.choices == {"first_name": 2, "last_name": 2, "position": 2}
    plan.choose("position", 1)
    plan.choose_survivor(1)
    assert plan.choices == {"first_name": 1, "last_name": 2, "position": 1}
    assert (plan.result().id, plan.result().last_name, plan.result().position) == (1, "Nowakowa", "CEO")


def test_default_choices_cover_only_the_fields_that_differ() -> None:
    a = make_person("Anna", "Nowak", id=1, discount=5.0)
    b = make_person("Anna", "Nowak ", id=2, supplier=True)
    assert default_choices([a, b], 1) == {"supplier": 2, "discount": 1}


def test_merging_links_of_one_organization_unites_their_flags() -> None:
    kept = ContactPersonLink(1, 10, role="Prezes", may_represent=True, permissions=["invoices"])
    other = ContactPersonLink(2, 10, info="mail", may_collect_mail=True, primary=True, permissions=["support"],
                              portal=PortalAccess(login_email="anna@example.pl"))
    link = merge_links(kept, [other])
    assert (link.role, link.info, link.primary) == ("Prezes", "mail", True)
    assert link.may_represent and link.may_collect_mail
    assert link.permissions == ["invoices", "support"]
    assert link.portal.login_email == "anna@example.pl"


# -- rule questions ----------------------------------------------------------------------------


def test_persons_in_different_organizations_ask_which_one_stays() -> None:
    a, b = make_person(id=1), make_person(id=2)
    links = {10: [ContactPersonLink(1, 10)], 20: [ContactPersonLink(2, 20)]}
    conflicts = merge_conflicts([a, b], links)
    assert [(c.kind, c.options) for c in conflicts] == [(ORGANIZATION, (10, 20))]
    assert "different organizations" in conflicts[0].message
    assert unresolved(conflicts, organization_choice=None, primary_choice=None, successors={}) == conflicts[0]
    assert unresolved(conflicts, organization_choice=20, primary_choice=None, successors={}) is None


def test_a_primary_contact_leaving_their_organization_asks_for_a_successor() -> None:
    a, b = make_person(id=1), make_person(id=2)
    links = {10: [ContactPersonLink(1, 10)], 20: [ContactPersonLink(2, 20, primary=True), ContactPersonLink(3, 20)]}
    assert [c.kind for c in merge_conflicts([a, b], links)] == [ORGANIZATION]  # the successor depends on it
    conflicts = merge_conflicts([a, b], links, organization_choice=10)
    assert [(c.kind, c.options, c.organization_id) for c in conflicts] == [
        (ORGANIZATION, (10, 20), None), (SUCCESSOR, (3,), 20)]
    assert unresolved(conflicts, organization_choice=10, primary_choice=None, successors={}).kind == SUCCESSOR
    assert unresolved(conflicts, organization_choice=10, primary_choice=None, successors={20: 3}) is None
    assert merge_conflicts([a, b], links, organization_choice=20) == [conflicts[0]]


def test_persons_of_one_organization_raise_no_question() -> None:
    links = {10: [ContactPersonLink(1, 10, primary=True), ContactPersonLink(2, 10)]}
    assert merge_conflicts([make_person(id=1), make_person(id=2)], links) == []


def test_organizations_with_a_primary_each_ask_who_stays_primary() -> None:
    a, b, c = make_org(id=10), make_org("B", id=20), make_org("C", id=30)
    links = {10: [ContactPersonLink(1, 10, primary=True)], 20: [ContactPersonLink(2, 20, primary=True)], 30: []}
    conflicts = merge_conflicts([a, b, c], links)
    assert [(x.kind, x.options) for x in conflicts] == [(PRIMARY, (1, 2))]
    assert unresolved(conflicts, organization_choice=None, primary_choice=3, successors={}) == conflicts[0]
    assert merge_conflicts([a, c], links) == []
