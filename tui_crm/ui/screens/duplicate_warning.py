"""Saving a contact that looks like one already there (seed 001): the likely duplicates, why each
is one, and what to do instead.

* o (or enter) opens the highlighted contact instead; the form then asks before dropping what was
  typed (the form does that, see ``ContactFormScreen``).
* m saves the contact and merges it with the highlighted one at once. That needs the permission
  to merge only (not the one to save duplicates): the duplicate exists only until the merge.
* s saves anyway: only when the operator's permission group allows saving likely duplicates;
  otherwise the refusal names the setting (Settings → Permission groups).
* escape goes back to the form, everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact import ContactKind, display_name
from tui_crm.domain.duplicates import Match, reason_label
from tui_crm.domain.permissions import DUPLICATE, MERGE
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import _, ngettext

from ..permission_check import refused
from ..widgets.footer import KeyFooter

OPEN, MERGE_WITH, SAVE_ANYWAY = "open", "merge", "save"


@dataclass(frozen=True, slots=True)
class DuplicateChoice:
    """What the user chose: ``action`` (OPEN, MERGE_WITH, SAVE_ANYWAY) for ``contact_id`` (the
    highlighted likely duplicate)."""

    action: str
    contact_id: int


def contact_summary(doc: dict[str, Any]) -> str:
    """Name, type, first phone, e-mail and city: enough to tell two contacts apart."""
    kind = _("Org.") if doc.get("kind") == ContactKind.ORGANIZATION else _("Pers.")
    phones, emails, addresses = doc.get("phones") or [], doc.get("emails") or [], doc.get("addresses") or []
    details = [
        format_phone(phones[0].get("number", "")) if phones else "",
        emails[0].get("address", "") if emails else "",
        addresses[0].get("city", "") if addresses else "",
    ]
    return " · ".join([f"{display_name(doc) or '?'} ({kind})", *(d for d in details if d)])


def reasons_text(reasons: tuple[str, ...]) -> str:
    return ", ".join(reason_label(r) for r in reasons)


def match_prompt(doc: dict[str, Any] | None, reasons: tuple[str, ...]) -> Content:
    """Two lines: who the contact is, then why it is a likely duplicate (user text, no markup)."""
    who = contact_summary(doc) if doc else _("(no longer exists)")
    return Content.assemble(Content(who), "\n", ("  " + reasons_text(reasons), "italic"))


class DuplicateWarningScreen(ModalScreen[DuplicateChoice | None]):
    """Dismisses with a ``DuplicateChoice``, or None to go back to the form."""

    BINDINGS = [
        Binding("o", "choose('open')", _("Open instead")),
        Binding("m", "choose('merge')", _("Merge")),
        Binding("s", "choose('save')", _("Save anyway")),
        Binding("escape", "dismiss(None)", _("Back to the form")),
    ]

    def __init__(self, name: str, matches: list[Match]) -> None:
        super().__init__()
        self._name = name
        self._matches = list(matches)

    def compose(self) -> ComposeResult:
        count = len(self._matches)
        with Vertical(classes="dialog", id="duplicate-warning"):
            yield Static(_("Likely duplicate"), classes="title")
            yield Static(ngettext("“{name}” looks like {n} contact that is already there:",
                                  "“{name}” looks like {n} contacts that are already there:", count)
                         .format(name=self._name, n=count), markup=False)
            docs = self.app.contacts.doc
            yield OptionList(*[Option(match_prompt(docs(m.contact_id), m.reasons), id=str(m.contact_id))
                               for m in self._matches], id="duplicate-matches")
            yield Static(_("o opens the highlighted one instead, m saves and merges with it, s saves anyway."),
                         classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        matches = self.query_one("#duplicate-matches", OptionList)
        matches.highlighted = 0
        matches.focus()

    def highlighted_id(self) -> int | None:
        matches = self.query_one("#duplicate-matches", OptionList)
        index = matches.highlighted
        return None if index is None else self._matches[index].contact_id

    @on(OptionList.OptionSelected, "#duplicate-matches")
    def _entered(self) -> None:
        self.action_choose(OPEN)

    def action_choose(self, action: str) -> None:
        contact_id = self.highlighted_id()
        if contact_id is None:
            return
        if action == SAVE_ANYWAY and refused(self, DUPLICATE):
            return
        if action == MERGE_WITH and refused(self, MERGE):
            return
        self.dismiss(DuplicateChoice(action, contact_id))
