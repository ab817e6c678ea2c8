"""The operators (employees): login name, display name, active. Shared by every session.

The session's own operator is marked and cannot be switched off here: the session would go on
working as an inactive employee.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from tui_crm.domain.operators import Operator, OperatorError
from tui_crm.i18n import _, format_number, ngettext
from tui_crm.store import StoreError

from ..unsaved import GuardsUnsavedChanges
from ..widgets.footer import KeyFooter

#: Marks the session's own operator in the first column.
SELF_MARK = "▸"


class OperatorsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add", _("Add")),
        Binding("e", "edit", _("Edit name")),
        Binding("a", "toggle_active", _("Active on/off")),
        Binding("d,delete", "delete", _("Delete")),
        Binding("escape", "app.pop_screen", _("Back")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="operators-hint")
        table: DataTable = DataTable(id="operators", cursor_type="row")
        table.add_column("", width=1, key="self")
        table.add_column(_("Login"), width=20, key="login")
        table.add_column(_("Display name"), width=38, key="name")
        table.add_column(_("Active"), width=8, key="active")
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Operators")
        self.watch(self.app, "data_version", self._fill, init=False)
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self, select: str | None = None) -> None:
        table = self.query_one(DataTable)
        select = select or self.selected_login()
        table.clear()
        operators = self.app.operators.all()
        for operator in operators:
            table.add_row(
                SELF_MARK if operator.login == self.app.user else "",
                Text(operator.login),  # user text, never markup
                Text(operator.name),
                _("yes") if operator.active else _("no"),
                key=operator.login,
            )
        logins = [o.login for o in operators]
        if select in logins:
            table.move_cursor(row=logins.index(select))
        count = ngettext("{n} operator.", "{n} operators.", len(operators)).format(n=format_number(len(operators)))
        you = _("{mark} is you: this session works as “{login}”.").format(mark=SELF_MARK, login=self.app.user)
        self.query_one("#operators-hint", Static).update(Content(f"{count} {you}"))

    def selected_login(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _selected(self) -> Operator | None:
        login = self.selected_login()
        return None if login is None else self.app.operators.get(login)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        self.app.push_screen(OperatorFormScreen(None), self._saved)

    def action_edit(self) -> None:
        operator = self._selected()
        if operator is not None:
            self.app.push_screen(OperatorFormScreen(operator), self._saved)

    def _saved(self, operator: Operator | None) -> None:
        if operator is not None:
            self._fill(select=operator.login)

    def action_toggle_active(self) -> None:
        operator = self._selected()
        if operator is None:
            return
        if operator.login == self.app.user and operator.active:
            self.notify(
                _("“{login}” is the operator of this session: it cannot be switched off while you work as it.").format(
                    login=operator.login),
                severity="warning", markup=False,
            )
            return
        try:
            self.app.operators.save(replace(operator, active=not operator.active), author=self.app.user, seen=operator)
        except (OperatorError, StoreError) as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        self._fill(select=operator.login)


    def action_delete(self) -> None:
        """Delete a mistyped or never used login; one that records name is switched off instead."""
        from .confirm import ConfirmScreen

        operator = self._selected()
        if operator is None:
            return
        if operator.login == self.app.user:
            self.notify(_("“{login}” is the operator of this session: it cannot be deleted while you work as it.").format(
                login=operator.login), severity="warning", markup=False)
            return

        logins = [o.login for o in self.app.operators.all()]
        at = logins.index(operator.login)
        neighbour = logins[at + 1] if at + 1 < len(logins) else logins[at - 1] if at else None

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.operators.delete(operator.login)
            except (OperatorError, StoreError) as error:
                self.notify(str(error), severity="warning", title=_("Not deleted"), markup=False)
                return
            self._fill(select=neighbour)  # the cursor stays where it was, on the next one

        question = _("Delete the operator “{login}”?").format(login=operator.login)
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)


class OperatorFormScreen(GuardsUnsavedChanges, ModalScreen[Operator | None]):
    """Add an operator (login and display name) or rename one; saves itself and dismisses with
    the saved operator, or None when cancelled. A refused login is explained under the field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, operator: Operator | None) -> None:
        super().__init__()
        self._operator = operator

    @property
    def is_new(self) -> bool:
        return self._operator is None

    def compose(self) -> ComposeResult:
        operator = self._operator or Operator("")
        with Vertical(classes="dialog", id="operator-dialog"):
            yield Static(_("New operator") if self.is_new else _("Operator"), classes="title")
            with Horizontal(classes="form-line"):
                yield Label(_("Login name"), classes="label")
                if self.is_new:
                    yield Input(id="login", placeholder=_("e.g. anna.nowak"), compact=True)
                else:
                    yield Static(Content(operator.login), id="login-shown")
            yield Static("", id="error-login", classes="error")
            with Horizontal(classes="form-line"):
                yield Label(_("Display name"), classes="label")
                yield Input(operator.name, id="name", placeholder=_("e.g. Anna Nowak"), compact=True)
            if self.is_new:
                yield Static(_("The login name is what the operator logs in with; it cannot change later."),
                             classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(_("Save (ctrl+s)"), variant="primary", id="save")
                yield Button(_("Cancel (esc)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#login" if self.is_new else "#name", Input).focus()

    def _typed_login(self) -> str:
        return self.query_one("#login", Input).value if self.is_new else self._operator.login

    def _typed_name(self) -> str:
        return self.query_one("#name", Input).value

    def has_unsaved_changes(self) -> bool:
        if self.is_new:
            return bool(self._typed_login().strip() or self._typed_name().strip())
        return self._typed_name().strip() != self._operator.name

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        error_line = self.query_one("#error-login", Static)
        error_line.update("")
        current = self._operator or Operator("")
        draft = replace(current, login=self._typed_login(), name=self._typed_name())
        try:
            saved = self.app.operators.save(draft, author=self.app.user, new=self.is_new, seen=self._operator)
        except OperatorError as error:
            error_line.update(Content(str(error)))
            if self.is_new:
                self.query_one("#login", Input).focus()
            return
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        self.dismiss(saved)
