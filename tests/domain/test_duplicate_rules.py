"""Likely duplicates (seed 001): the same phone, e-mail or NIP, or a very similar name in the same
city; groups for the report found through shared keys, never by comparing every pair."""

from __future__ import annotations

import pytest
from factories import make_org, make_person
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tui_crm.domain import duplicates
from tui_crm.domain.contact import Address, Contact, Email, Phone
from tui_crm.domain.duplicates import (
    NAME_SIMILARITY,
    SAME_EMAIL,
    SAME_NIP,
    SAME_PHONE,
    SIMILAR_NAME,
    DuplicateGroup,
    block_index,
    contact_keys,
    duplicate_groups,
    likely_duplicates,
    matches_among,
    matches_by_key,
    name_words,
    needs_duplicate_check,
    phone_key,
)

MOBILE_PREFIXES = ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")


def saved(contact: Contact, contact_id: int | None) -> Contact:
    """A copy of ``contact`` with ``contact_id``."""
    return Contact.from_doc(contact.to_doc(), contact_id)


def in_city(city: str) -> list[Address]:
    return [Address("ul. Długa 1", "", city, "PL")]


def reasons_between(new: Contact, existing: Contact) -> tuple[str, ...]:
    matches = likely_duplicates(saved(new, None), [saved(existing, 7)])
    assert len(matches) <= 1
    return matches[0].reasons if matches else ()


# -- phone, e-mail, NIP --------------------------------------------------------------------


def test_the_same_phone_written_differently_matches() -> None:
    existing = make_person("Anna", "Nowak", phones=[Phone("+48 600 100 200")])
    new = make_person("Zofia", "Kowalczyk", phones=[Phone("600-100-200")])
    assert reasons_between(new, existing) == (SAME_PHONE,)


@st.composite
def polish_mobile(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(MOBILE_PREFIXES)) + draw(st.text("0123456789", min_size=7, max_size=7))


def written(digits: str, style: int) -> str:
    """One Polish number in the ways people write it."""
    groups = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return [
        f"+48 {groups}",
        groups.replace(" ", "-"),
        digits,
        f"+48{digits}",
        f"(+48) {groups}",
        f"0048 {groups}",
        f" {groups} ",
    ][style]


@given(polish_mobile(), st.integers(0, 6), st.integers(0, 6))
def test_a_phone_matches_however_it_is_written(digits: str, style: int, other_style: int) -> None:
    existing = make_person("Anna", "Nowak", phones=[Phone(written(digits, style))])
    new = make_person("Zofia", "Kowalczyk", phones=[Phone(written(digits, other_style))])
    assert reasons_between(new, existing) == (SAME_PHONE,)
    assert phone_key(written(digits, style)) == "+48" + digits


def test_different_phones_do_not_match() -> None:
    existing = make_person("Anna", "Nowak", phones=[Phone("+48600100200")])
    new = make_person("Zofia", "Kowalczyk", phones=[Phone("+48600100201")])
    assert reasons_between(new, existing) == ()


def test_the_same_email_matches_whatever_its_case() -> None:
    existing = make_person("Anna", "Nowak", emails=[Email("Anna.Nowak@Example.PL")])
    new = make_person("Zofia", "Kowalczyk", emails=[Email(" anna.nowak@example.pl ")])
    assert reasons_between(new, existing) == (SAME_EMAIL,)


def test_the_same_nip_matches_with_or_without_dashes() -> None:
    existing = make_org("Alfa Sp. z o.o.", nip="5260250274")
    new = make_org("Zupełnie Inna Firma", nip="526-025-02-74")
    assert reasons_between(new, existing) == (SAME_NIP,)


def test_only_contacts_of_the_same_kind_are_compared() -> None:
    """A contact person sharing their organization's phone or mailbox is not its duplicate."""
    organization = make_org("Jan Kowalski", phones=[Phone("+48600100200")], emails=[Email("biuro@alfa.pl")],
                            addresses=in_city("Kraków"))
    person = make_person("Jan", "Kowalski", phones=[Phone("+48600100200")], emails=[Email("biuro@alfa.pl")],
                         addresses=in_city("Kraków"))
    assert reasons_between(person, organization) == ()


