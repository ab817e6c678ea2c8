"""Carrying a user's edit over a version someone else saved meanwhile."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_crm.domain.changes import BOOKKEEPING_FIELDS, changed_fields, reapply_edit

FIELDS = ["first_name", "last_name", "position", "phones", "tags", "source"]
values = st.one_of(st.none(), st.text(max_size=3), st.lists(st.text(max_size=2), max_size=2))
docs = st.fixed_dictionaries({}, optional={name: values for name in FIELDS})


def test_changed_fields_ignores_bookkeeping_and_reports_old_and_new() -> None:
    old = {"first_name": "Jan", "version": 1, "updated_by": "anna"}
    new = {"first_name": "Janusz", "position": "Prezes", "version": 2, "updated_by": "piotr"}
    changes = {(c.field, c.old, c.new) for c in changed_fields(old, new)}
    assert changes == {("first_name", "Jan", "Janusz"), ("position", None, "Prezes")}


def test_both_edits_survive_when_they_touch_different_fields() -> None:
    base = {"first_name": "Jan", "position": "", "version": 3}
    mine = {**base, "position": "Prezes"}
    theirs = {**base, "first_name": "Janusz", "version": 4}
    result = reapply_edit(base, mine, theirs)
    assert result.doc == {"first_name": "Janusz", "position": "Prezes", "version": 4}
    assert result.conflicts == []
    assert [c.field for c in result.theirs] == ["first_name"]


def test_a_field_both_changed_keeps_mine_and_is_reported() -> None:
    base = {"source": "targi"}
    result = reapply_edit(base, {"source": "polecenie"}, {"source": "Google Ads"})
    assert result.doc["source"] == "polecenie"
    [conflict] = result.conflicts
    assert (conflict.field, conflict.old, conflict.new) == ("source", "Google Ads", "polecenie")


@given(docs, docs, docs)
def test_nothing_of_either_edit_is_lost(base, mine, theirs) -> None:
    result = reapply_edit(base, mine, theirs)
    mine_changed = {c.field for c in changed_fields(base, mine)}
    for name in FIELDS:
        if name in mine_changed:
            assert result.doc.get(name) == mine.get(name)
        else:
            assert result.doc.get(name) == theirs.get(name)
    expected_conflicts = {
        name for name in mine_changed if base.get(name) != theirs.get(name) and theirs.get(name) != mine.get(name)
    }
    assert {c.field for c in result.conflicts} == expected_conflicts
    assert not {c.field for c in result.theirs} & BOOKKEEPING_FIELDS


def test_a_field_the_user_emptied_is_left_out_not_set_to_none() -> None:
    result = reapply_edit({"tags": ["VIP"], "source": "x"}, {"source": "x"}, {"tags": ["VIP"], "source": "y"})
    assert "tags" not in result.doc and result.doc["source"] == "y"
