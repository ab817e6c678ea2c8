"""Operators: login names checked by the domain, stored once per login, shared through the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_crm.domain.operators import Operator, OperatorError, clean_login
from tui_crm.store import Database, ReadOnlyError
from tui_crm.store.operators import OperatorRepository


def operators_on(path: Path) -> OperatorRepository:
    """A fresh repository on the file: what another session reads from disk now."""
    return OperatorRepository(Database(path))


# -- domain --------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["anna", "anna.nowak", "a_nowak", "anna-n", "anna@firma.pl", "łukasz", "Jan2"])
def test_clean_login_keeps_a_valid_login(login: str) -> None:
    assert clean_login(login) == login


def test_clean_login_strips_surrounding_blanks() -> None:
    assert clean_login("  anna \t") == "anna"


@pytest.mark.parametrize("login", ["", "   "])
def test_clean_login_refuses_an_empty_login(login: str) -> None:
    with pytest.raises(OperatorError, match="Enter the login name"):
        clean_login(login)


@pytest.mark.parametrize("login", ["anna nowak", "anna/nowak", "anna:1", "a\tb", "anna!"])
def test_clean_login_refuses_spaces_and_other_signs(login: str) -> None:
    with pytest.raises(OperatorError, match="no spaces"):
        clean_login(login)


def test_operator_error_is_a_value_error_for_the_ui() -> None:
    assert issubclass(OperatorError, ValueError)


@pytest.mark.parametrize(
    ("operator", "shown"),
    [
        (Operator("anna", "Anna Nowak"), "Anna Nowak (anna)"),
        (Operator("anna"), "anna"),
        (Operator("anna", "anna"), "anna"),
    ],
)
def test_shown_names_the_login_once(operator: Operator, shown: str) -> None:
    assert operator.shown() == shown


# -- repository ----------------------------------------------------------------------------


def test_a_new_operator_is_stored_for_every_session(db_path: Path) -> None:
    mine = operators_on(db_path)
    saved = mine.save(Operator(" anna ", "  Anna   Nowak "), author="boss", new=True)
    assert saved == Operator("anna", "Anna Nowak", True)
    assert operators_on(db_path).get("anna") == Operator("anna", "Anna Nowak", True)
    doc = next(doc for _i, doc in Database(db_path).table("operators").raw_items())
    assert doc["updated_by"] == "boss" and doc["updated_at"]


def test_a_taken_login_is_refused_and_the_first_one_kept(db_path: Path) -> None:
    repo = operators_on(db_path)
    repo.save(Operator("anna", "Anna Nowak"), author="boss", new=True)
    with pytest.raises(OperatorError, match="taken"):
        repo.save(Operator("anna", "Someone Else"), author="boss", new=True)
    assert operators_on(db_path).get("anna").name == "Anna Nowak"
    assert len(Database(db_path).table("operators")) == 1


def test_an_invalid_login_writes_nothing(db_path: Path) -> None:
    repo = operators_on(db_path)
    with pytest.raises(OperatorError):
        repo.save(Operator("anna nowak"), author="boss", new=True)
    assert operators_on(db_path).all() == []


def test_editing_changes_the_name_and_active_in_place(db_path: Path) -> None:
    repo = operators_on(db_path)
    repo.save(Operator("anna", "Anna Nowak"), author="boss", new=True)
    repo.save(Operator("anna", "Anna Kowalska", active=False), author="anna")
    assert operators_on(db_path).all() == [Operator("anna", "Anna Kowalska", False)]


def test_editing_an_unknown_operator_is_refused(db_path: Path) -> None:
    with pytest.raises(OperatorError, match="no longer exists"):
        operators_on(db_path).save(Operator("ghost", "Ghost"), author="boss")
    assert operators_on(db_path).all() == []


def test_all_sorts_by_login_ignoring_case_and_can_leave_out_inactive(db_path: Path) -> None:
    repo = operators_on(db_path)
    for login, active in [("zenon", True), ("Anna", False), ("bartek", True)]:
        repo.save(Operator(login, active=active), author="boss", new=True)
    assert [o.login for o in repo.all()] == ["Anna", "bartek", "zenon"]
    assert [o.login for o in repo.all(include_inactive=False)] == ["bartek", "zenon"]


def test_get_is_exact_and_shown_falls_back_to_the_login(db_path: Path) -> None:
    repo = operators_on(db_path)
    repo.save(Operator("anna", "Anna Nowak"), author="boss", new=True)
    repo.save(Operator("bartek"), author="boss", new=True)
    assert repo.get("Anna") is None
    assert repo.shown("anna") == "Anna Nowak"
    assert repo.shown("bartek") == "bartek"
    assert repo.shown("nobody") == "nobody"


def test_another_session_sees_a_new_operator_after_polling(db_path: Path) -> None:
    mine, theirs = operators_on(db_path), operators_on(db_path)
    mine.save(Operator("anna", "Anna Nowak"), author="anna", new=True)
    theirs.database.poll()
    assert theirs.get("anna") == Operator("anna", "Anna Nowak")


def test_ensure_registers_the_session_operator_once(db_path: Path) -> None:
    repo = operators_on(db_path)
    repo.ensure("anna")
    repo.save(Operator("anna", "Anna Nowak"), author="anna")
    repo.ensure("anna")  # already known: the name given meanwhile is kept
    assert operators_on(db_path).all() == [Operator("anna", "Anna Nowak")]


def test_ensure_refuses_a_login_that_is_not_valid(db_path: Path) -> None:
    with pytest.raises(OperatorError):
        operators_on(db_path).ensure("anna nowak")


def test_ensure_on_a_read_only_file_is_a_no_op(db_path: Path) -> None:
    operators_on(db_path)  # creates the file
    db_path.chmod(0o444)
    try:
        repo = operators_on(db_path)
        assert repo.database.read_only
        repo.ensure("anna")
        assert repo.all() == []
    finally:
        db_path.chmod(0o644)


def test_ensure_on_a_database_opened_read_only_is_a_no_op(db_path: Path) -> None:
    operators_on(db_path)
    repo = OperatorRepository(Database(db_path, read_only=True))
    repo.ensure("anna")
    assert repo.all() == []
    with pytest.raises(ReadOnlyError):
        repo.save(Operator("anna"), author="anna", new=True)


def test_an_edit_of_a_stale_operator_is_refused_not_lost(db_path: Path) -> None:
    mine, theirs = OperatorRepository(Database(db_path)), OperatorRepository(Database(db_path))
    seen = mine.save(Operator("anna", "Anna"), author="a", new=True)
    theirs.database.poll()
    theirs.save(Operator("anna", "Anna Nowak"), author="b", seen=theirs.get("anna"))
    with pytest.raises(OperatorError):
        mine.save(Operator("anna", "Anna Kowalska"), author="a", seen=seen)
    assert OperatorRepository(Database(db_path)).get("anna").name == "Anna Nowak"


def test_an_operator_nothing_names_can_be_deleted_one_in_use_cannot(db_path: Path) -> None:
    operators = operators_on(db_path)
    operators.save(Operator("anna"), author="seed", new=True)
    operators.save(Operator("ana"), author="seed", new=True)  # mistyped
    named = {"anna": 3}
    operators.count_uses(lambda login: named.get(login, 0))
    with pytest.raises(OperatorError, match="named by 3 records"):
        operators.delete("anna")
    operators.delete("ana")
    assert [o.login for o in operators_on(db_path).all()] == ["anna"]
    with pytest.raises(OperatorError, match="no longer exists"):
        operators.delete("ana")