def test_every_reason_found_is_given_surest_first() -> None:
    existing = make_org("Alfa Sp. z o.o.", nip="5260250274", phones=[Phone("+48600100200")],
                        emails=[Email("biuro@alfa.pl")], addresses=in_city("Kraków"))
    new = make_org("ALFA S.A.", nip="5260250274", phones=[Phone("600 100 200")],
                   emails=[Email("BIURO@alfa.pl")], addresses=in_city("Krakow"))
    assert reasons_between(new, existing) == (SAME_PHONE, SAME_EMAIL, SAME_NIP, SIMILAR_NAME)


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("new", "existing"), [
    (("Jan", "Kowalski"), ("Jan", "Kowalski")),
    (("Kowalski", "Jan"), ("Jan", "Kowalski")),  # first and last name swapped
    (("Jan", "Kowalsky"), ("Jan", "Kowalski")),  # a typo
    (("Lukasz", "Wojcik"), ("Łukasz", "Wójcik")),  # without diacritics
    (("ŁUKASZ", "WÓJCIK"), ("Łukasz", "Wójcik")),
])
def test_persons_with_very_similar_names_in_the_same_city_match(new, existing) -> None:
    assert reasons_between(make_person(*new, addresses=in_city("Łódź")),
                           make_person(*existing, addresses=in_city("LODZ"))) == (SIMILAR_NAME,)


def test_similar_names_in_different_cities_do_not_match() -> None:
    assert reasons_between(make_person("Jan", "Kowalski", addresses=in_city("Kraków")),
                           make_person("Jan", "Kowalski", addresses=in_city("Gdańsk"))) == ()


def test_a_name_without_any_city_is_not_compared() -> None:
    assert reasons_between(make_person("Jan", "Kowalski"), make_person("Jan", "Kowalski")) == ()


def test_organizations_without_a_city_are_compared_by_name_with_each_other_only() -> None:
    assert reasons_between(make_org("Firma X"), make_org("FIRMA X Sp. z o.o.")) == (SIMILAR_NAME,)
    assert reasons_between(make_org("Firma X"), make_org("Firma X", addresses=in_city("Kraków"))) == ()
    assert reasons_between(make_org("Firma X"), make_org("Zupełnie Inna")) == ()


def test_organizations_with_different_nips_are_different_firms_however_alike_their_names() -> None:
    jantar = make_org("Biuro Rachunkowe „Jantar”", nip="2096277077", addresses=in_city("Gdańsk"))
    other = make_org("Biuro Rachunkowe Jantar", nip="6701700118", addresses=in_city("Gdańsk"))
    assert reasons_between(other, jantar) == ()
    assert reasons_between(make_org("Biuro Rachunkowe Jantar", addresses=in_city("Gdańsk")), jantar) == (SIMILAR_NAME,)
    keys = {1: contact_keys(jantar), 2: contact_keys(other)}
    assert duplicate_groups(keys) == []


def test_one_shared_city_of_several_addresses_is_enough() -> None:
    existing = make_person("Jan", "Kowalski", addresses=in_city("Gdańsk") + in_city("Kraków"))
    assert reasons_between(make_person("Jan", "Kowalski", addresses=in_city("Kraków")), existing) == (SIMILAR_NAME,)


def test_different_names_do_not_match() -> None:
    assert reasons_between(make_person("Jan", "Kowalski", addresses=in_city("Kraków")),
                           make_person("Anna", "Zielińska", addresses=in_city("Kraków"))) == ()


@pytest.mark.parametrize("other", ["ALFA S.A.", "Alfa Spółka z o.o.", "Alfa sp.z o.o.", "Alfa Sp. z o.o. Sp.k.",
                                   "Alfa s.c.", "Alfa Spółka Jawna", "Alfa"])
def test_organizations_are_compared_without_their_legal_form(other: str) -> None:
    assert reasons_between(make_org(other, addresses=in_city("Kraków")),
                           make_org("Alfa Sp. z o.o.", addresses=in_city("Kraków"))) == (SIMILAR_NAME,)


