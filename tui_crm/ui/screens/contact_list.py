"""The main screen: every contact in a virtual table, searched as you type, filtered and sorted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from tui_crm.domain.contact import ContactKind, display_name
from tui_crm.domain.permissions import DELETE, MERGE
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import _, format_number, ngettext
from tui_crm.store import SORT_COLUMNS, ContactQuery, StoreError

from ..actions import ContactActions
from ..contact_details import SUPPLIER_ICON
from ..permission_check import refused
from ..widgets.footer import KeyFooter
from ..widgets.virtual_table import Column, VirtualTable
from .tag_picker import TagPickerScreen

QUICK_FILTERS = {
    "all": ContactQuery(),
    "persons": ContactQuery(kind=ContactKind.PERSON),
    "organizations": ContactQuery(kind=ContactKind.ORGANIZATION),
    "suppliers": ContactQuery(suppliers_only=True),
}


def contact_columns() -> list[Column]:
    return [
        Column("name", _("Name"), None, min_width=14),
        Column("kind", _("Type"), 5),
        Column("phone", _("Phone"), 12),
        Column("email", _("E-mail"), None, min_width=10),
        Column("city", _("City"), 11),
        Column("tags", _("Tags"), 8),
        Column("manager", _("Manager"), 7),
    ]


def contact_row(doc: dict) -> Sequence[str]:
    name = display_name(doc)
    if doc.get("supplier"):
        name = f"{SUPPLIER_ICON} {name}"
    phones, emails, addresses = doc.get("phones", []), doc.get("emails", []), doc.get("addresses", [])
    return (
        name,
        _("Org.") if doc.get("kind") == ContactKind.ORGANIZATION else _("Pers."),
        format_phone(phones[0]["number"]) if phones else "",
        emails[0]["address"] if emails else "",
        addresses[0]["city"] if addresses else "",
        ", ".join(doc.get("tags", [])),
        doc.get("account_manager", ""),
    )


class ContactListScreen(ContactActions, Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_search", _("Search")),
        Binding("n", "new_contact('person')", _("New person")),
        Binding("o", "new_contact('organization')", _("New org.")),
        Binding("enter", "open_card", _("Open"), show=False),
        Binding("e", "edit", _("Edit"), show=False),  # in the Options menu too: the footer needs room for a
        Binding("c", "copy", _("Copy"), show=False),
        Binding("d,delete", "delete", _("Delete"), show=False),  # also in the Options menu
        Binding("x", "options", _("Options")),
        Binding("ctrl+k", "authorization_check", _("Check authorization"), show=False),
        Binding("1", "quick_filter('all')", _("All contacts"), show=False),
        Binding("2", "quick_filter('persons')", _("Persons only"), show=False),
        Binding("3", "quick_filter('organizations')", _("Organizations only"), show=False),
        Binding("4", "quick_filter('suppliers')", _("Suppliers only"), show=False),
        Binding("t", "tag_filter", _("Filter by tag"), show=False),
        Binding("s", "next_sort", _("Sort"), show=False),
        Binding("S", "reverse_sort", _("Reverse sort"), show=False),
        Binding("T", "trash", _("Trash"), show=False),
        Binding("A", "new_activity", _("New activity"), show=False),
        Binding("a", "actions", _("Actions: basket, import, export")),  # shorter in the footer: FOOTER_LABELS
        Binding("space", "toggle_mark", _("Mark"), show=False),
        Binding("asterisk", "mark_all", _("Mark all shown"), show=False),
        Binding("b", "basket_only", _("Basket only"), show=False),
        Binding("q", "app.quit", _("Quit")),
    ]

    #: Shorter footer labels (KeyFooter) where help and the palette give the whole description.
    FOOTER_LABELS: ClassVar[dict[str, str]] = {"actions": _("Import/exp.")}

    contact_query: reactive[ContactQuery] = reactive(ContactQuery, init=False)
    quick_filter: reactive[str] = reactive("all", init=False)
    #: the list shows only the contacts in the operator's basket (still searched and sorted)
    basket_only: reactive[bool] = reactive(False, init=False)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield Input(placeholder=_("Search: name, e-mail, phone, NIP, #tag…"), id="search")
            yield Static("", id="count")
        yield Static("", id="filters")
        yield VirtualTable(contact_columns(), self._row, id="contacts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.query_one(VirtualTable).focus()
        self._show_marks()
        self._run_query()
        self._indexer = self.set_interval(0.02, self._prepare_search)

    def _prepare_search(self) -> None:
        """Build the search index in small slices after the first paint (and after a big
        change such as an import), keeping keys snappy."""
        if self.app.contacts.prepare_search(limit=3000):
            self._indexer.pause()

    # -- what is shown ---------------------------------------------------------------------

    def _row(self, contact_id: int) -> Sequence[str]:
        doc = self.app.contacts.doc(contact_id)
        return contact_row(doc) if doc else ("?",) * 7

    def watch_contact_query(self) -> None:
        self._run_query()

    def watch_basket_only(self) -> None:
        self._run_query()

    def _basket(self) -> frozenset[int]:
        return self.app.baskets.ids(self.app.user)

    def _show_marks(self) -> None:
        """Rows in the basket show a mark: one set look-up per painted row."""
        table = self.query_one(VirtualTable)
        table.marked = self._basket()
        table.refresh()

    def _run_query(self) -> None:
        table = self.query_one(VirtualTable)
        ids = self.app.contacts.find(self.contact_query)
        basket = self._basket()
        if self.basket_only:
            ids = [i for i in ids if i in basket]
        table.sort_column, table.sort_reverse = self.contact_query.sort, self.contact_query.descending
        table.set_rows(ids)
        if self.basket_only:
            shown = ngettext("{n} contact in the basket", "{n} contacts in the basket", len(ids)).format(
                n=format_number(len(ids)))
            if len(ids) != len(basket):
                shown += " " + _("of {total}").format(total=format_number(len(basket)))
        else:
            total = self.app.contacts.count()
            shown = ngettext("{n} contact", "{n} contacts", len(ids)).format(n=format_number(len(ids)))
            if len(ids) != total:
                shown += " " + _("of {total}").format(total=format_number(total))
            if basket:
                shown += " · " + _("{n} in basket").format(n=format_number(len(basket)))
        self.query_one("#count", Static).update(shown)
        self._show_filters()

    def _show_filters(self) -> None:
        labels = [
            ("1", "all", _("All")),
            ("2", "persons", _("Persons")),
            ("3", "organizations", _("Organizations")),
            ("4", "suppliers", _("Suppliers")),
        ]
        parts: list[Content] = []
        for key, name, label in labels:
            style = "reverse" if self.quick_filter == name and not self.contact_query.tag else ""
            parts.append(Content.styled(f" {key} {label} ", style))
        tag_label = _("t Tag: {tag}").format(tag=self.contact_query.tag) if self.contact_query.tag else _("t Tag…")
        parts.append(Content.styled(f" {tag_label} ", "reverse" if self.contact_query.tag else ""))
        parts.append(Content.styled(" {} ".format(_("b Basket")), "reverse" if self.basket_only else ""))
        self.query_one("#filters", Static).update(Content(" ").join(parts))

    def _data_changed(self) -> None:
        self.query_one(VirtualTable).refresh_rows()
        self._show_marks()
        self._run_query()
        if not self.app.contacts.prepare_search(limit=0):  # a big change left search texts to build
            self._indexer.resume()

    def selected_contact_id(self) -> int | None:
        return self.query_one(VirtualTable).cursor_key

    def show_contact(self, contact_id: int) -> None:
        """After a save: make sure the contact is visible and put the cursor on it."""
        table = self.query_one(VirtualTable)
        if not table.move_cursor_to_key(contact_id):
            self.query_one("#search", Input).value = ""
            self.quick_filter = "all"
            self.contact_query = QUICK_FILTERS["all"]
            self.basket_only = False
            self._run_query()
            table.move_cursor_to_key(contact_id)

    def show_tag(self, tag: str) -> None:
        """Only the contacts with ``tag``, search cleared (the tags screen's enter)."""
        self.query_one("#search", Input).value = ""
        self.quick_filter = "all"
        self.contact_query = replace(self.contact_query, text="", tag=tag, kind=None, suppliers_only=False)
        self.query_one(VirtualTable).focus()

    # -- events and actions ----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.contact_query = self.contact_query.with_text(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(VirtualTable).focus()

    @on(VirtualTable.Selected)
    def _row_selected(self, event: VirtualTable.Selected) -> None:
        self.open_card(event.key)

    @on(VirtualTable.HeaderSelected)
    def _header_selected(self, event: VirtualTable.HeaderSelected) -> None:
        self._sort_by(event.column_key)

    def key_escape(self) -> None:
        """Escape in the search box clears it and gives the keys back to the list at once, so
        that 2, s, … are not typed into the search."""
        search = self.query_one("#search", Input)
        if search.has_focus:
            search.value = ""
        self.query_one(VirtualTable).focus()

    def key_down(self) -> None:
        if self.query_one("#search", Input).has_focus:
            self.query_one(VirtualTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_open_card(self) -> None:
        contact_id = self.selected_contact_id()
        if contact_id is not None:
            self.open_card(contact_id)

    def action_quick_filter(self, name: str) -> None:
        self.quick_filter = name
        base = QUICK_FILTERS[name]
        self.contact_query = replace(self.contact_query, kind=base.kind, suppliers_only=base.suppliers_only, tag=None)

    def action_tag_filter(self) -> None:
        def chosen(tag: str | None) -> None:
            if tag is not None:
                self.quick_filter = "all"
                self.contact_query = replace(self.contact_query, tag=tag or None, kind=None, suppliers_only=False)

        self.app.push_screen(TagPickerScreen(self.app.contacts.tag_counts()), chosen)

    def action_next_sort(self) -> None:
        position = SORT_COLUMNS.index(self.contact_query.sort)
        self._sort_by(SORT_COLUMNS[(position + 1) % len(SORT_COLUMNS)])

    def action_reverse_sort(self) -> None:
        self._sort_by(self.contact_query.sort)

    def _sort_by(self, column: str) -> None:
        descending = not self.contact_query.descending if column == self.contact_query.sort else False
        self.contact_query = replace(self.contact_query, sort=column, descending=descending)

    def action_new_activity(self) -> None:
        """An activity with the highlighted contact: an organization as the counterparty, a
        person as the one taking part (the form fills in their organization)."""
        from ..widgets.activity_panel import push_activity_form

        contact = self._current()
        if contact is None or self._refuse_if_read_only():
            return
        if contact.kind == ContactKind.ORGANIZATION:
            push_activity_form(self.app, None, counterparty_id=contact.id)
        else:
            push_activity_form(self.app, None, person_id=contact.id)

    def action_trash(self) -> None:
        from .trash import TrashScreen

        self.app.push_screen(TrashScreen())

    # -- the basket: marked contacts, kept per operator -------------------------------------

    def action_toggle_mark(self) -> None:
        """Put the highlighted contact in the basket or take it out, then go to the next row."""
        table = self.query_one(VirtualTable)
        contact_id = table.cursor_key
        if contact_id is None or self._refuse_if_read_only():
            return
        try:
            marked = self.app.baskets.toggle(self.app.user, contact_id)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._show_marks()
        if self.basket_only and not marked:
            self._run_query()  # it left the list: the cursor is on the next row already
        else:
            table.action_cursor_down()

    def action_mark_all(self) -> None:
        """Put every contact the list shows (the search and filters) in the basket, in one
        write; when all of them are in it already, take them out."""
        shown = self.query_one(VirtualTable).row_keys
        if not shown or self._refuse_if_read_only():
            return
        basket = self._basket()
        everyone_in = all(i in basket for i in shown)
        try:
            if everyone_in:
                self.app.baskets.remove(self.app.user, shown)
            else:
                self.app.baskets.add(self.app.user, shown)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        count = format_number(len(shown))
        if everyone_in:
            self.notify(ngettext("{n} contact taken out of the basket.", "{n} contacts taken out of the basket.",
                                 len(shown)).format(n=count))
        else:
            self.notify(ngettext("{n} contact shown is in the basket.", "All {n} contacts shown are in the basket.",
                                 len(shown)).format(n=count))
        self._show_marks()
        self._run_query()

    def action_basket_only(self) -> None:
        self.basket_only = not self.basket_only
        self.query_one(VirtualTable).focus()

    def action_actions(self) -> None:
        """What can be done with the basket (the marked contacts), as a menu."""
        from .options_menu import OptionsMenuScreen

        count = len(self._basket())
        entries = [
            ("basket", _("Show all contacts") if self.basket_only else _("Show the basket"), "b"),
            ("mark_all", _("Mark all shown"), "*"),
            ("bulk_edit", _("Bulk edit…"), "e"),
            ("merge", _("Merge…"), "m"),
            ("delete", _("Move to the trash…"), "d"),
            ("clear", _("Clear the basket"), "c"),
            ("export", _("Export…"), "x"),
            ("import", _("Import…"), "i"),
        ]
        title = ngettext("Actions — basket ({n} contact), import, export",
                         "Actions — basket ({n} contacts), import, export", count).format(n=format_number(count))

        def chosen(entry: str | None) -> None:
            if entry is not None:
                getattr(self, f"_basket_{entry}")()

        self.app.push_screen(OptionsMenuScreen(title, entries), chosen)

    def _basket_in_order(self) -> list[int] | None:
        """The basket in the list's sort order; None (and the user told) when it is empty."""
        basket = self._basket()
        if not basket:
            self.notify(_("The basket is empty: mark contacts with space (or * for all shown)."), severity="warning")
            return None
        query = ContactQuery(sort=self.contact_query.sort, descending=self.contact_query.descending)
        return [i for i in self.app.contacts.find(query) if i in basket]

    def _basket_export(self) -> None:
        from .exchange import ExportScreen

        shown = list(self.query_one(VirtualTable).row_keys)
        self.app.push_screen(ExportScreen(shown, basket_shown=self.basket_only))

    def _basket_import(self) -> None:
        from .exchange import ImportScreen

        self.app.push_screen(ImportScreen())

    def _basket_basket(self) -> None:
        self.action_basket_only()

    def _basket_mark_all(self) -> None:
        self.action_mark_all()

    def _basket_bulk_edit(self) -> None:
        from .bulk_edit import BulkEditScreen

        ids = self._basket_in_order()
        if ids is not None and not self._refuse_if_read_only():
            self.app.push_screen(BulkEditScreen(ids))

    def _basket_merge(self) -> None:
        from .merge import MergeScreen

        ids = self._basket_in_order()
        if ids is None or self._refuse_if_read_only() or refused(self, MERGE):
            return
        if len(ids) < 2:
            self.notify(_("Mark at least two contacts to merge them (one is in the basket)."), severity="warning")
            return
        self.app.push_screen(MergeScreen(ids))

    def _basket_delete(self) -> None:
        from .confirm import ConfirmScreen

        ids = self._basket_in_order()
        if ids is None or self._refuse_if_read_only() or refused(self, DELETE):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._trash_basket(ids), group="basket-delete", exclusive=True)

        question = ngettext("Move {n} contact in the basket to the trash?",
                            "Move {n} contacts in the basket to the trash?", len(ids)).format(n=format_number(len(ids)))
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)

    async def _trash_basket(self, ids: list[int]) -> None:
        """Trash the basket's contacts; a primary contact leaving others behind first hands the
        flag to the person the user chooses (escape: nothing is trashed)."""
        from .successor_picker import picker_for

        successors: dict[int, int] = {}
        for leaving, staying in self.app.links.primaries_leaving(ids):
            chosen = await self.app.push_screen_wait(picker_for(self.app, leaving, staying))
            if chosen is None:
                self.notify(_("Nothing was moved to the trash."), markup=False)
                return
            successors[leaving.organization_id] = chosen
        try:
            result = self.app.links.trash(ids, author=self.app.user, successors=successors)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        message = ngettext("{n} contact moved to the trash (shift+t shows the trash).",
                           "{n} contacts moved to the trash (shift+t shows the trash).",
                           len(result.saved)).format(n=format_number(len(result.saved)))
        if result.skipped:
            message += " " + _("Skipped: {names}.").format(
                names="; ".join(f"{s.name}: {s.reason}" for s in result.skipped[:5]))
        self.notify(message, markup=False, severity="warning" if result.skipped else "information")

    def _basket_clear(self) -> None:
        from .confirm import ConfirmScreen

        count = len(self._basket())
        if not count:
            self.notify(_("The basket is empty already."))
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.baskets.clear(self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.basket_only = False
            self._show_marks()
            self._run_query()

        question = ngettext("Take {n} contact out of the basket?", "Take all {n} contacts out of the basket?",
                            count).format(n=format_number(count))
        self.app.push_screen(ConfirmScreen(question, yes=_("Clear")), answered)

    def action_options(self) -> None:
        """What can be done with the contact under the cursor, as a menu."""
        from .contact_card import ContactCardScreen
        from .options_menu import OptionsMenuScreen

        contact = self._current()
        if contact is None:
            return
        link = None if contact.kind == ContactKind.ORGANIZATION else self.app.links.of_person(contact.id)
        if contact.kind == ContactKind.ORGANIZATION:
            entries = [("persons", _("Show contact persons"), "s"), ("add_person", _("Add contact person"), "a")]
        else:
            entries = [("organization", _("Show organization"), "s")] if link else []
            entries.append(("link_organization", _("Link to organization"), "l"))
        entries += [("open", _("Open"), "o"), ("new_activity", _("New activity"), "n"), ("edit", _("Edit"), "e"),
                    ("copy", _("Copy"), "c"), ("delete", _("Delete"), "d")]

        def chosen(entry: str | None) -> None:
            if entry in ("persons", "open"):
                self.app.push_screen(ContactCardScreen(contact.id, tab="related" if entry == "persons" else "details"))
            elif entry in ("add_person", "link_organization"):
                self.app.push_screen(ContactCardScreen(contact.id, tab="related", then=entry))
            elif entry == "organization" and link is not None:
                self.app.push_screen(ContactCardScreen(link.organization_id, tab="related"))
            elif entry in ("edit", "copy", "delete", "new_activity"):
                getattr(self, f"action_{entry}")()

        self.app.push_screen(OptionsMenuScreen(_("Options: {name}").format(name=contact.display_name), entries), chosen)
