"""The duplicates report (f9): the likely duplicate groups across the whole database.

The groups come from ``app.duplicates`` (the store's duplicates index: contacts sharing a phone,
e-mail or NIP, or with very similar names in one city), worked out in a thread so the screen
answers keys meanwhile (about two seconds at 100,000 contacts the first time). enter shows a
group's contacts, m merges the group; in a group, enter opens a card and space marks the
contacts to merge when not all of them should be.

When the data changes the report is worked out again, but only while it is on top: a merge
started from here changes many contacts, and the report follows when the user comes back.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from tui_crm.domain.contact import display_name
from tui_crm.domain.duplicates import DuplicateGroup, reason_label
from tui_crm.domain.permissions import MERGE
from tui_crm.i18n import _, format_number, ngettext

from ..permission_check import refused
from ..widgets.footer import KeyFooter
from ..widgets.virtual_table import Column, VirtualTable
from .contact_list import contact_row


def short_reasons(reasons: Sequence[str]) -> str:
    return ", ".join(reason_label(r, short=True) for r in reasons)


def _merge(screen: Screen, ids: Sequence[int]) -> None:
    """Merge ``ids`` (at least two), if the operator's group allows merging."""
    if len(ids) < 2:
        screen.notify(_("Merging needs at least two contacts."), severity="warning")
        return
    if refused(screen, MERGE):
        return
    from .merge import MergeScreen

    screen.app.push_screen(MergeScreen(list(ids)))


class DuplicatesReportScreen(Screen[None]):
    # enter is the table's ("Open"): it shows the group; the summary line says so
    BINDINGS = [
        Binding("m", "merge", _("Merge group")),
        Binding("escape", "app.pop_screen", _("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._groups: dict[int, DuplicateGroup] = {}  # row key (the group's first id) -> group
        self._stale = True  # the data changed since the groups were worked out

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Looking for likely duplicates…"), id="duplicates-summary")
        yield VirtualTable([
            Column("names", _("Contacts"), None, min_width=20),
            Column("count", _("Count"), 5, align="right"),
            Column("reasons", _("Why"), 20),
        ], self._row, id="duplicate-groups")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Likely duplicates")
        self.query_one(VirtualTable).focus()
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self._find_groups()

    # -- the groups --------------------------------------------------------------------------

    def _data_changed(self) -> None:
        self._stale = True
        if self.is_current:
            self._find_groups()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._find_groups()

    def _find_groups(self) -> None:
        self._stale = False
        self.run_worker(self._show_groups(), group="report", exclusive=True)

    async def _show_groups(self) -> None:
        groups = await self.app.duplicates.report_ready()
        self._groups = {group.ids[0]: group for group in groups}
        table = self.query_one(VirtualTable)
        table.set_rows(self._groups)
        table.refresh_rows()
        self.query_one("#duplicates-summary", Static).update(self._summary(groups))

    def _summary(self, groups: list[DuplicateGroup]) -> str:
        if not groups:
            return _("No likely duplicates: no two contacts share a phone, e-mail or NIP, or have a very similar "
                     "name in the same city.")
        contacts = sum(len(group.ids) for group in groups)
        return ngettext("{n} group of likely duplicates ({contacts} contacts). enter shows a group.",
                        "{n} groups of likely duplicates ({contacts} contacts). enter shows a group.",
                        len(groups)).format(
            n=format_number(len(groups)), contacts=format_number(contacts))

    def _row(self, key: int) -> Sequence[str]:
        group = self._groups.get(key)
        if group is None:
            return ("", "", "")
        docs = self.app.contacts.doc
        names = " / ".join(display_name(doc) for doc in (docs(i) for i in group.ids[:4]) if doc)
        return (names, format_number(len(group.ids)), short_reasons(group.reasons))

    def highlighted_group(self) -> DuplicateGroup | None:
        key = self.query_one(VirtualTable).cursor_key
        return None if key is None else self._groups.get(key)

    # -- actions -----------------------------------------------------------------------------

    @on(VirtualTable.Selected, "#duplicate-groups")
    def _group_selected(self) -> None:
        self.action_open_group()

    def action_open_group(self) -> None:
        group = self.highlighted_group()
        if group is not None:
            self.app.push_screen(DuplicateGroupScreen(group))

    def action_merge(self) -> None:
        group = self.highlighted_group()
        if group is not None:
            _merge(self, group.ids)


class DuplicateGroupScreen(Screen[None]):
    """One group of likely duplicates: its contacts and why each is in it."""

    # enter is the table's ("Open"): it opens the card; the hint line says so
    BINDINGS = [
        Binding("space", "toggle_mark", _("Mark")),
        Binding("m", "merge", _("Merge")),
        Binding("escape", "app.pop_screen", _("Back")),
    ]

    def __init__(self, group: DuplicateGroup) -> None:
        super().__init__()
        self._group = group
        self._reasons = dict(zip(group.ids, group.member_reasons))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("enter opens a card · space marks · m merges the marked ones (or all)"),
                     id="duplicate-group-hint")
        yield VirtualTable([
            Column("name", _("Name"), None, min_width=14, ratio=2),
            Column("kind", _("Type"), 5),
            Column("phone", _("Phone"), 12),
            Column("email", _("E-mail"), None, min_width=10),
            Column("city", _("City"), 10),
            Column("reasons", _("Why"), 14),
        ], self._row, id="duplicate-group")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = ngettext("Likely duplicates: {n} contact", "Likely duplicates: {n} contacts",
                              len(self._group.ids)).format(n=format_number(len(self._group.ids)))
        self.watch(self.app, "data_version", self._show, init=False)
        self._show()
        self.query_one(VirtualTable).focus()

    def _show(self) -> None:
        """The group's contacts still there (merged or trashed ones drop out)."""
        table = self.query_one(VirtualTable)
        live = [i for i in self._group.ids if (doc := self.app.contacts.doc(i)) and not doc.get("deleted_at")]
        table.set_rows(live)
        table.marked = frozenset(table.marked & set(live))
        table.refresh_rows()

    def _row(self, contact_id: int) -> Sequence[str]:
        doc = self.app.contacts.doc(contact_id)
        if doc is None:
            return ("?",) + ("",) * 5
        return (*contact_row(doc)[:5], short_reasons(self._reasons.get(contact_id, ())))

    @on(VirtualTable.Selected, "#duplicate-group")
    def _contact_selected(self) -> None:
        self.action_open_card()

    def action_open_card(self) -> None:
        from .contact_card import ContactCardScreen

        contact_id = self.query_one(VirtualTable).cursor_key
        if contact_id is not None:
            self.app.push_screen(ContactCardScreen(contact_id))

    def action_toggle_mark(self) -> None:
        self.query_one(VirtualTable).action_toggle_mark()

    def action_merge(self) -> None:
        table = self.query_one(VirtualTable)
        marked = [i for i in table.row_keys if i in table.marked]
        _merge(self, marked if marked else list(table.row_keys))
