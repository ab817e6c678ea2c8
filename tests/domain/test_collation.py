import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.collation import POLISH_ALPHABET, sort_key, sorted_by
from tui_crm.domain.text import fold

POLISH_UPPER = POLISH_ALPHABET.upper()


def pl(names):
    return sorted(names, key=lambda s: sort_key(s, "pl"))


def en(names):
    return sorted(names, key=lambda s: sort_key(s, "en"))


def test_polish_alphabet_is_exactly_35_letters():
    assert POLISH_ALPHABET == "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


@pytest.mark.parametrize("alphabet", [POLISH_ALPHABET, POLISH_UPPER])
def test_sort_key_orders_the_polish_alphabet_exactly(alphabet):
    letters = list(alphabet)
    random.Random(7).shuffle(letters)
    assert "".join(pl(letters)) == alphabet
    keys = [sort_key(c, "pl") for c in alphabet]
    assert all(a < b for a, b in zip(keys, keys[1:]))


def test_polish_examples():
    names = ["Marek", "Żaneta", "Czajka", "Łukasz", "Zenon", "Ćwik", "Lucyna", "Źdźisław", "Cezary"]
    assert pl(names) == [
        "Cezary",
        "Czajka",
        "Ćwik",
        "Lucyna",
        "Łukasz",
        "Marek",
        "Zenon",
        "Źdźisław",
        "Żaneta",
    ]


def test_polish_letter_with_diacritic_is_its_own_letter_not_a_variant():
    # "ą" comes after every "a...", even "az"; "ó" after every "o...".
    assert pl(["Ąb", "Az", "Aa"]) == ["Aa", "Az", "Ąb"]
    assert pl(["Ósemka", "Ozon", "Olek"]) == ["Olek", "Ozon", "Ósemka"]
    assert pl(["Łaba", "Lz"]) == ["Lz", "Łaba"]


def test_english_folds_diacritics():
    assert en(["Lukka", "Łukasz", "Lucyna"]) == ["Lucyna", "Łukasz", "Lukka"]
    assert en(["Czajka", "Ćwik", "Cezary"]) == ["Cezary", "Ćwik", "Czajka"]
    assert en(["Zenon", "Żaneta"]) == ["Żaneta", "Zenon"]
    assert en(["Müller", "Mueller", "Mull"]) == ["Mueller", "Mull", "Müller"]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_case_insensitive(language):
    names = ["bolek", "Adam", "ALA", "Bartek", "anna", "Ania"]
    ordered = sorted(names, key=lambda s: sort_key(s, language))
    assert [n.lower() for n in ordered] == ["adam", "ala", "ania", "anna", "bartek", "bolek"]


@pytest.mark.parametrize("language", ["pl", "en", "de"])
def test_ties_are_broken_deterministically(language):
    names = ["anna", "Anna", "ANNA", "Anna ", "Ánna", "ánna"]
    keys = {sort_key(n, language) for n in names}
    assert len(keys) == len(names)  # no two different texts share a key
    orders = set()
    for seed in range(5):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        orders.add(tuple(sorted(shuffled, key=lambda s: sort_key(s, language))))
    assert len(orders) == 1


def test_language_variants():
    for language in ("pl", "pl_PL", "pl-PL", "PL", "pl_PL.UTF-8"):
        assert sort_key("Łukasz", language) == sort_key("Łukasz", "pl")
    for language in ("en", "en_GB", "de", "", "xx"):
        assert sort_key("Łukasz", language) == sort_key("Łukasz", "en")
    assert sort_key("Łukasz", "pl") != sort_key("Łukasz", "en")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_spaces_and_digits_before_letters_and_other_scripts_after(language):
    names = ["Мария", "Kowalski", "Kowal Jan", "3M", "  Adam", "Ωmega", "Zyta"]
    assert sorted(names, key=lambda s: sort_key(s, language)) == [
        "3M",
        "  Adam",  # leading spaces are ignored
        "Kowal Jan",
        "Kowalski",
        "Zyta",
        "Ωmega",
        "Мария",
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_prefix_sorts_first(language):
    assert sorted(["Kowalska", "Kowal", "Kowalski"], key=lambda s: sort_key(s, language)) == [
        "Kowal",
        "Kowalska",
        "Kowalski",
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_empty_text_has_the_empty_key_and_sorts_first(language):
    assert sort_key("", language) == ""
    assert sort_key(" ", language) != ""
    assert sorted(["b", " ", "", "a"], key=lambda s: sort_key(s, language)) == ["", " ", "a", "b"]


def test_control_characters_do_not_break_the_order():
    assert pl(["b", "a\x00z", "a"]) == ["a", "a\x00z", "b"]


def test_sorted_by():
    people = [{"n": "Żaneta"}, {"n": "Łukasz"}, {"n": "Zenon"}, {"n": "Lucyna"}]
    assert [p["n"] for p in sorted_by(people, lambda p: p["n"], "pl")] == [
        "Lucyna",
        "Łukasz",
        "Zenon",
        "Żaneta",
    ]
    assert [p["n"] for p in sorted_by(people, lambda p: p["n"], "en")] == [
        "Lucyna",
        "Łukasz",
        "Żaneta",
        "Zenon",
    ]


polish_words = st.text(alphabet=POLISH_ALPHABET + POLISH_UPPER, min_size=0, max_size=8)


@given(polish_words, polish_words)
def test_polish_order_is_alphabet_order_of_letters(a, b):
    def ranks(word):
        return [POLISH_ALPHABET.index(c.lower()) for c in word]

    ka, kb = sort_key(a, "pl"), sort_key(b, "pl")
    if ranks(a) != ranks(b):
        assert (ka < kb) == (ranks(a) < ranks(b))
    else:
        assert (ka == kb) == (a == b)


latin_words = st.text(alphabet="abclmnoszABCLMNOSZąćłńóśźżäöüéÅØ", max_size=8)


@given(latin_words, latin_words)
def test_english_order_is_the_order_of_folded_text(a, b):
    ka, kb = sort_key(a, "en"), sort_key(b, "en")
    if fold(a) != fold(b):
        assert (ka < kb) == (fold(a) < fold(b))
    else:
        assert ka.partition("\x00")[0] == kb.partition("\x00")[0]  # same primary part


@given(st.text(max_size=20), st.text(max_size=20), st.sampled_from(["pl", "en"]))
def test_keys_are_unique(a, b, language):
    assert (sort_key(a, language) == sort_key(b, language)) == (a == b)


@given(st.lists(st.text(max_size=10), max_size=20), st.sampled_from(["pl", "en"]))
def test_sorting_is_independent_of_input_order(names, language):
    key = lambda s: sort_key(s, language)  # noqa: E731
    assert sorted(names, key=key) == sorted(reversed(names), key=key)
    assert sorted_by(names, str, language) == sorted(names, key=key)
