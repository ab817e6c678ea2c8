"""The dialogs of the permission groups settings (see ``PermissionGroupsSection`` in settings.py):
a group's name, and its members chosen from the operators."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui_crm.domain.operators import Operator
from tui_crm.i18n import _
from tui_crm.store import StoreError

from ..widgets.footer import KeyFooter


class GroupNameDialog(ModalScreen[str | None]):
    """Asks for a group's name and hands it to ``accept``, which raises ``ValueError`` (shown under
    the field, the dialog staying open) when it will not do. Dismisses with the name, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("OK"), priority=True),
        Binding("escape", "dismiss(None)", _("Cancel")),
    ]

    def __init__(self, title: str, value: str, accept: Callable[[str], None]) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._accept = accept

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="group-name-dialog"):
            yield Static(self._title, classes="title", markup=False)
            yield Input(self._value, id="group-name", compact=True)
            yield Static("", id="group-name-error", classes="error", markup=False)
            yield Static(_("enter accepts, escape cancels"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#group-name-error", Static).display = False
        self.query_one("#group-name", Input).focus()

    @on(Input.Submitted, "#group-name")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        name = " ".join(self.query_one("#group-name", Input).value.split())
        try:
            self._accept(name)
        except (ValueError, StoreError) as error:
            message = self.query_one("#group-name-error", Static)
            message.update(str(error))
            message.display = True
            return
        self.dismiss(name)


class GroupMembersDialog(ModalScreen[tuple[str, ...] | None]):
    """Tick the operators who belong to a group. Dismisses with their logins, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("OK"), priority=True),
        Binding("escape", "dismiss(None)", _("Cancel")),
    ]

    def __init__(self, title: str, operators: Iterable[Operator], members: Iterable[str]) -> None:
        super().__init__()
        self._title = title
        self._members = tuple(members)
        known = {operator.login for operator in operators}
        # members who are not (or no longer) operators stay listed, so saving keeps them
        self._choices = [*((op.login, op.shown()) for op in operators),
                         *((login, login) for login in self._members if login not in known)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="group-members-dialog"):
            yield Static(self._title, classes="title", markup=False)
            yield SelectionList[str](
                *[Selection(Content(shown), login, login in self._members) for login, shown in self._choices],
                id="group-members")
            if not self._choices:
                yield Static(_("No operators yet: add them in Operators (F7)."), classes="hint")
            yield Static(_("space ticks an operator; ctrl+s accepts, escape cancels"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#group-members", SelectionList).focus()

    def action_save(self) -> None:
        chosen = set(self.query_one("#group-members", SelectionList).selected)
        self.dismiss(tuple(login for login, _shown in self._choices if login in chosen))
