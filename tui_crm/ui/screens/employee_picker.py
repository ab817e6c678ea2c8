"""Choose an employee (an operator): for the calendar, or as the activity list's filter."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.operators import Operator
from tui_crm.i18n import _

#: What the picker dismisses with for "every employee" (when it offers that).
EVERYONE = ""


class EmployeePickerScreen(ModalScreen[str | None]):
    """Dismisses with an operator's login, ``EVERYONE``, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, operators: list[Operator], current: str | None, me: str, *, title: str, hint: str,
                 everyone: bool = False) -> None:
        super().__init__()
        self._operators = operators
        self._current = current
        self._me = me
        self._title, self._hint = title, hint
        self._everyone = everyone

    def compose(self) -> ComposeResult:
        options = [Option(Content(_("(every employee)")), id="=")] if self._everyone else []
        logins = [operator.login for operator in self._operators]
        if self._current and self._current not in logins:  # a session's odd login that could not be registered
            options.append(Option(Content(self._current), id=f"={self._current}"))
        for operator in self._operators:
            label = operator.shown()
            if operator.login == self._me:
                label = _("{operator} — me").format(operator=label)
            if not operator.active:
                label = _("{operator} (inactive)").format(operator=label)
            options.append(Option(Content(label), id=f"={operator.login}"))  # "=" keeps odd logins valid ids
        with Vertical(classes="dialog", id="employee-picker"):
            yield Static(self._title, classes="title")
            yield OptionList(*options, id="employees")
            yield Static(self._hint, classes="hint")

    def on_mount(self) -> None:
        employees = self.query_one(OptionList)
        ids = [option.id for option in employees.options]
        wanted = f"={self._current or ''}"
        employees.highlighted = ids.index(wanted) if wanted in ids else 0
        employees.focus()

    @property
    def highlighted_login(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return None if option is None else (option.id or "=")[1:]

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((event.option.id or "=")[1:] or EVERYONE)
