import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.contact import Address, Contact, ContactKind, Email, Phone
from tui_crm.domain.text import (
    FIELD_SEPARATOR,
    digits,
    fold,
    matches,
    query_tokens,
    search_haystack,
)


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Łódź", "lodz"),
        ("ŻÓŁĆ", "zolc"),
        ("zażółć gęślą jaźń", "zazolc gesla jazn"),
        ("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "acelnoszz acelnoszz"),
        ("Müller Straße", "muller strasse"),
        ("Dvořák Šťastný Žluťoučký kůň", "dvorak stastny zlutoucky kun"),
        ("Ørsted Åse Æbeltoft", "orsted ase aebeltoft"),
        ("Þór Đorđević", "thor dordevic"),
        ("Ex-Works 12/3", "ex-works 12/3"),
        ("Cafe\u0301", "cafe"),  # decomposed accent
        ("ＡＢＣ", "abc"),  # full-width
        ("Мария", "мария"),  # other scripts: only case folded
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent(text):
    once = fold(text)
    assert fold(once) == once


@given(st.text(), st.text())
def test_fold_works_character_by_character(a, b):
    # Holds whichever internal path (fast charmap or general table) each part takes, so
    # searching folded text for a folded query is sound.
    assert fold(a + b) == fold(a) + fold(b)


@given(st.text())
def test_fold_leaves_no_marks_and_no_upper_case(text):
    folded = fold(text)
    assert not any(unicodedata.combining(c) for c in folded)
    assert folded == folded.casefold()


@given(st.text(alphabet="aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ "))
def test_fold_of_polish_text_is_ascii_and_same_length(text):
    folded = fold(text)
    assert folded.isascii()
    assert len(folded) == len(text)


def test_digits():
    assert digits("+48 601-234-567") == "48601234567"
    assert digits("abc") == ""
    assert digits("١٢٣ 4") == "4"  # only ASCII digits


def doc(**kw):
    return Contact(**kw).to_doc()


PERSON = doc(
    first_name="Łukasz",
    last_name="Żółkiewski",
    position="Dyrektor Handlowy",
    phones=[Phone("+48601234567"), Phone("+4930123456", type="work")],
    emails=[Email("lukasz@Example.pl")],
    tags=["VIP", "Hurt"],
    addresses=[Address("ul. Piotrkowska 12", "90-001", "Łódź")],
    notes=[],
)
ORG = doc(
    kind=ContactKind.ORGANIZATION,
    name="Przedsiębiorstwo Ślęża",
    first_name="Ghost",  # a field of the other kind, not searchable
    nip="1234563218",
    regon="123456785",
)


def test_haystack_contents():
    haystack = search_haystack(PERSON)
    parts = haystack.split(FIELD_SEPARATOR)
    assert parts[0] == "lukasz zolkiewski"
    for expected in [
        "dyrektor handlowy",
        "lukasz@example.pl",
        "48601234567",
        "601234567",
        "4930123456",
        "30123456",
        "vip",
        "#vip",
        "#hurt",
        "ul. piotrkowska 12",
        "lodz",
    ]:
        assert expected in parts, expected
    assert haystack == fold(haystack)


def test_haystack_of_organization():
    parts = search_haystack(ORG).split(FIELD_SEPARATOR)
    assert parts[0] == "przedsiebiorstwo sleza"
    assert "1234563218" in parts and "123456785" in parts
    assert "ghost" not in search_haystack(ORG)


def test_haystack_of_minimal_and_legacy_docs():
    assert search_haystack({}) == ""
    assert search_haystack({"first_name": "Jan", "phones": [{"number": "601 234 567"}]}) == (
        "jan" + FIELD_SEPARATOR + "601234567"
    )


def test_fields_are_not_matched_across_the_separator():
    haystack = search_haystack(doc(first_name="Ab", tags=["cd"]))
    assert matches(haystack, ["ab"]) and matches(haystack, ["cd"])
    assert not matches(haystack, ["abcd"])
    assert not matches(haystack, query_tokens("ab cd#cd"))


@pytest.mark.parametrize(
    "query, tokens",
    [
        ("  Łódź  Piotrkowska ", ["lodz", "piotrkowska"]),
        ("+48 601 234 567", ["48601234567"]),
        ("601-234-567", ["601234567"]),
        ("123-456-32-18", ["1234563218"]),
        ("(22) 123 45 67", ["221234567"]),
        ("Kowalski 601-234", ["kowalski", "601234"]),
        ("#VIP", ["#vip"]),
        ("", []),
        ("   ", []),
    ],
)
def test_query_tokens(query, tokens):
    assert query_tokens(query) == tokens


@pytest.mark.parametrize(
    "query",
    [
        "łukasz",
        "LUKASZ",
        "zolk",
        "ŁUK ŻÓŁ",
        "601 234 567",
        "+48 601 234 567",
        "601234567",
        "48601",
        "30 123456",
        "#vip",
        "hurt",
        "example.pl",
        "lodz",
        "piotrkowska",
        "handlowy",
    ],
)
def test_person_is_found_by(query):
    assert matches(search_haystack(PERSON), query_tokens(query))


@pytest.mark.parametrize("query", ["123-456-32-18", "1234563218", "12345678", "ślęża", "SLEZA"])
def test_organization_is_found_by(query):
    assert matches(search_haystack(ORG), query_tokens(query))


@pytest.mark.parametrize("query", ["marek", "#hurtownia", "602", "lukasz kraków", "vip#"])
def test_person_is_not_found_by(query):
    assert not matches(search_haystack(PERSON), query_tokens(query))


def test_empty_query_matches_everything():
    assert matches("anything", [])
    assert matches("", query_tokens(""))


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=20),
    st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=20),
)
def test_any_name_finds_its_contact(first, last):
    haystack = search_haystack(doc(first_name=first, last_name=last))
    assert matches(haystack, query_tokens(first))
    assert matches(haystack, query_tokens(f"{last} {first}"))
