"""The operators screen (F7) from the keyboard: adding, refusing a bad login, renaming,
switching active on and off (never for the session's own operator).

What the screen saved is read back with a fresh repository on the file afterwards.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from tui_crm.domain.operators import Operator
from tui_crm.store import Database
from tui_crm.store.operators import OperatorRepository
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.operators import SELF_MARK, OperatorFormScreen, OperatorsScreen

USER = "anna"


def operators_on(path: Path) -> OperatorRepository:
    return OperatorRepository(Database(path))


def table_rows(screen: OperatorsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_operators(pilot) -> OperatorsScreen:
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OperatorsScreen)
    return pilot.app.screen


async def test_lists_operators_and_marks_the_session_operator(ui, db_path, make_app):
    operators_on(db_path).save(Operator("bartek", "Bartosz Zieliński", active=False), author="seed", new=True)
    app = make_app(db_path, user=USER)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_operators(pilot)
        # the session's operator was registered at start and is marked
        assert table_rows(screen) == [[SELF_MARK, "anna", "", "yes"], ["", "bartek", "Bartosz Zieliński", "no"]]
        assert "2 operators" in ui.static_text(screen.query_one("#operators-hint", Static))
        assert "Bartosz Zieliński" in "\n".join(ui.screen_lines(app))
        await pilot.press("escape")
        assert not isinstance(app.screen, OperatorsScreen)


async def test_adding_an_operator_from_the_keyboard_stores_it(ui, db_path, make_app):
    app = make_app(db_path, user=USER)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_operators(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, OperatorFormScreen)
        assert app.screen.query_one("#login", Input).has_focus
        await ui.type_text(pilot, "jan.kowalski")
        await pilot.press("tab")
        await ui.type_text(pilot, "Jan Kowalski")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert ["", "jan.kowalski", "Jan Kowalski", "yes"] in table_rows(screen)
        assert screen.selected_login() == "jan.kowalski"
    assert operators_on(db_path).get("jan.kowalski") == Operator("jan.kowalski", "Jan Kowalski", True)


async def test_a_login_with_a_space_is_refused_under_the_field_and_nothing_is_lost(ui, db_path, make_app):
    app = make_app(db_path, user=USER)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_operators(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await ui.type_text(pilot, "jan kowalski")
        await pilot.press("tab")
        await ui.type_text(pilot, "Jan Kowalski")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, with what was typed
        assert "no spaces" in ui.static_text(form.query_one("#error-login", Static))
        assert form.query_one("#login", Input).value == "jan kowalski"
        assert form.query_one("#login", Input).has_focus
        assert form.query_one("#name", Input).value == "Jan Kowalski"
        assert [o.login for o in operators_on(db_path).all()] == [USER]

        # a taken login is explained the same way; a good one then saves
        await pilot.press("end", "ctrl+u")
        await ui.type_text(pilot, USER)
        await pilot.press("enter")
        await pilot.pause()
        assert "taken" in ui.static_text(form.query_one("#error-login", Static))
        await pilot.press("end", "ctrl+u")
        await ui.type_text(pilot, "jan")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OperatorsScreen)
    assert operators_on(db_path).get("jan") == Operator("jan", "Jan Kowalski")


async def test_escape_with_typing_asks_before_dropping_it(ui, db_path, make_app):
    app = make_app(db_path, user=USER)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_operators(pilot)
        await pilot.press("n")
        await ui.type_text(pilot, "jan")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, OperatorsScreen)
    assert operators_on(db_path).get("jan") is None


async def test_editing_the_display_name_persists(ui, db_path, make_app):
    operators_on(db_path).save(Operator("bartek", "Bartek"), author="seed", new=True)
    app = make_app(db_path, user=USER)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_operators(pilot)
        await pilot.press("down")  # anna, then bartek
        assert screen.selected_login() == "bartek"
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OperatorFormScreen)
        assert not form.query("#login")  # the login cannot change: shown, not editable
        assert ui.static_text(form.query_one("#login-shown", Static)) == "bartek"
        assert form.query_one("#name", Input).has_focus
        await pilot.press("end", "ctrl+u")
        await ui.type_text(pilot, "Bartosz Zieliński")
        await pilot.press("enter")
        await pilot.pause()
        assert ["", "bartek", "Bartosz Zieliński", "yes"] in table_rows(screen)

        # enter on a row opens the same dialog
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OperatorFormScreen)
        assert app.screen.query_one("#name", Input).value == "Bartosz Zieliński"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    assert operators_on(db_path).get("bartek") == Operator("bartek", "Bartosz Zieliński")


async def test_a_toggles_active_but_not_for_the_session_operator(ui, db_path, make_app):
    operators_on(db_path).save(Operator("bartek", "Bartek"), author="seed", new=True)
    app = make_app(db_path, user=USER)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_operators(pilot)
        await pilot.press("a")  # the cursor is on anna: this session
        await pilot.pause()
        assert any("operator of this session" in message for message in ui.notifications(app))
        assert operators_on(db_path).get(USER).active

        await pilot.press("down", "a")
        await pilot.pause()
        assert ["", "bartek", "Bartek", "no"] in table_rows(screen)
        assert operators_on(db_path).get("bartek").active is False
        await pilot.press("a")
        await pilot.pause()
        assert operators_on(db_path).get("bartek").active is True


async def test_d_deletes_an_unused_login_but_not_one_an_activity_names(ui, db_path, make_app):
    from activity_data import USER as TESTER
    from activity_data import seed_activities

    seed_activities(db_path)  # operators: anna (an activity of hers) and the tester
    operators_on(db_path).save(Operator("bratek"), author="seed", new=True)  # a typo nobody uses
    app = make_app(db_path, user=TESTER)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_operators(pilot)
        assert [row[1] for row in table_rows(screen)] == ["anna", "bratek", TESTER]
        await pilot.press("d", "y")  # anna
        await pilot.pause()
        assert any("named by 1 record" in m for m in ui.notifications(app))
        await pilot.press("down", "d")  # bratek
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("d")  # the cursor is on the tester now: this session
        await pilot.pause()
        assert any("cannot be deleted while you work as it" in m for m in ui.notifications(app))
    assert [o.login for o in operators_on(db_path).all()] == ["anna", TESTER]
