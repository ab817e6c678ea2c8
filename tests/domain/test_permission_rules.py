"""Permission groups: operators in no group are in "Everyone"; refusals name the setting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.permissions import (
    DELETE,
    DUPLICATE,
    EVERYONE,
    MERGE,
    PERMISSIONS,
    GroupError,
    PermissionDenied,
    PermissionGroup,
    check,
    default_groups,
    is_allowed,
    with_group,
    without_group,
)


def test_a_new_database_allows_everything_to_everyone() -> None:
    assert all(is_allowed(default_groups(), "anyone", p) for p in PERMISSIONS)


def test_named_groups_replace_everyone_for_their_members() -> None:
    groups = [PermissionGroup(EVERYONE, (), frozenset({DELETE})),
              PermissionGroup("Handlowcy", ("anna",), frozenset({DUPLICATE})),
              PermissionGroup("Biuro", ("anna", "kasia"), frozenset({MERGE}))]
    assert is_allowed(groups, "anna", DUPLICATE) and is_allowed(groups, "anna", MERGE)
    assert not is_allowed(groups, "anna", DELETE)  # not in "everyone" once in a named group
    assert is_allowed(groups, "piotr", DELETE) and not is_allowed(groups, "piotr", MERGE)


def test_a_refusal_names_the_permission_and_the_setting() -> None:
    groups = [PermissionGroup(EVERYONE, (), frozenset())]
    with pytest.raises(PermissionDenied) as denied:
        check(groups, "anna", DUPLICATE)
    assert "Save likely duplicates" in str(denied.value) and "Permission groups" in str(denied.value)


def test_group_edits_keep_names_unique_and_everyone_in_place() -> None:
    groups = with_group(default_groups(), PermissionGroup(" Biuro ", ("anna", "anna", " "), frozenset({MERGE})))
    assert groups[1] == PermissionGroup("Biuro", ("anna",), frozenset({MERGE}))
    with pytest.raises(GroupError):
        with_group(groups, PermissionGroup("biuro"))
    with pytest.raises(GroupError):
        without_group(groups, EVERYONE)
    with pytest.raises(GroupError):
        with_group(groups, PermissionGroup("Wszyscy"), replacing=EVERYONE)
    assert [g.name for g in without_group(groups, "Biuro")] == [EVERYONE]


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.frozensets(st.sampled_from(PERMISSIONS))), max_size=4),
       st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(PERMISSIONS))
def test_allowed_iff_one_of_the_operators_groups_allows(memberships, login, permission) -> None:
    groups = [PermissionGroup(EVERYONE, (), frozenset())]
    groups += [PermissionGroup(f"g{i}", (member,), allowed) for i, (member, allowed) in enumerate(memberships)]
    own = [allowed for member, allowed in memberships if member == login]
    assert is_allowed(groups, login, permission) == any(permission in allowed for allowed in own)


def test_only_a_manager_changes_the_groups_and_never_locks_themselves_out() -> None:
    from tui_crm.domain.permissions import MANAGE_PERMISSIONS, check_change_by

    everyone_all = default_groups()
    office = with_group(everyone_all, PermissionGroup("Biuro", ("kasia",), frozenset({DELETE})))
    check_change_by(everyone_all, office, "anna")  # anna is still in "everyone", which may manage
    with pytest.raises(GroupError):  # kasia would lose the right by joining a group without it
        check_change_by(everyone_all, office, "kasia")
    with pytest.raises(PermissionDenied):  # and once in it, she may not change the groups at all
        check_change_by(office, everyone_all, "kasia")
    keeps = with_group(office, PermissionGroup("Biuro", ("kasia",), frozenset({MANAGE_PERMISSIONS})),
                       replacing="Biuro")
    check_change_by(everyone_all, keeps, "kasia")
