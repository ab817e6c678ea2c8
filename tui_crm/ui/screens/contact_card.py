"""The contact card: a header and tabs (details, related, activities, history, notes, …).

The Activities tab is the contact's activity list (filters, note edited in place); the History
tab is its timeline (activities, notes and field changes; messages later); the Field changes tab
lists every changed field, newest first, filterable by field. Both are read when shown. "a"
adds an activity for this contact from any tab.

The Related tab lists an organization's contact persons (primary marked ★) or a person's
organization and related persons, each with role and flags; its keys add, edit and remove
links, and enter opens the other contact's card. Every rule (one organization per person,
exactly one primary) is the store's: the card asks the user what the store needs to know
(move? who becomes primary?) and shows its refusals.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from tui_crm.domain.contact import Contact, ContactKind
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.dictionaries import ACQUISITION_SOURCES, PHONE_TYPES
from tui_crm.domain.validation import map_link
from tui_crm.i18n import _, format_number, ngettext
from tui_crm.store import StoreError

from ..actions import ContactActions
from ..contact_details import detail_lines, header_lines, note_lines
from ..widgets.activity_panel import ActivityPanel, push_activity_form
from ..widgets.field_changes import FieldChanges
from ..widgets.files_panel import FilesPanel
from ..widgets.footer import KeyFooter
from ..widgets.timeline import ACTIVITY, CHANGE, FILE, NOTE, Timeline
from .confirm import ConfirmScreen
from .contact_person_form import (
    ContactPersonFormScreen,
    contact_name,
    flag_labels,
    role_label,
)
from .map_link import MapLinkScreen
from .note_editor import NoteEditorScreen
from .person_picker import NEW, ContactPickerScreen
from .successor_picker import successor_picker

#: (tab id, label, what it will hold) — tabs that later issues fill say so plainly.
TABS = [
    ("details", _("Details"), None),
    ("related", _("Related"), None),
    ("activities", _("Activities"), None),
    ("history", _("History"), None),
    ("notes", _("Notes"), None),
    ("changes", _("Field changes"), None),
    ("files", _("Files"), None),
]


#: The Related tab's actions -> the kind of contact each is for (None: both); hidden on other tabs.
RELATED_ACTIONS = {
    "add_person": ContactKind.ORGANIZATION,
    "link_organization": ContactKind.PERSON,
    "edit_link": None,
    "make_primary": None,
    "unlink": None,
    "relate": None,
    "portal_access": None,
    "notification_recipients": ContactKind.ORGANIZATION,
}


#: Card actions hidden on the Related and Activities tabs, so their own keys and f1 fit the
#: footer at 80 columns (and e, d, m… act on links or activities there, not on the card).
CARD_ACTIONS = {"edit", "copy", "delete", "add_note", "map_link", "documents"}

#: Tabs whose own keys replace the card's (CARD_ACTIONS).
LIST_TABS = {"related", "activities", "files"}

#: Tabs read when they are shown rather than on every change: they read the field history,
#: which is loaded from the file on first use.
LAZY_TABS = {"history", "changes"}


class RelatedList(OptionList):
    """The rows of the Related tab; enter opens the other contact's card."""

    BINDINGS = [Binding("enter", "select", _("Open card"), show=False)]  # the tab's first line says so


