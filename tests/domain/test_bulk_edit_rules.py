"""Bulk edit rules: only touched fields change, tags are added and removed, a second apply
changes nothing; the address goes to the first address (or a new one), consents get today."""

from __future__ import annotations

import copy
from dataclasses import fields

import pytest
from factories import make_org, make_person
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.bulk_edit import AddressEdit, BulkEdit, BulkEditError
from tui_crm.domain.contact import (
    CONSENT_CHANNELS,
    Address,
    Contact,
    ContactKind,
    normalize_tags,
)

TODAY = "2026-05-04"

words = st.text(alphabet="abcŁłżŻ -", min_size=0, max_size=6)
tags = st.lists(st.sampled_from(["VIP", "vip", "hurt", "Hurt ", "przetarg", "stały klient", "nowy"]), max_size=4)
addresses = st.lists(st.builds(Address, words, st.sampled_from(["", "00-950", "00950", "12345"]), words,
                               st.sampled_from(["", "PL", "DE"])), max_size=3)
consent_values = st.dictionaries(st.sampled_from(CONSENT_CHANNELS), st.sampled_from([None, "2024-01-02", TODAY]))
contacts = st.builds(
    Contact,
    kind=st.sampled_from(list(ContactKind)),
    first_name=words,
    last_name=words,
    name=words,
    supplier=st.booleans(),
    account_manager=st.sampled_from(["", "anna", "piotr"]),
    source=st.sampled_from(["", "targi", "polecenie"]),
    tags=tags,
    addresses=addresses,
    consents=consent_values,
    version=st.integers(0, 5),
)
maybe_text = st.none() | st.sampled_from(["", "anna", " piotr ", "targi"])
maybe_field = st.none() | st.sampled_from(["", "Kraków", "00950", "31-000", "de", "ul. Długa 5"])
edits = st.builds(
    BulkEdit,
    account_manager=maybe_text,
    supplier=st.none() | st.booleans(),
    source=maybe_text,
    tags_add=st.lists(st.sampled_from(["VIP", "nowy", "Hurt", "export"]), max_size=3).map(tuple),
    tags_remove=st.lists(st.sampled_from(["vip", "przetarg", "stały klient"]), max_size=2).map(tuple),
    address=st.builds(AddressEdit, maybe_field, maybe_field, maybe_field, st.none() | st.sampled_from(["PL", "de"])),
    consents=st.dictionaries(st.sampled_from(CONSENT_CHANNELS), st.booleans()),
    today=st.just(TODAY),
)


# -- properties ------------------------------------------------------------------------------


@given(contacts, edits)
def test_fields_not_touched_never_change(contact: Contact, edit: BulkEdit) -> None:
    before = copy.deepcopy(contact)
    result = edit.apply(contact) or contact
    assert contact == before  # the contact given is never modified
    for name in {f.name for f in fields(Contact)} - edit.touched_fields():
        assert getattr(result, name) == getattr(before, name), name


@given(contacts, edits)
def test_applying_twice_is_applying_once(contact: Contact, edit: BulkEdit) -> None:
    once = edit.apply(contact)
    if once is not None:
        assert edit.apply(once) is None


@given(contacts, edits)
def test_added_tags_are_there_removed_ones_are_not_others_keep_their_order(contact: Contact, edit: BulkEdit) -> None:
    result = (edit.apply(contact) or contact).tags
    folded = [t.casefold() for t in result]
    removed = {t.casefold() for t in edit.tags_remove}
    assert not removed & set(folded)
    for tag in edit.tags_add:
        assert tag.casefold() in folded or tag.casefold() in removed
    if edit.tags_add or edit.tags_remove:
        kept = [t for t in normalize_tags(contact.tags) if t.casefold() not in removed]
        assert result[: len(kept)] == kept  # the contact's own tags first, in their order
        assert len(folded) == len(set(folded))


@given(contacts)
def test_an_empty_edit_changes_nothing(contact: Contact) -> None:
    assert BulkEdit(today=TODAY).is_empty()
    assert BulkEdit(today=TODAY).apply(contact) is None


@given(contacts, st.dictionaries(st.sampled_from(CONSENT_CHANNELS), st.booleans(), min_size=1))
def test_consents_given_today_keep_an_older_date_and_withdrawn_ones_go(contact: Contact, wanted: dict) -> None:
    result = (BulkEdit(consents=wanted, today=TODAY).apply(contact) or contact).consents
    for channel, give in wanted.items():
        if give:
            assert result[channel] == (contact.consents.get(channel) or TODAY)
        else:
            assert not result.get(channel)


# -- examples --------------------------------------------------------------------------------


def test_tags_add_and_remove_ignore_letter_case_and_keep_the_stored_spelling() -> None:
    contact = make_person(tags=["VIP", "hurt", "przetarg"])
    result = BulkEdit(tags_add=("vip", "export"), tags_remove=("HURT",)).apply(contact)
    assert result is not None and result.tags == ["VIP", "przetarg", "export"]
    assert contact.tags == ["VIP", "hurt", "przetarg"]


def test_basic_fields_are_set_and_an_empty_value_clears() -> None:
    contact = make_org(account_manager="anna", source="targi", supplier=False)
    result = BulkEdit(account_manager=" piotr ", source="", supplier=True).apply(contact)
    assert result is not None
    assert (result.account_manager, result.source, result.supplier) == ("piotr", "", True)
    assert BulkEdit(account_manager="anna", supplier=False).apply(contact) is None  # already so


def test_address_fields_go_to_the_first_address_and_the_others_stay() -> None:
    first, second = Address("Rynek 1", "50-001", "Wrocław", "PL"), Address("Długa 5", "61-001", "Poznań", "PL")
    contact = make_org(addresses=[first, second])
    result = BulkEdit(address=AddressEdit(city="Kraków", postal_code="31000")).apply(contact)
    assert result is not None
    assert result.addresses == [Address("Rynek 1", "31-000", "Kraków", "PL"), second]
    assert contact.addresses[0] == Address("Rynek 1", "50-001", "Wrocław", "PL")


def test_a_contact_without_an_address_gets_one_with_the_touched_fields() -> None:
    result = BulkEdit(address=AddressEdit(city="Berlin", country="de")).apply(make_person(addresses=[]))
    assert result is not None and result.addresses == [Address("", "", "Berlin", "DE")]


def test_bulk_edit_never_empties_an_address() -> None:
    contact = make_person(addresses=[Address("", "", "Łódź", "PL")])
    assert BulkEdit(address=AddressEdit(city="")).apply(contact) is None
    assert BulkEdit(address=AddressEdit(city="", street="")).apply(make_person()) is None


def test_touched_fields_name_only_what_was_touched() -> None:
    edit = BulkEdit(supplier=False, tags_remove=("x",), address=AddressEdit(country="PL"), consents={"sms": True})
    assert edit.touched_fields() == {"supplier", "tags", "addresses", "consents"}


def test_a_tag_both_added_and_removed_is_refused() -> None:
    with pytest.raises(BulkEditError, match="(?i)vip"):
        BulkEdit(tags_add=("VIP",), tags_remove=("vip",)).check()
    BulkEdit(tags_add=("VIP",), tags_remove=("hurt",)).check()


def test_giving_consents_needs_the_date() -> None:
    with pytest.raises(BulkEditError):
        BulkEdit(consents={"email": True}).check()
    BulkEdit(consents={"email": False}).check()
    BulkEdit(consents={"email": True}, today=TODAY).check()