def test_legal_forms_and_punctuation_are_left_out_of_the_compared_name() -> None:
    assert name_words("P.P.H.U. „Sasanka” Kowalski, Nowak Spółka Jawna", organization=True) == [
        "pphu", "sasanka", "kowalski", "nowak"]
    assert name_words("PPHU Sasanka Kowalski Nowak s.j.", organization=True) == ["pphu", "sasanka", "kowalski", "nowak"]
    assert name_words("Spółka Jawna", organization=True) == ["spolka", "jawna"]  # nothing else: kept


def test_the_threshold_is_token_sort_ratio() -> None:
    assert fuzz.token_sort_ratio("jan kowalski", "kowalsky jan") >= NAME_SIMILARITY
    assert fuzz.token_sort_ratio("jan kowalski", "jan nowak") < NAME_SIMILARITY


names = st.lists(st.sampled_from(["Jan", "Anna", "Kowalski", "Kowalska", "Nowak", "Żuraw", "Łukasz", "Wójcik", "Ewa"]),
                 min_size=1, max_size=3).map(" ".join)


@given(names, names)
def test_the_compared_names_score_as_token_sort_ratio(a: str, b: str) -> None:
    """The keys keep names with sorted words, so the index's plain ``ratio`` is ``token_sort_ratio``."""
    key_a, key_b = contact_keys(make_person(a, "")).name, contact_keys(make_person(b, "")).name
    assert fuzz.ratio(key_a, key_b) == pytest.approx(fuzz.token_sort_ratio(" ".join(name_words(a)), " ".join(name_words(b))))


# -- never its own duplicate ---------------------------------------------------------------

cities = st.sampled_from(["Kraków", "Łódź", ""])
people = st.builds(
    lambda first, last, phone, email, city: make_person(
        first, last, phones=[Phone(phone)] if phone else [], emails=[Email(email)] if email else [],
        addresses=in_city(city) if city else []),
    st.sampled_from(["Jan", "Anna", "Jana"]), st.sampled_from(["Kowalski", "Kowalska", "Nowak"]),
    st.sampled_from(["", "+48600100200", "600 100 201"]), st.sampled_from(["", "a@b.pl", "A@B.pl", "c@b.pl"]),
    cities)

#: organizations of alike names, with or without a NIP (different NIPs: different firms)
organizations = st.builds(
    lambda name, nip, city: make_org(name, nip=nip, addresses=in_city(city) if city else []),
    st.sampled_from(["Alfa", "ALFA S.A.", "Alfa Sp. z o.o.", "Beta"]),
    st.sampled_from(["", "5260250274", "2096277077"]), cities)
contacts_of_both_kinds = st.one_of(people, organizations)


@given(people, st.integers(1, 10_000))
def test_a_contact_is_never_its_own_duplicate(contact: Contact, contact_id: int) -> None:
    contact.id = contact_id
    copy = Contact.from_doc(contact.to_doc(), contact_id)
    assert likely_duplicates(contact, [contact, copy, (contact_id, contact.to_doc())]) == []


@given(contacts_of_both_kinds, contacts_of_both_kinds)
def test_the_rule_is_symmetric(a: Contact, b: Contact) -> None:
    assert reasons_between(a, b) == reasons_between(b, a)


# -- the report ----------------------------------------------------------------------------


def keys_of(contacts: list[Contact]) -> dict:
    return {contact_id: contact_keys(c) for contact_id, c in enumerate(contacts, 1)}