class ContactCardScreen(ContactActions, Screen[None]):
    BINDINGS = [
        # the Related tab's keys (shown only there), first so they fit in the footer; the
        # hidden ones are named by the tab's first line (80 columns, Polish labels too)
        Binding("l", "add_person", _("Add person")),
        Binding("l", "link_organization", _("Link org.")),
        Binding("f", "edit_link", _("Edit link")),
        Binding("asterisk", "make_primary", _("Primary"), show=False),
        Binding("u", "unlink", _("Remove")),
        Binding("p", "portal_access", _("Portal"), show=False),
        Binding("w", "notification_recipients", _("Recipients")),
        Binding("r", "relate", _("Relate person"), show=False),
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("e", "edit", _("Edit")),
        Binding("c", "copy", _("Copy"), show=False),  # seldom: an organization's footer needs the room
        Binding("d,delete", "delete", _("Delete")),
        Binding("a", "add_activity", _("Add activity")),
        Binding("n", "add_note", _("Add note"), show=False),  # the Notes tab's first line says so
        Binding("m", "map_link", _("Map"), show=False),  # the Details tab says so
        Binding("g", "documents", _("Documents")),
        Binding("s", "send", _("Send")),
        Binding("ctrl+k", "authorization_check", _("Check authorization"), show=False),
        *[Binding(str(n), f"show_tab('{tab}')", label, show=False) for n, (tab, label, _todo) in enumerate(TABS, 1)],
    ]

    def __init__(self, contact_id: int, *, tab: str = "details", then: str | None = None) -> None:
        """``tab``: the tab shown first; ``then``: an action run once the card is shown."""
        super().__init__()
        self.contact_id = contact_id
        self._initial_tab = tab
        self._then = then
        self._gone = False  # the contact was trashed or purged: the card closes when on top
        self._stale_tabs = set(LAZY_TABS)  # to be read again when shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="card-header")
        with TabbedContent(id="card-tabs", initial=self._initial_tab):
            for tab, label, todo in TABS:
                with TabPane(label, id=tab):
                    if tab == "related":
                        yield Static("", id="related-body", markup=False)
                        yield RelatedList(id="related-list", compact=True)
                        continue
                    if tab == "activities":
                        yield self._activity_panel()
                        continue
                    if tab == "history":
                        yield Static("", id="history-hint", markup=False)
                        yield Timeline(self.contact_id, id="history-timeline")
                        continue
                    if tab == "changes":
                        yield FieldChanges(self.contact_id, id="card-changes")
                        continue
                    if tab == "files":
                        yield FilesPanel(self.contact_id, id="card-files")
                        continue
                    with VerticalScroll():
                        yield Static(todo or "", id=f"{tab}-body", markup=False, classes="empty" if todo else "")
        yield KeyFooter()

    def _activity_panel(self) -> ActivityPanel:
        """The organization's own column of counterparties would repeat its name on every row."""
        hide = ("counterparty",) if self.is_organization else ()
        return ActivityPanel(contact_id=self.contact_id, hide=hide, empty_hint=_("a adds one."), id="card-activities")

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._refresh, init=False)
        self._refresh()
        self._focus_tab(self._initial_tab)
        if self._then:
            self.call_after_refresh(self.run_action, self._then)

    @property
    def contact(self) -> Contact | None:
        return self.app.contacts.get(self.contact_id)

    def _refresh(self) -> None:
        contact = self.contact
        if contact is None or contact.deleted_at:
            self._close_gone_contact(contact)
            return
        self.query_one("#card-header", Static).update(Content("\n").join(header_lines(contact)))
        dictionaries = self.app.dictionaries
        details = detail_lines(contact, phone_types=dictionaries.entries(PHONE_TYPES),
                               sources=dictionaries.entries(ACQUISITION_SOURCES))
        self.query_one("#details-body", Static).update(Content("\n").join(details))
        notes = note_lines(contact)
        if contact.notes:
            notes = [Content.styled(_("Press n to add a note."), "dim"), Content(""), *notes]
        self.query_one("#notes-body", Static).update(Content("\n").join(notes))
        self._refresh_related(contact)
        self._stale_tabs |= LAZY_TABS
        self._load_shown_tab()

    def _close_gone_contact(self, contact: Contact | None) -> None:
        """Another session trashed or purged this contact: say so and close the card — but
        not from under a form on top of it, whose typing would be lost (it closes on return)."""
        if self._gone:
            return
        self._gone = True
        if self.deleting_id == self.contact_id:
            pass  # deleted from this card: the delete action says so itself
        elif contact is None:
            self.notify(_("This contact no longer exists."), severity="warning")
        else:
            message = _("“{name}” was moved to the trash by {user}.")
            self.notify(message.format(name=contact.display_name, user=contact.deleted_by or "?"), severity="warning", markup=False)
        if self.app.screen is self:
            self.app.pop_screen()

    def on_screen_resume(self) -> None:
        if self._gone and self.app.screen is self:
            self.app.pop_screen()

    def selected_contact_id(self) -> int | None:
        return self.contact_id

    def after_delete(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        """Tabs with a list give it the keys."""
        if tab == "related":
            self.query_one(RelatedList).focus()
        elif tab == "activities":
            self.query_one(ActivityPanel).table.focus()
        elif tab == "history":
            self.query_one(Timeline).focus()
        elif tab == "changes":
            self.query_one(FieldChanges).table.focus()
        elif tab == "files":
            self.query_one(FilesPanel).table.focus()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self) -> None:
        self.refresh_bindings()  # the Related tab's keys come and go with it
        self._load_shown_tab()

    def _active_tab(self) -> str:
        try:
            return self.query_one(TabbedContent).active
        except NoMatches:
            return ""

    def _on_related_tab(self) -> bool:
        return self._active_tab() == "related"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tab = self._active_tab()
        on_related = tab == "related"
        contact = self.app.contacts.doc(self.contact_id)
        kind = contact.get("kind") if contact else None
        if action in CARD_ACTIONS:  # on the Related and Activities tabs the keys act on their rows
            documents_ok = action != "documents" or kind == ContactKind.ORGANIZATION
            return tab not in LIST_TABS and documents_ok
        if action == "add_activity":  # not on Related: its keys fill the footer; not while a note is typed
            return not on_related and not self._editing_note()
        if action in RELATED_ACTIONS:
            wanted = RELATED_ACTIONS[action]
            return on_related and contact is not None and (wanted is None or kind == wanted)
        return True

    def _editing_note(self) -> bool:
        try:
            return self.query_one(ActivityPanel).editing
        except NoMatches:
            return False

    def has_unsaved_changes(self) -> bool:
        try:
            return self.query_one(ActivityPanel).has_unsaved_changes()
        except NoMatches:
            return False

    # -- activities ------------------------------------------------------------------------

    def action_add_activity(self) -> None:
        """A new activity with this contact filled in: the counterparty, or the person."""
        if self._refuse_if_read_only() or self._gone:
            return
        prefill = {"counterparty_id": self.contact_id} if self.is_organization else {"person_id": self.contact_id}

        def done(saved_id: int | None) -> None:
            if saved_id is not None:
                self.action_show_tab("activities")
                self.query_one(ActivityPanel).show_activity(saved_id)

        push_activity_form(self.app, done, **prefill)

    # -- history and field changes ---------------------------------------------------------

    def _load_shown_tab(self) -> None:
        """Read the History or Field changes tab if it is shown and something changed."""
        tab = self._active_tab() or self._initial_tab
        if tab not in self._stale_tabs:
            return
        self._stale_tabs.discard(tab)
        if tab == "history":
            self._refresh_history()
        else:
            self.query_one(FieldChanges).reload()

    def _refresh_history(self) -> None:
        timeline = self.query_one(Timeline)
        timeline.reload()
        count = len(timeline.entries)
        if count:
            hint = ngettext("{n} entry, oldest first; enter opens it.", "{n} entries, oldest first; enter opens one.",
                            count).format(n=format_number(count))
        else:
            hint = _("Nothing has happened with this contact yet. Press a to add an activity.")
        self.query_one("#history-hint", Static).update(hint)

    @on(Timeline.Opened)
    def _open_history_entry(self, event: Timeline.Opened) -> None:
        """An activity opens in its form; a note and a change are shown on their own tabs."""
        event.stop()
        entry = event.entry
        if entry.source == ACTIVITY and entry.ref is not None:
            push_activity_form(self.app, None, activity_id=entry.ref)
        elif entry.source == NOTE:
            self.action_show_tab("notes")
        elif entry.source == FILE:
            self.action_show_tab("files")
        elif entry.source == CHANGE and entry.ref is not None:
            self.action_show_tab("changes")
            self._load_shown_tab()  # now, not when the tab's message arrives: the cursor goes on the entry
            self.query_one(FieldChanges).show_entry(entry.ref)

    # -- notes -----------------------------------------------------------------------------

    def action_add_note(self) -> None:
        if self._refuse_if_read_only():
            return

        def written(text: str | None) -> None:
            if not text:
                return
            try:
                self.app.contacts.add_note(self.contact_id, text, author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.action_show_tab("notes")

        self.app.push_screen(NoteEditorScreen(), written)

    def action_send(self) -> None:
        """Write an e-mail, SMS, WhatsApp or Viber message (or call) from a small menu."""
        from .compose import open_send_menu

        contact = self.contact
        if contact is not None:
            open_send_menu(self, contact)

    def action_documents(self) -> None:
        from .documents import DocumentsScreen

        self.app.push_screen(DocumentsScreen(self.contact_id))

    def action_map_link(self) -> None:
        contact = self.contact
        if contact is None or not contact.addresses:
            self.notify(_("This contact has no address."), severity="warning")
            return
        self.app.push_screen(MapLinkScreen([(address, map_link(address)) for address in contact.addresses]))

    # -- the Related tab: what it shows ----------------------------------------------------

    @property
    def is_organization(self) -> bool:
        doc = self.app.contacts.doc(self.contact_id)
        return doc is not None and doc.get("kind") == ContactKind.ORGANIZATION

    def _refresh_related(self, contact: Contact) -> None:
        related = self.query_one(RelatedList)
        kept = related.highlighted_option.id if related.highlighted_option else None
        links = self.app.links
        options: list[Option] = []
        if contact.kind == ContactKind.ORGANIZATION:
            persons = links.of_organization(contact.id)
            options = [Option(self._person_row(link), id=f"p:{link.person_id}") for link in persons]
            summary = (
                _("Contact persons (★ primary). enter opens a card; * makes one the primary, "
                  "r relates two of them, p: portal access.")
                if persons
                else _("No contact persons yet. Press l to add one.")
            )
        else:
            own = links.of_person(contact.id)
            if own is not None:
                options.append(Option(self._organization_row(own), id=f"o:{own.organization_id}"))
            for other_id, note in links.related_persons(contact.id):
                options.append(Option(self._relation_row(other_id, note), id=f"r:{other_id}"))
            if own is None:
                summary = _("Not a contact person of any organization. Press l to link this person to one.")
            else:
                summary = _("Organization and related persons. enter opens a card; * makes this person the "
                            "primary contact, r relates a colleague, p: portal access.")
        separated: list[Option | None] = []
        for option in options:
            separated += [option, None]
        related.set_options(separated[:-1])
        if options:
            ids = [option.id for option in options]
            related.highlighted = ids.index(kept) if kept in ids else 0
        self.query_one("#related-body", Static).update(summary)

    def _flags_line(self, link: ContactPersonLink, *extra: str) -> Content:
        flags = [*extra, *flag_labels(link)]
        return Content("  " + (" · ".join(flags) if flags else _("no authorizations")))

    def _person_row(self, link: ContactPersonLink) -> Content:
        lines = [
            Content.assemble(
                ("★ " if link.primary else "  ", "bold"),
                (contact_name(self.app, link.person_id), "bold"),
                f" — {role_label(self.app, link.role)}" if link.role else "",
            ),
            self._flags_line(link),
        ]
        if link.info:
            lines.append(Content.styled("  " + link.info, "italic"))
        related = [contact_name(self.app, other) for other, _note in self.app.links.related_persons(link.person_id)]
        if related:
            lines.append(Content.styled("  " + _("related: {names}").format(names=", ".join(related)), "dim"))
        return Content("\n").join(lines)

    def _organization_row(self, link: ContactPersonLink) -> Content:
        lines = [
            Content.assemble(
                _("Organization:") + " ",
                (contact_name(self.app, link.organization_id), "bold"),
                f" — {role_label(self.app, link.role)}" if link.role else "",
            ),
            self._flags_line(link, *([_("★ primary contact")] if link.primary else [])),
        ]
        if link.info:
            lines.append(Content.styled("  " + link.info, "italic"))
        return Content("\n").join(lines)

    def _relation_row(self, other_id: int, note: str) -> Content:
        return Content.assemble(
            _("Related:") + " ", (contact_name(self.app, other_id), "bold"), f" — {note}" if note else ""
        )

    def _highlight(self, option_id: str) -> None:
        related = self.query_one(RelatedList)
        ids = [option.id for option in related.options]
        if option_id in ids:
            related.highlighted = ids.index(option_id)

    def _selected(self) -> tuple[str, int] | None:
        option = self.query_one(RelatedList).highlighted_option
        if option is None or not option.id:
            return None
        kind, _sep, contact_id = option.id.partition(":")
        return kind, int(contact_id)

    def _link_in_focus(self) -> ContactPersonLink | None:
        """What the keys act on: the highlighted contact person of an organization, or the
        person's own link to their organization."""
        if self.is_organization:
            selected = self._selected()
            link = self.app.links.of_person(selected[1]) if selected and selected[0] == "p" else None
            if link is None:
                self.notify(_("Choose a contact person first (l adds one)."), severity="warning")
        else:
            link = self.app.links.of_person(self.contact_id)
            if link is None:
                self.notify(_("This person is not linked to an organization (l links them to one)."), severity="warning")
        return link

    @on(OptionList.OptionSelected, "#related-list")
    def _open_related(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        selected = self._selected()
        if selected is not None:
            self.app.push_screen(ContactCardScreen(selected[1], tab="related"))

    # -- the Related tab: actions ----------------------------------------------------------

    def _start(self, flow) -> None:
        self.run_worker(flow, group="related", exclusive=True)

    def action_add_person(self) -> None:
        if not self._refuse_if_read_only():
            self._start(self._add_person())

    def action_link_organization(self) -> None:
        if not self._refuse_if_read_only():
            self._start(self._link_organization())

    def action_edit_link(self) -> None:
        link = self._link_in_focus()
        if link is None or self._refuse_if_read_only():
            return

        def saved(result: ContactPersonLink | None) -> None:
            if result is not None:
                self.notify(_("Saved."))

        self.app.push_screen(ContactPersonFormScreen(link), saved)

    def action_make_primary(self) -> None:
        link = self._link_in_focus()
        if link is None or self._refuse_if_read_only():
            return
        names = {"person": contact_name(self.app, link.person_id), "organization": contact_name(self.app, link.organization_id)}
        if link.primary:
            self.notify(_("“{person}” already is the primary contact of “{organization}”.").format(**names), markup=False)
            return
        try:
            self.app.links.set_primary(link.person_id, author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(_("“{person}” is now the primary contact of “{organization}”.").format(**names), markup=False)

    def action_unlink(self) -> None:
        if self._refuse_if_read_only():
            return
        selected = self._selected()
        if not self.is_organization and selected is not None and selected[0] == "r":
            self._start(self._unrelate(selected[1]))
            return
        link = self._link_in_focus()
        if link is not None:
            self._start(self._unlink(link))

    def action_relate(self) -> None:
        link = self._link_in_focus()
        if link is not None and not self._refuse_if_read_only():
            self._start(self._relate(link))

    def action_portal_access(self) -> None:
        link = self._link_in_focus()
        if link is None or self._refuse_if_read_only():
            return
        try:
            from .portal_access import PortalAccessScreen
        except ImportError:
            self.notify(_("Portal access is not available yet."), severity="warning")
            return
        self.app.push_screen(PortalAccessScreen(link))

    def action_notification_recipients(self) -> None:
        from .notification_recipients import NotificationRecipientsScreen

        self.app.push_screen(NotificationRecipientsScreen(self.contact_id))

    # -- the Related tab: flows that ask the user (run as workers) -------------------------

    async def _add_person(self) -> None:
        organization_id = self.contact_id
        here = {link.person_id for link in self.app.links.of_organization(organization_id, include_trashed=True)}
        title = _("Add a contact person to “{organization}”").format(organization=contact_name(self.app, organization_id))
        choice = await self.app.push_screen_wait(ContactPickerScreen(title, allow_new=True, exclude=here))
        if choice is None:
            return
        if choice == NEW:
            from .contact_form import ContactFormScreen

            person = await self.app.push_screen_wait(
                ContactFormScreen(Contact(kind=ContactKind.PERSON, account_manager=self.app.user))
            )
            if person is None or person.id is None:
                return
            choice = person.id
        await self._link(int(choice), organization_id)

    async def _link_organization(self) -> None:
        person_id = self.contact_id
        current = self.app.links.of_person(person_id)
        title = _("Link “{person}” to an organization").format(person=contact_name(self.app, person_id))
        exclude = {current.organization_id} if current else set()
        choice = await self.app.push_screen_wait(ContactPickerScreen(title, kind=ContactKind.ORGANIZATION, exclude=exclude))
        if choice is not None:
            await self._link(person_id, int(choice))

    async def _link(self, person_id: int, organization_id: int) -> None:
        """Link, asking first whether to move a person who belongs to another organization
        (and, if they were its primary contact, who takes over there)."""
        names = {"person": contact_name(self.app, person_id), "organization": contact_name(self.app, organization_id)}
        existing = self.app.links.of_person(person_id)
        move, successor_id = False, None
        if existing is not None and existing.organization_id != organization_id:
            names["old"] = contact_name(self.app, existing.organization_id)
            question = _(
                "“{person}” already belongs to “{old}”, and a person belongs to one organization only. "
                "Move them to “{organization}”?"
            ).format(**names)
            if not await self.app.push_screen_wait(ConfirmScreen(question, yes=_("Move"), no=_("Don't move"))):
                self.notify(_("Not linked: “{person}” stays with “{old}”.").format(**names), severity="warning", markup=False)
                return
            move = True
            picker = successor_picker(self.app, person_id)
            if picker is not None:
                successor_id = await self.app.push_screen_wait(picker)
                if successor_id is None:
                    return
        saved = await self.app.push_screen_wait(
            ContactPersonFormScreen(ContactPersonLink(person_id, organization_id), move=move, successor_id=successor_id)
        )
        if saved is None:
            return
        self.notify(_("“{person}” is now a contact person of “{organization}”.").format(**names), markup=False)
        self.action_show_tab("related")
        self._highlight(f"p:{person_id}" if self.is_organization else f"o:{organization_id}")

    async def _unlink(self, link: ContactPersonLink) -> None:
        names = {"person": contact_name(self.app, link.person_id), "organization": contact_name(self.app, link.organization_id)}
        question = _("Remove “{person}” from the contact persons of “{organization}”? Both contacts stay.").format(**names)
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes=_("Remove"), no=_("Keep"))):
            return
        successor_id = None
        picker = successor_picker(self.app, link.person_id)
        if picker is not None:
            successor_id = await self.app.push_screen_wait(picker)
            if successor_id is None:
                return
        try:
            self.app.links.unlink(link.person_id, author=self.app.user, successor_id=successor_id)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(_("“{person}” is no longer a contact person of “{organization}”.").format(**names), markup=False)

    async def _relate(self, link: ContactPersonLink) -> None:
        person_id = link.person_id
        names = {"person": contact_name(self.app, person_id), "organization": contact_name(self.app, link.organization_id)}
        already = {other for other, _note in self.app.links.related_persons(person_id)}
        colleagues = [
            other.person_id for other in self.app.links.of_organization(link.organization_id)
            if other.person_id != person_id and other.person_id not in already
        ]
        if not colleagues:
            self.notify(_("Nobody else in “{organization}” to relate “{person}” to.").format(**names), severity="warning", markup=False)
            return
        title = _("Relate “{person}” to another person of “{organization}”").format(**names)
        other_id = await self.app.push_screen_wait(ContactPickerScreen(title, only=colleagues))
        if other_id is None:
            return
        try:
            self.app.links.relate(person_id, int(other_id), author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        names["other"] = contact_name(self.app, int(other_id))
        self.notify(_("“{person}” and “{other}” are now related.").format(**names), markup=False)

    async def _unrelate(self, other_id: int) -> None:
        names = {"person": contact_name(self.app, self.contact_id), "other": contact_name(self.app, other_id)}
        question = _("Remove the relation between “{person}” and “{other}”? Both contacts stay.").format(**names)
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes=_("Remove"), no=_("Keep"))):
            return
        try:
            self.app.links.unrelate(self.contact_id, other_id)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
