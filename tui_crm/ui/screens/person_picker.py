"""Pick a person (or an organization) by typing part of the name: search as you type.

Up/down move in the hits while the search field keeps the focus; enter takes the highlighted
one. With ``allow_new`` the first entry creates a new person instead. ``kind=None`` offers
persons and organizations together; ``accept`` narrows the hits further and ``mark`` adds a
dimmed note after a name (the activity form's counterparty: "private client").

Moving is deterministic: the highlight stops at the ends (it never wraps round to "New person…"),
and the hits are brought up to date with the search text before a move or a pick, so keys pressed
right after typing act on the hits of what was typed. The list is only rebuilt when the hits
actually changed; the highlight then stays on the same contact when it is still there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact import ContactKind, display_name
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import _, format_number
from tui_crm.store import ContactQuery

#: What the picker dismisses with when "New person…" is chosen.
NEW = "new"
#: At most this many hits are shown; typing more narrows them down.
MAX_HITS = 50


class ContactPickerScreen(ModalScreen[int | str | None]):
    """Dismisses with the contact id, ``NEW``, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", _("Cancel")),
        Binding("down", "move(1)", _("Next"), show=False),
        Binding("up", "move(-1)", _("Previous"), show=False),
    ]

    def __init__(self, title: str, *, kind: ContactKind | None = ContactKind.PERSON, allow_new: bool = False,
                 only: Iterable[int] | None = None, exclude: Iterable[int] = (),
                 accept: Callable[[int], bool] | None = None, mark: Callable[[int], str] | None = None) -> None:
        super().__init__()
        self._title = title
        self._kind = kind
        self._allow_new = allow_new
        self._only = None if only is None else set(only)
        self._exclude = set(exclude)
        self._accept = accept
        self._mark = mark
        self._verdicts: dict[int, bool] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Static(self._title, markup=False, classes="title")
            yield Input(placeholder=_("Type part of the name…"), id="picker-search", compact=True)
            hits = OptionList(id="picker-hits")
            hits.can_focus = False  # the search field keeps the focus: its keys are the only way in
            yield hits
            yield Static("", id="picker-count", classes="hint")

    def on_mount(self) -> None:
        self._shown_text: str | None = None  # the search text the hits were found for
        self._moved = False  # the user moved the highlight with the arrows
        self._sync()
        self.query_one("#picker-search", Input).focus()

    @on(Input.Changed, "#picker-search")
    def _typed(self) -> None:
        self._sync()  # the field's value now, not the message's: a late message changes nothing

    def _sync(self) -> None:
        """Make the hits those of the text in the search field (nothing to do when they are)."""
        text = self.query_one("#picker-search", Input).value
        if text != self._shown_text:
            self._search(text)

    def _search(self, text: str) -> None:
        new_text = text != self._shown_text
        self._shown_text = text
        found = (
            i for i in self.app.contacts.find(ContactQuery(text=text, kind=self._kind))
            if i not in self._exclude and (self._only is None or i in self._only)
        )
        # ``accept`` reads each contact's data: only as far as the hits shown, never all 100k
        counted = self._accept is None  # every hit is known, so their number too
        ids = list(found) if counted else list(islice(filter(self._accepted, found), MAX_HITS + 1))
        options = [Option(Content.styled(_("+ New person…"), "bold"), id=NEW)] if self._allow_new else []
        options += [Option(self._prompt(i), id=str(i)) for i in ids[:MAX_HITS]]
        hits = self.query_one("#picker-hits", OptionList)
        kept = hits.highlighted_option
        if [(o.id, o.prompt) for o in options] != [(o.id, o.prompt) for o in hits.options]:
            hits.set_options(options)
        # The highlight stays on the same contact (refreshed data, or the user chose it with the
        # arrows and then typed on); otherwise it goes to the first hit of the new text.
        shown = [o.id for o in options]
        if kept is not None and kept.id in shown and (self._moved or not new_text):
            hits.highlighted = shown.index(kept.id)
        elif options:
            hits.highlighted = 1 if self._allow_new and ids and text else 0
            self._moved = False
        if len(ids) > MAX_HITS and not counted:
            count = _("More than {shown} found: type more to narrow them down.").format(shown=MAX_HITS)
        elif len(ids) > MAX_HITS:
            count = _("{shown} of {total} shown: type more to narrow them down.").format(
                shown=MAX_HITS, total=format_number(len(ids))
            )
        elif ids:
            count = _("enter takes the highlighted one · escape cancels")
        else:
            count = _("Nothing found.")
        self.query_one("#picker-count", Static).update(count)

    def _accepted(self, contact_id: int) -> bool:
        """``accept``'s verdict, asked once per contact while the picker is open."""
        verdict = self._verdicts.get(contact_id)
        if verdict is None:
            verdict = self._verdicts[contact_id] = bool(self._accept and self._accept(contact_id))
        return verdict

    def _prompt(self, contact_id: int) -> Content:
        """The name (and the ``mark``), then (dimmed) what tells namesakes apart: for a person
        the organization they are linked to, the city and the first e-mail (or phone); for an
        organization the city.
        """
        doc = self.app.contacts.doc(contact_id) or {}
        name = Content(display_name(doc))
        mark = self._mark(contact_id) if self._mark else ""
        if mark:
            name = Content.assemble(name, (f" ({mark})", "italic"))
        addresses = doc.get("addresses") or [{}]
        city = addresses[0].get("city", "")
        if doc.get("kind", ContactKind.PERSON) == ContactKind.PERSON:
            link = self.app.links.of_person(contact_id)
            organization = self.app.contacts.doc(link.organization_id) if link else None
            emails, phones = doc.get("emails") or [{}], doc.get("phones") or [{}]
            reach = emails[0].get("address") or format_phone(phones[0].get("number", ""))
            details = " · ".join(part for part in (city, reach) if part)
            if organization:
                details = " · ".join(part for part in (display_name(organization), details) if part)
                return Content.assemble(name, ("  — " + details, "dim"))
            if details:
                return Content.assemble(name, ("  · " + details, "dim"))
        elif city:
            return Content.assemble(name, ("  · " + city, "dim"))
        return name

    def action_move(self, step: int) -> None:
        """One hit down or up, stopping at the ends; on the hits of the text as it is now."""
        self._sync()
        hits = self.query_one("#picker-hits", OptionList)
        if not hits.option_count:
            return
        current = hits.highlighted
        hits.highlighted = 0 if current is None else max(0, min(current + step, hits.option_count - 1))
        self._moved = True

    @on(Input.Submitted, "#picker-search")
    def _submitted(self) -> None:
        self._sync()
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