def test_groups_join_contacts_linked_through_a_chain_of_reasons() -> None:
    contacts = [
        make_person("Jan", "Kowalski", phones=[Phone("+48600100200")]),
        make_person("Janek", "Kowal", phones=[Phone("600 100 200")], emails=[Email("jk@x.pl")]),
        make_person("J.", "K.", emails=[Email("JK@x.pl")]),
        make_person("Anna", "Nowak", addresses=in_city("Kraków")),
        make_person("Anna", "Nowak", addresses=in_city("Kraków")),
        make_person("Ewa", "Zielińska", addresses=in_city("Kraków")),
    ]
    assert duplicate_groups(keys_of(contacts)) == [
        DuplicateGroup((1, 2, 3), (SAME_PHONE, SAME_EMAIL), ((SAME_PHONE,), (SAME_PHONE, SAME_EMAIL), (SAME_EMAIL,))),
        DuplicateGroup((4, 5), (SIMILAR_NAME,), ((SIMILAR_NAME,), (SIMILAR_NAME,))),
    ]


def test_the_report_never_compares_contacts_that_share_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """400 contacts with similar names but each in its own city: not one name comparison."""
    compared = []
    real_extract = duplicates.extract
    monkeypatch.setattr(duplicates, "extract", lambda *args, **kw: compared.append(args) or real_extract(*args, **kw))
    contacts = [make_person("Jan", f"Kowalski{n}", addresses=in_city(f"Miasto {n}")) for n in range(400)]
    assert duplicate_groups(keys_of(contacts)) == []
    assert compared == []


def test_the_report_compares_only_within_a_block(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[int] = []
    real_extract = duplicates.extract
    monkeypatch.setattr(duplicates, "extract",
                        lambda name, choices, **kw: compared.append(len(choices)) or real_extract(name, choices, **kw))
    contacts = [make_person("Jan", f"Kowalski{n}", addresses=in_city(f"Miasto {n % 40}")) for n in range(400)]
    duplicate_groups(keys_of(contacts))
    assert sum(compared) < 400 * 399 / 2 / 10  # ten contacts per city: a tenth of all pairs at most


@given(st.lists(contacts_of_both_kinds, max_size=8))
def test_the_groups_are_the_connected_likely_duplicates(contacts: list[Contact]) -> None:
    """The report (blocks, union-find) finds exactly what comparing every pair would link."""
    for contact_id, contact in enumerate(contacts, 1):
        contact.id = contact_id
    parent = {c.id: c.id for c in contacts}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for contact in contacts:
        for match in likely_duplicates(contact, contacts):
            parent[root(match.contact_id)] = root(contact.id)
    expected: dict[int, list[int]] = {}
    for contact in contacts:
        expected.setdefault(root(contact.id), []).append(contact.id)
    linked = sorted(tuple(ids) for ids in expected.values() if len(ids) > 1)
    assert sorted(group.ids for group in duplicate_groups(keys_of(contacts))) == linked


def test_a_save_looks_for_duplicates_when_new_or_when_a_compared_field_changed() -> None:
    stored = saved(make_person("Anna", "Nowak", phones=[Phone("+48600100200")], addresses=in_city("Kraków")), 3)
    assert needs_duplicate_check(None, stored)
    assert needs_duplicate_check(saved(stored, None), stored)  # not saved yet
    assert not needs_duplicate_check(stored, saved(stored, 3))
    unrelated = saved(stored, 3)
    unrelated.tags, unrelated.position = ["VIP"], "Księgowa"
    assert not needs_duplicate_check(stored, unrelated)
    for change in (lambda c: setattr(c, "last_name", "Nowakowa"),
                   lambda c: c.phones.append(Phone("+48600100201")),
                   lambda c: c.emails.append(Email("a@b.pl")),
                   lambda c: setattr(c, "addresses", in_city("Gdańsk"))):
        edited = saved(stored, 3)
        change(edited)
        assert needs_duplicate_check(stored, edited)


@given(contacts_of_both_kinds, st.lists(contacts_of_both_kinds, max_size=8))
def test_an_index_lookup_finds_what_comparing_every_candidate_finds(contact: Contact, others: list[Contact]) -> None:
    """``matches_by_key`` (ids by key, names compared in one call) agrees with ``matches_among``."""
    keys = keys_of(others)
    blocks = block_index(keys)
    wanted = contact_keys(contact)
    found = matches_by_key(wanted, lambda key: blocks.get(key, []), keys)
    assert found == matches_among(wanted, keys)
