"""Pick a person (or an organization) by typing part of the name: search as you type.

Up/down move in the hits while the search field keeps the focus; enter takes the highlighted
one. With ``allow_new`` the first entry creates a new person instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact import ContactKind, display_name
from tui_crm.i18n import _, format_number
from tui_crm.store import ContactQuery

#: What the picker dismisses with when "New person…" is chosen.
NEW = "new"
#: At most this many hits are shown; typing more narrows them down.
MAX_HITS = 50


class ContactPickerScreen(ModalScreen[int | str | None]):
    """Dismisses with the contact id, ``NEW``, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", _("Cancel")),
        Binding("down", "move(1)", _("Next"), show=False),
        Binding("up", "move(-1)", _("Previous"), show=False),
    ]

    def __init__(self, title: str, *, kind: ContactKind = ContactKind.PERSON, allow_new: bool = False,
                 only: Iterable[int] | None = None, exclude: Iterable[int] = ()) -> None:
        super().__init__()
        self._title = title
        self._kind = kind
        self._allow_new = allow_new
        self._only = None if only is None else set(only)
        self._exclude = set(exclude)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Static(self._title, markup=False, classes="title")
            yield Input(placeholder=_("Type part of the name…"), id="picker-search", compact=True)
            yield OptionList(id="picker-hits")
            yield Static("", id="picker-count", classes="hint")

    def on_mount(self) -> None:
        self._search("")
        self.query_one("#picker-search", Input).focus()

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, text: str) -> None:
        ids = [
            i for i in self.app.contacts.find(ContactQuery(text=text, kind=self._kind))
            if i not in self._exclude and (self._only is None or i in self._only)
        ]
        options = [Option(Content.styled(_("+ New person…"), "bold"), id=NEW)] if self._allow_new else []
        options += [Option(self._prompt(i), id=str(i)) for i in ids[:MAX_HITS]]
        hits = self.query_one("#picker-hits", OptionList)
        hits.set_options(options)
        if options:
            hits.highlighted = 1 if self._allow_new and ids and text else 0
        if len(ids) > MAX_HITS:
            count = _("{shown} of {total} shown: type more to narrow them down.").format(
                shown=MAX_HITS, total=format_number(len(ids))
            )
        elif ids:
            count = _("enter takes the highlighted one · escape cancels")
        else:
            count = _("Nothing found.")
        self.query_one("#picker-count", Static).update(count)

    def _prompt(self, contact_id: int) -> Content:
        doc = self.app.contacts.doc(contact_id) or {}
        name = Content(display_name(doc))
        if self._kind == ContactKind.PERSON:
            link = self.app.links.of_person(contact_id)
            organization = self.app.contacts.doc(link.organization_id) if link else None
            if organization:
                return Content.assemble(name, ("  — " + display_name(organization), "dim"))
        else:
            addresses = doc.get("addresses", [])
            if addresses and addresses[0].get("city"):
                return Content.assemble(name, ("  · " + addresses[0]["city"], "dim"))
        return name

    def action_move(self, step: int) -> None:
        hits = self.query_one("#picker-hits", OptionList)
        hits.action_cursor_down() if step > 0 else hits.action_cursor_up()

    @on(Input.Submitted, "#picker-search")
    def _submitted(self) -> None:
        option = self.query_one("#picker-hits", OptionList).highlighted_option
        if option is not None:
            self._choose(option.id)

    @on(OptionList.OptionSelected, "#picker-hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == NEW:
            self.dismiss(NEW)
        elif option_id:
            self.dismiss(int(option_id))
