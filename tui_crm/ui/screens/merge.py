"""Merge two or more contacts: pick the winning value of each field, unite lists, move links.

The contacts stand side by side, one row per field whose values differ, the winning value
marked ●. ↑↓ choose the field, ←→ (or the contact's number) whose value wins, s which record
stays (★). Lists are united and only counted here. ctrl+s asks the rule questions the store
raises (which organization stays, who stays primary…), then confirms and merges; the survivor's
card opens.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui_crm.domain.contact import Contact
from tui_crm.domain.dictionaries import ACQUISITION_SOURCES, label_of
from tui_crm.domain.merge import (
    ORGANIZATION,
    SUCCESSOR,
    MergeConflict,
    MergeError,
    MergePlan,
    unresolved,
)
from tui_crm.domain.permissions import MERGE
from tui_crm.i18n import _, format_datetime, format_number, format_percent, ngettext
from tui_crm.store import ConflictError, StoreError
from tui_crm.store.activities import ActivityQuery
from tui_crm.store.merge import MergeService

from ..contact_details import field_label
from ..permission_check import refused
from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen
from .options_menu import OptionsMenuScreen

FIELD_WIDTH = 16
MAX_NUMBERED = 9  # contacts chosen with the keys 1–9


class MergeTable(DataTable):
    """Rows are fields; ←→ change whose value wins instead of moving a cell cursor."""

    BINDINGS = [
        Binding("right", "screen.choose_step(1)", _("Whose value"), key_display="←→"),
        Binding("left", "screen.choose_step(-1)", _("Previous contact's value"), show=False),
    ]


class MergeScreen(Screen[int | None]):
    """Dismisses with the survivor's id after a merge, None when left without merging."""

    BINDINGS = [
        Binding("s", "choose_survivor", _("Survivor")),
        Binding("ctrl+s", "merge", _("Merge")),
        Binding("escape", "dismiss(None)", _("Back")),
        Binding("1", "choose_contact(1)", _("Value of contact 1–9"), key_display="1–9", show=False),
        *[Binding(str(n), f"choose_contact({n})", "", show=False) for n in range(2, MAX_NUMBERED + 1)],
    ]

    def __init__(self, contact_ids: list[int]) -> None:
        super().__init__()
        self.contact_ids = list(contact_ids)
        self.plan: MergePlan | None = None
        self._done = False  # merged (or the contacts went away): no more refreshing

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="merge-intro", markup=False)
        yield MergeTable(id="merge-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="merge-current", markup=False)
        yield Static("", id="merge-lists", markup=False)
        yield Static("", id="merge-moves", markup=False)
        yield Static(_("↑↓ field · ←→ or 1–9 whose value wins · s which record stays · ctrl+s merges"),
                     id="merge-hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Merge contacts")
        contacts = [self.app.contacts.get(i) for i in dict.fromkeys(self.contact_ids)]
        gone = next((c for c in contacts if c is not None and c.deleted_at), None)
        try:
            if None in contacts:
                raise MergeError(_("One of the contacts no longer exists."))
            if gone is not None:
                raise MergeError(_("“{name}” is in the trash; restore it first.").format(name=gone.display_name))
            self.plan = MergePlan.start(contacts)
        except MergeError as error:
            self._done = True
            self.notify(str(error), severity="error", title=_("Cannot merge"), markup=False, timeout=10)
            self.dismiss(None)
            return
        self.watch(self.app, "data_version", self._on_data_change, init=False)
        self._show()
        self.query_one(MergeTable).focus()

    # -- showing the plan --------------------------------------------------------------------

    def _show(self) -> None:
        plan = self.plan
        assert plan is not None
        table = self.query_one(MergeTable)
        row = table.cursor_row
        table.clear(columns=True)
        count = len(plan.contacts)
        width = max(12, (self.app.size.width - FIELD_WIDTH - 4 - 2 * (count + 1)) // count)
        table.add_column(_("Field"), width=FIELD_WIDTH, key="field")
        for number, contact in enumerate(plan.contacts, 1):
            star = "★ " if contact.id == plan.survivor_id else ""
            table.add_column(Text(_clip(f"{number} {star}{contact.display_name}", width)), width=width, key=str(contact.id))
        for name in plan.fields:
            cells = [Text(_clip(self._label(name), FIELD_WIDTH), style="bold")]
            for contact in plan.contacts:
                value = _clip(self._value(name, getattr(contact, name)), width - 2)
                chosen = plan.choices.get(name) == contact.id
                cells.append(Text.assemble(("● ", "bold"), (value, "bold")) if chosen else Text(f"  {value}"))
            table.add_row(*cells, key=name)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._show_current()
        self._show_texts(plan)

    def _show_current(self) -> None:
        """The highlighted field's winning value in full (the table cuts long ones)."""
        name = self._current_field()
        text = ""
        if name is not None and self.plan is not None:
            winner = next(c for c in self.plan.contacts if c.id == self.plan.choices[name])
            text = f"{self._label(name)}: {self._value(name, getattr(winner, name))}"
        self.query_one("#merge-current", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_current()

    def on_resize(self) -> None:
        if self.plan is not None:
            self._show()  # the value columns share the width

    @staticmethod
    def _label(name: str) -> str:
        return _("Name") if name == "name" else field_label(name)

    def _show_texts(self, plan: MergePlan) -> None:
        others = len(plan.others)
        intro = ngettext(
            "{total} contacts become one. ★ “{name}” stays; the other goes to the trash with a pointer to it.",
            "{total} contacts become one. ★ “{name}” stays; the others go to the trash with a pointer to it.",
            others,
        ).format(total=format_number(len(plan.contacts)), name=plan.survivor.display_name)
        if not plan.fields:
            intro += " " + _("All their fields are the same.")
        self.query_one("#merge-intro", Static).update(intro)
        result = plan.result()
        counted = [
            (ngettext("{n} phone", "{n} phones", len(result.phones)), len(result.phones)),
            (ngettext("{n} e-mail", "{n} e-mails", len(result.emails)), len(result.emails)),
            (ngettext("{n} address", "{n} addresses", len(result.addresses)), len(result.addresses)),
            (ngettext("{n} tag", "{n} tags", len(result.tags)), len(result.tags)),
            (ngettext("{n} note", "{n} notes", len(result.notes)), len(result.notes)),
        ]
        lists = [text.format(n=format_number(n)) for text, n in counted if n]
        united = _("United: {lists}").format(lists=" · ".join(lists)) if lists else _("No lists to unite.")
        self.query_one("#merge-lists", Static).update(united)
        self.query_one("#merge-moves", Static).update(self._moves_text(plan))

    def _moves_text(self, plan: MergePlan) -> str:
        """What the others have that moves to the survivor (links, relations, activities)."""
        activities = set()
        links = relations = 0
        for other in plan.others:
            activities.update(self.app.activities.find(ActivityQuery(contact_id=other.id)))
            if other.is_person:
                links += self.app.links.of_person(other.id) is not None
                relations += len(self.app.links.related_persons(other.id))
            else:
                links += len(self.app.links.of_organization(other.id))
        parts = []
        if links:
            text = ngettext("{n} organization link", "{n} organization links", links) if plan.survivor.is_person \
                else ngettext("{n} contact person", "{n} contact persons", links)
            parts.append(text.format(n=format_number(links)))
        if relations:
            parts.append(ngettext("{n} related person", "{n} related persons", relations).format(n=format_number(relations)))
        if activities:
            count = len(activities)
            parts.append(ngettext("{n} activity", "{n} activities", count).format(n=format_number(count)))
        if not parts:
            return _("Nothing else is linked to the others.")
        return _("Moves to the survivor: {what}").format(what=" · ".join(parts))

    def _value(self, name: str, value: Any) -> str:
        if name == "supplier":
            return _("yes") if value else _("no")
        if name == "discount":
            return format_percent(value)
        if not value:
            return "—"
        if name == "source":
            return label_of(self.app.dictionaries.entries(ACQUISITION_SOURCES), value)
        if name == "account_manager":
            return self.app.operators.shown(value)
        return str(value)

    # -- choosing ----------------------------------------------------------------------------

    def _current_field(self) -> str | None:
        table = self.query_one(MergeTable)
        if self.plan is None or not table.row_count:
            return None
        return self.plan.fields[table.cursor_row]

    def action_choose_step(self, step: int) -> None:
        name = self._current_field()
        if name is None or self.plan is None:
            return
        ids = [c.id for c in self.plan.contacts]
        position = ids.index(self.plan.choices[name])
        self.plan.choose(name, ids[(position + step) % len(ids)])
        self._show()

    def action_choose_contact(self, number: int) -> None:
        name = self._current_field()
        if name is None or self.plan is None or number > len(self.plan.contacts):
            return
        self.plan.choose(name, self.plan.contacts[number - 1].id)
        self._show()

    def action_choose_survivor(self) -> None:
        if self.plan is None:
            return
        entries = [
            (str(c.id), f"{c.display_name} · {_('created {date}').format(date=format_datetime(c.created_at))}", str(n))
            for n, c in enumerate(self.plan.contacts, 1)
        ]

        def chosen(contact_id: str | None) -> None:
            if contact_id is not None and self.plan is not None:
                self.plan.choose_survivor(int(contact_id))
                self._show()

        title = _("Which record stays? The others go to the trash with a pointer to it.")
        self.app.push_screen(OptionsMenuScreen(title, entries), chosen)

    # -- another session's changes -----------------------------------------------------------

    def _on_data_change(self) -> None:
        if self._done or self.plan is None:
            return
        fresh = [self.app.contacts.get(c.id) for c in self.plan.contacts]
        gone = next((old for old, new in zip(self.plan.contacts, fresh) if new is None or new.deleted_at), None)
        if gone is not None:
            self._done = True
            self.notify(_("“{name}” was moved to the trash meanwhile; nothing was merged.").format(name=gone.display_name),
                        severity="warning", markup=False, timeout=10)
            if self.app.screen is self:
                self.dismiss(None)
            return
        changed = [new for old, new in zip(self.plan.contacts, fresh) if new.version != old.version]
        if changed:
            self.plan = self.plan.refreshed(fresh)
            self._show()
            self.notify(_("“{name}” was changed by {user} meanwhile; the values shown are current.").format(
                name=changed[0].display_name, user=changed[0].updated_by or "?"), severity="warning", markup=False)

    def on_screen_resume(self) -> None:
        if self._done and self.app.screen is self:
            self.dismiss(None)

    # -- merging -----------------------------------------------------------------------------

    def action_merge(self) -> None:
        if self.plan is None or self._done:
            return
        if self.app.database.read_only:
            self.notify(_("This database is read-only: nothing can be changed."), severity="warning")
            return
        if refused(self, MERGE):
            return
        self._merge_flow()

    @work(exclusive=True, group="merge")
    async def _merge_flow(self) -> None:
        """Ask the rule questions, confirm, merge. What is merged is the plan the user saw
        when pressing ctrl+s: a change by another session meanwhile makes the store refuse."""
        plan = self.plan
        assert plan is not None
        service = MergeService(self.app.contacts, self.app.links, self.app.activities)
        order = [plan.survivor_id, *(c.id for c in plan.others)]
        answers: dict[str, Any] = {"organization_choice": None, "primary_choice": None, "successors": {}}
        while (conflict := unresolved(service.conflicts(order, organization_choice=answers["organization_choice"]),
                                      **answers)) is not None:
            answer = await self.app.push_screen_wait(self._question(conflict))
            if answer is None:
                self.notify(_("Nothing was merged."), severity="warning")
                return
            if conflict.kind == ORGANIZATION:
                answers["organization_choice"] = int(answer)
            elif conflict.kind == SUCCESSOR:
                answers["successors"][conflict.organization_id] = int(answer)
            else:
                answers["primary_choice"] = int(answer)
        question = ngettext(
            "{total} contacts become one, “{name}”. {n} goes to the trash with a pointer to it; "
            "its links and activities move to it.",
            "{total} contacts become one, “{name}”. {n} go to the trash with a pointer to it; "
            "their links and activities move to it.",
            len(plan.others),
        ).format(total=format_number(len(plan.contacts)), name=plan.result().display_name, n=format_number(len(plan.others)))
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes=_("Merge"), no=_("Cancel"))) or self._done:
            return
        self._done = True  # our own write: no "changed meanwhile" while it lands
        try:
            survivor = service.merge(plan.survivor_id, [c.id for c in plan.others], plan.choices, author=self.app.user,
                                     expected_versions={c.id: c.version for c in plan.contacts}, **answers)
        except ConflictError as error:
            self._done = False
            self.notify(str(error) + " " + _("Nothing was merged; check the values shown now and merge again."),
                        severity="error", title=_("Not merged"), markup=False, timeout=10)
            self._on_data_change()
            return
        except StoreError as error:
            self._done = False
            self.notify(str(error), severity="error", title=_("Not merged"), markup=False, timeout=10)
            return
        self.notify(_("Merged into “{name}”; the others are in the trash with a pointer to it.").format(
            name=survivor.display_name), markup=False)
        self._open_survivor(survivor)

    def _open_survivor(self, survivor: Contact) -> None:
        from .contact_card import ContactCardScreen

        self.dismiss(survivor.id)
        self.app.push_screen(ContactCardScreen(survivor.id))

    def _question(self, conflict: MergeConflict) -> OptionsMenuScreen:
        def name(contact_id: int) -> str:
            contact = self.app.contacts.get(contact_id)
            return contact.display_name if contact else "?"

        title = conflict.message
        if conflict.kind == SUCCESSOR and conflict.organization_id is not None:
            title += f"\n{name(conflict.organization_id)}"
        entries = [(str(option), name(option), str(n) if n <= MAX_NUMBERED else "")
                   for n, option in enumerate(conflict.options, 1)]
        return OptionsMenuScreen(title, entries)


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` cells, cut with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
