"""How one contact's tags change when a tag is renamed, merged or deleted (pure rules)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.contact import normalize_tags
from tui_crm.domain.tags import (
    TagError,
    clean_tag_name,
    grouped_counts,
    has_tag,
    merged_tags,
    renamed_tags,
    tag_key,
    without_tag,
)

#: a small alphabet with case pairs and spaces, so equal-but-differently-written tags occur often
names = st.text(alphabet="abAB ł", min_size=1, max_size=4).filter(lambda s: s.strip())
tag_lists = st.lists(names, max_size=6).map(normalize_tags)


def keys(tags: list[str]) -> list[str]:
    return [tag_key(t) for t in tags]


def test_rename_keeps_the_place_and_the_other_tags() -> None:
    assert renamed_tags(["hurt", "VIP", "Łódź"], "vip", "Klient VIP") == ["hurt", "Klient VIP", "Łódź"]


def test_rename_onto_a_tag_the_contact_already_has_leaves_one() -> None:
    assert renamed_tags(["vip", "hurt", "stały"], "stały", "VIP") == ["VIP", "hurt"]


def test_rename_only_changes_case() -> None:
    assert renamed_tags(["vip"], "VIP", "VIP") == ["VIP"]


def test_a_contact_without_the_tag_is_left_alone() -> None:
    assert renamed_tags(["Vip", "hurt"], "detal", "VIP") == ["Vip", "hurt"]


def test_delete_and_has_tag_ignore_case_and_spaces() -> None:
    assert without_tag(["Klient  VIP", "hurt"], " klient vip ") == ["hurt"]
    assert has_tag(["Klient VIP"], "KLIENT   vip") and not has_tag(["Klient VIP"], "Klient")


@pytest.mark.parametrize("bad", ["", "   ", "a,b"])
def test_unusable_names_are_refused(bad: str) -> None:
    with pytest.raises(TagError):
        clean_tag_name(bad)


def test_names_are_trimmed() -> None:
    assert clean_tag_name("  Klient   VIP ") == "Klient VIP"


def test_counts_of_spellings_add_up_under_the_most_used() -> None:
    assert grouped_counts({"VIP": 3, "vip": 1, "hurt": 2}) == {"VIP": 4, "hurt": 2}
    assert grouped_counts({"vip": 2, "VIP": 2}) == {"VIP": 4}  # a tie: the same answer every time


@given(tag_lists, names, names)
def test_rename_never_loses_another_tag_nor_duplicates(tags: list[str], old: str, new: str) -> None:
    new = clean_tag_name(new)
    result = renamed_tags(tags, old, new)
    assert len(set(keys(result))) == len(result)  # no tag twice
    others = [t for t in tags if tag_key(t) not in (tag_key(old), tag_key(new))]
    assert [t for t in result if tag_key(t) not in (tag_key(old), tag_key(new))] == others
    assert not has_tag(result, old) or tag_key(old) == tag_key(new)
    assert has_tag(result, new) == (has_tag(tags, old) or has_tag(tags, new))
    if not has_tag(tags, old):
        assert result == tags


@given(tag_lists, st.lists(names, min_size=1, max_size=3), names)
def test_merge_equals_consecutive_renames(tags: list[str], sources: list[str], into: str) -> None:
    into = clean_tag_name(into)
    renamed = tags
    for source in sources:
        renamed = renamed_tags(renamed, source, into)
    assert merged_tags(tags, sources, into) == renamed


@given(tag_lists, names)
def test_delete_removes_only_that_tag(tags: list[str], tag: str) -> None:
    result = without_tag(tags, tag)
    assert not has_tag(result, tag)
    assert result == [t for t in tags if tag_key(t) != tag_key(tag)]
