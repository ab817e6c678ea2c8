"""Bulk edit: one form for many contacts; only the fields the user touched change.

A text field changes only when its box is ticked (typing in it ticks it; a ticked empty field
clears the value); a choice changes only when something other than "no change" is chosen; tags
are added and removed as typed. The preview counts the contacts that will change; ctrl+s saves
them in one write and lists the ones skipped (changed meanwhile by someone else, in the trash,
or not valid after the change) with the reason. The rules live in ``domain/bulk_edit.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Checkbox, Header, Input, Label, Select, Static
from textual.worker import get_current_worker

from tui_crm.domain.bulk_edit import AddressEdit, BulkEdit, BulkEditError, BulkResult
from tui_crm.domain.contact import CONSENT_CHANNELS, Contact, normalize_tags
from tui_crm.domain.dictionaries import (
    ACQUISITION_SOURCES,
    DictionaryError,
    choices,
    key_for,
)
from tui_crm.i18n import _, format_number, ngettext
from tui_crm.store import ContactRepository, StoreError

from ..contact_details import consent_label
from ..unsaved import GuardsUnsavedChanges
from ..widgets.footer import KeyFooter

#: Text fields changed only when ticked: (id, label).
BASIC_TEXT_FIELDS = [("account_manager", _("Account manager")), ("source", _("Source"))]
ADDRESS_TEXT_FIELDS = [("street", _("Street")), ("postal_code", _("Postal code")), ("city", _("City")),
                       ("country", _("Country"))]
PREVIEW_DELAY = 0.2  # seconds of quiet after a keystroke before the preview is counted again


@dataclass(frozen=True, slots=True)
class Preview:
    """The edit applied to the contacts as they were stored when it was counted."""

    edit: BulkEdit
    #: (changed contact, the version it was based on), for ``ContactRepository.save_many``
    edits: list[tuple[Contact, int]]
    live: int  # contacts of the selection not in the trash
    gone: int  # contacts of the selection in the trash or removed since they were marked


def preview(contacts: ContactRepository, contact_ids: list[int], edit: BulkEdit,
            cancelled: Callable[[], bool] = lambda: False) -> Preview | None:
    """Apply ``edit`` to the stored contacts; None if ``cancelled()`` turned true meanwhile."""
    edits: list[tuple[Contact, int]] = []
    live = 0
    for index, contact_id in enumerate(contact_ids):
        if index % 1000 == 999 and cancelled():
            return None
        doc = contacts.doc(contact_id)
        if doc is None or doc.get("deleted_at"):
            continue
        live += 1
        contact = Contact.from_doc(doc, contact_id)
        changed = edit.apply(contact)
        if changed is not None:
            edits.append((changed, contact.version))
    return Preview(edit, edits, live, len(contact_ids) - live)


class BulkEditScreen(GuardsUnsavedChanges, Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "apply", _("Apply"), priority=True),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, contact_ids: list[int]) -> None:
        super().__init__()
        self.contact_ids = list(contact_ids)
        self.preview: Preview | None = None
        self._applied: BulkEdit | None = None  # the edit last saved: nothing unsaved while unchanged
        self._timer: Timer | None = None
        self._sources = []

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._sources = self.app.dictionaries.entries(ACQUISITION_SOURCES)
        managers = sorted({self.app.user, *(operator.login for operator in self.app.operators.all())})
        suggestions = {"account_manager": managers, "source": [entry.shown() for entry in choices(self._sources)]}
        yield Header()
        with VerticalScroll(id="bulk-form"):
            count = format_number(len(self.contact_ids))
            yield Static(ngettext(
                "{n} contact. Tick a field to change it (typing ticks it; ticked and empty clears it).",
                "{n} contacts. Tick a field to change it (typing ticks it; ticked and empty clears it).",
                len(self.contact_ids)).format(n=count), id="bulk-summary")
            yield Static(_("Basic information"), classes="section")
            for field, label in BASIC_TEXT_FIELDS:
                yield from self._ticked_field(field, label, suggestions.get(field))
            with Horizontal(classes="bulk-line"):
                yield Label(_("Supplier"), classes="bulk-label")
                yield Select([(_("yes"), "yes"), (_("no"), "no")], prompt=_("no change"), id="supplier", compact=True)
            for field, label in (("tags_add", _("Add tags")), ("tags_remove", _("Remove tags"))):
                with Horizontal(classes="bulk-line"):
                    yield Label(label, classes="bulk-label")
                    yield Input(id=field, placeholder=_("comma separated"), compact=True)
            yield Static(_("Address (the first one; added where a contact has none)"), classes="section")
            for field, label in ADDRESS_TEXT_FIELDS:
                yield from self._ticked_field(field, label)
            yield Static(_("Marketing consents (given with today's date)"), classes="section")
            with Horizontal(classes="bulk-line"):
                for channel in CONSENT_CHANNELS:
                    yield Label(consent_label(channel), classes="consent-label")
                    yield Select([(_("give"), "yes"), (_("withdraw"), "no")], prompt=_("no change"),
                                 id=f"consent-{channel}", classes="consent", compact=True)
            yield Static("", id="bulk-error", classes="error", markup=False)
            yield Static("", id="preview")
        yield KeyFooter()

    def _ticked_field(self, field: str, label: str, suggestions: list[str] | None = None) -> ComposeResult:
        with Horizontal(classes="bulk-line"):
            yield Checkbox(label, id=f"touch-{field}", classes="touch")
            suggester = SuggestFromList(suggestions, case_sensitive=False) if suggestions else None
            yield Input(id=field, suggester=suggester, compact=True, classes="ticked", placeholder=_("no change"))

    def on_mount(self) -> None:
        self.title = _("Bulk edit")
        self.query_one("#bulk-error", Static).display = False
        self.query_one("#touch-account_manager", Checkbox).focus()
        self._count_preview()

    # -- reading the form ------------------------------------------------------------------

    def read_edit(self) -> BulkEdit:
        def ticked(field: str) -> str | None:
            if not self.query_one(f"#touch-{field}", Checkbox).value:
                return None
            return self.query_one(f"#{field}", Input).value

        def chosen(selector: str) -> bool | None:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else value == "yes"

        source = ticked("source")
        consents = {channel: value for channel in CONSENT_CHANNELS
                    if (value := chosen(f"#consent-{channel}")) is not None}
        return BulkEdit(
            account_manager=ticked("account_manager"),
            supplier=chosen("#supplier"),
            source=None if source is None else key_for(self._sources, source),
            tags_add=tuple(normalize_tags(self.query_one("#tags_add", Input).value.split(","))),
            tags_remove=tuple(normalize_tags(self.query_one("#tags_remove", Input).value.split(","))),
            address=AddressEdit(**{field: ticked(field) for field, _label in ADDRESS_TEXT_FIELDS}),
            consents=consents,
            today=datetime.now(self.app.zone).date().isoformat(),
        )

    def _checked_edit(self) -> BulkEdit | None:
        """The edit, or None with the reason shown under the form."""
        edit = self.read_edit()
        error = self.query_one("#bulk-error", Static)
        try:
            edit.check()
        except BulkEditError as problem:
            error.update(str(problem))
            error.display = True
            return None
        error.display = False
        return edit

    # -- the preview -----------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.has_focus and event.input.has_class("ticked"):
            self.query_one(f"#touch-{event.input.id}", Checkbox).value = True
        self._schedule_preview()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        field = (event.checkbox.id or "").removeprefix("touch-")
        self.query_one(f"#{field}", Input).placeholder = _("empty: clears it") if event.value else _("no change")
        self._schedule_preview()

    @on(Select.Changed)
    def _chosen(self) -> None:
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, self._count_preview)

    def _count_preview(self) -> None:
        edit = self._checked_edit()
        if edit is None:
            self.query_one("#preview", Static).update("")
            return
        self.query_one("#preview", Static).update(_("Counting…"))
        self._count_in_background(edit)

    @work(thread=True, exclusive=True, group="bulk-preview")
    def _count_in_background(self, edit: BulkEdit) -> None:
        """Applying the edit to 100,000 contacts takes a second or two: not while typing."""
        worker = get_current_worker()
        counted = preview(self.app.contacts, self.contact_ids, edit, lambda: worker.is_cancelled)
        if counted is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._show_preview, counted)

    def _show_preview(self, counted: Preview) -> None:
        if counted.edit != self.read_edit():
            return  # the form changed while counting: a newer count is on its way
        self.preview = counted
        if counted.edit.is_empty():
            text = _("Nothing to change yet: tick a field, choose a value or type tags.")
        else:
            text = ngettext("{n} of {m} contact will change.", "{n} of {m} contacts will change.", counted.live).format(
                n=format_number(len(counted.edits)), m=format_number(counted.live))
        if counted.gone:
            text += " " + ngettext("{n} is in the trash or gone.", "{n} are in the trash or gone.", counted.gone).format(
                n=format_number(counted.gone))
        self.query_one("#preview", Static).update(text)

    # -- applying --------------------------------------------------------------------------

    def action_apply(self) -> None:
        edit = self._checked_edit()
        if edit is None:
            return
        if edit.is_empty():
            self.notify(_("Nothing to change: tick a field, choose a value or type tags."), severity="warning")
            return
        counted = self.preview
        if counted is None or counted.edit != edit:  # typed after the last count: count now
            counted = preview(self.app.contacts, self.contact_ids, edit)
            assert counted is not None
        if not counted.edits:
            self.notify(_("No contact would change: nothing was saved."), severity="warning")
            return
        try:
            result = self.app.contacts.save_many(counted.edits, author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        if not result.skipped:  # skipped contacts still lack the edit: leaving asks first
            self._applied = edit
        self._remember_source(edit)
        self._count_preview()  # now counted on the saved versions: skipped ones can be tried again
        self.app.push_screen(BulkResultScreen(result))

    def _remember_source(self, edit: BulkEdit) -> None:
        """A source typed that the dictionary lacks is added, to be offered next time."""
        if edit.source:
            try:
                self.app.dictionaries.remember(ACQUISITION_SOURCES, edit.source, author=self.app.user)
            except (StoreError, DictionaryError) as error:
                self.notify(str(error), severity="warning", title=_("Not added to the list"), markup=False)

    def has_unsaved_changes(self) -> bool:
        edit = self.read_edit()
        return not edit.is_empty() and edit != self._applied


class BulkResultScreen(ModalScreen[None]):
    """How many contacts were saved, and which were skipped and why."""

    BINDINGS = [Binding("escape,enter", "dismiss", _("Close"))]

    def __init__(self, result: BulkResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        saved, skipped = len(self.result.saved), len(self.result.skipped)
        with Vertical(classes="dialog", id="bulk-result"):
            yield Static(_("Bulk edit: result"), classes="title")
            yield Static(ngettext("{n} contact saved.", "{n} contacts saved.", saved).format(n=format_number(saved)),
                         id="saved-count")
            if skipped:
                yield Static(ngettext("{n} skipped:", "{n} skipped:", skipped).format(n=format_number(skipped)))
                lines = [f"• {s.name}: {s.reason}" for s in self.result.skipped]
                with VerticalScroll(id="skipped"):
                    yield Static("\n".join(lines), markup=False, id="skipped-list")
            yield Static(_("enter or escape closes"), classes="hint")

    def on_mount(self) -> None:
        for skipped in self.query("#skipped"):
            skipped.focus()  # a long list scrolls with the arrow keys
