"""Add or edit a contact: every field, rows of phones/e-mails/addresses, errors under fields."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Header, Input, Label, Select, Static

from tui_crm.domain.changes import reapply_edit
from tui_crm.domain.contact import (
    CONSENT_CHANNELS,
    Address,
    Contact,
    ContactKind,
    Email,
    Phone,
    normalize_tags,
)
from tui_crm.domain.dictionaries import (
    ACQUISITION_SOURCES,
    PHONE_TYPES,
    DictionaryError,
    Entry,
    choices,
    key_for,
    label_of,
)
from tui_crm.domain.duplicates import needs_duplicate_check
from tui_crm.domain.validation import FieldError, validate_contact
from tui_crm.i18n import _, format_number
from tui_crm.store import ConflictError, InvalidContactError, StoreError

from ..contact_details import consent_label
from ..unsaved import GuardsUnsavedChanges
from ..widgets.contact_rows import AddressRow, EditableRow, EmailRow, PhoneRow
from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen
from .conflict import ConflictScreen
from .duplicate_warning import (
    MERGE_WITH,
    OPEN,
    SAVE_ANYWAY,
    DuplicateChoice,
    DuplicateWarningScreen,
)

#: Below this many contacts the duplicates index is built on the spot at the first save (< 0.1 s);
#: above, in a thread while the form is open (about a second at 100,000 contacts).
BUILD_ON_THE_SPOT = 5000

#: Plain fields: (field name, label, which kind shows it; None = both).
TEXT_FIELDS = [
    ("first_name", _("First name"), ContactKind.PERSON),
    ("last_name", _("Last name"), ContactKind.PERSON),
    ("position", _("Position"), ContactKind.PERSON),
    ("name", _("Organization name"), ContactKind.ORGANIZATION),
    ("nip", _("NIP"), ContactKind.ORGANIZATION),
    ("regon", _("REGON"), ContactKind.ORGANIZATION),
]


def _comparable(contact: Contact) -> dict:
    """The contact as it would be stored (phones in E.164, empty rows dropped, …).

    The form shows values in their display form ("601 234 567"); comparing those with the stored
    ones would count fields the user never touched as changed, and a conflict would then
    overwrite the other session's edits of those fields with the stale form values.
    """
    return validate_contact(contact).contact.to_doc()


class ContactFormScreen(GuardsUnsavedChanges, Screen[Contact | None]):
    """Dismisses with the saved contact, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Cancel")),
        # priority: a focused input would otherwise take alt+p as the letter "p"
        Binding("alt+p", "add_row('phone')", _("+Phone"), priority=True),
        Binding("alt+e", "add_row('email')", _("+E-mail"), priority=True),
        Binding("alt+a", "add_row('address')", _("+Address"), priority=True),
        # 80 columns: these two are in help (f1) and the palette; the section headings name ctrl+r
        # and the Type drop-down at the top switches the kind too
        Binding("ctrl+r", "remove_row", _("Remove row"), show=False),
        Binding("ctrl+t", "switch_kind", _("Person/organization"), show=False),
    ]

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self._original = contact
        self._baseline: dict | None = None
        self._shown_kind = contact.kind
        self._phone_types: list[Entry] = []
        self._sources: list[Entry] = []
        self._checked: dict[Input, str] = {}  # each field's value when the errors were shown

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        contact = self._original
        self._phone_types = self.app.dictionaries.entries(PHONE_TYPES)
        self._sources = self.app.dictionaries.entries(ACQUISITION_SOURCES)
        yield Header()
        with VerticalScroll(id="form"):
            with Horizontal(classes="form-line"):
                yield Label(_("Type"), classes="label")
                yield Select(
                    [(_("Person"), ContactKind.PERSON.value), (_("Organization"), ContactKind.ORGANIZATION.value)],
                    value=contact.kind.value,
                    allow_blank=False,
                    id="kind",
                    compact=True,
                )
                yield Checkbox(_("Supplier"), contact.supplier, id="supplier")
            for field, label, kind in TEXT_FIELDS:
                yield from self._text_field(field, label, getattr(contact, field), classes=f"for-{kind.value}")

            yield Static(_("Phones (alt+p adds one, ctrl+r removes the current one)"), classes="section")
            with Vertical(id="phones"):
                for phone in contact.phones:
                    yield PhoneRow(phone, self._phone_types)
            yield Static(_("E-mails (alt+e adds one, ctrl+r removes the current one)"), classes="section")
            with Vertical(id="emails"):
                for email in contact.emails:
                    yield EmailRow(email)
            yield Static(_("Addresses (alt+a adds one, ctrl+r removes the current one)"), classes="section")
            with Vertical(id="addresses"):
                for address in contact.addresses:
                    yield AddressRow(address)

            yield Static(_("Sales and marketing"), classes="section")
            managers = sorted({self.app.user, *self._known("account_manager")})
            yield from self._text_field("account_manager", _("Account manager"), contact.account_manager, suggestions=managers)
            sources = [entry.shown() for entry in choices(self._sources, contact.source)]
            yield from self._text_field("source", _("Source"), label_of(self._sources, contact.source), suggestions=sources)
            yield from self._text_field("discount", _("Discount %"), format_number(contact.discount) if contact.discount else "")
            yield from self._text_field("tags", _("Tags"), ", ".join(contact.tags), placeholder=_("comma separated"))
            for channel in CONSENT_CHANNELS:
                given = contact.consents.get(channel)
                with Horizontal(classes="form-line consent-line"):
                    yield Checkbox(_("Consent: {channel}").format(channel=consent_label(channel)), bool(given), id=f"consent-{channel}")
                    yield Input(given or "", placeholder=_("date given (YYYY-MM-DD)"), id=f"consent-date-{channel}", classes="consent-date", compact=True)
                yield Static("", id=f"error-consents-{channel}", classes="error", markup=False)
        yield KeyFooter()

    def _text_field(self, field: str, label: str, value: str, *, classes: str = "", suggestions: list[str] | None = None,
                    placeholder: str = "") -> ComposeResult:
        with Vertical(classes=f"field {classes}", id=f"field-{field}"):
            with Horizontal(classes="form-line"):
                yield Label(label, classes="label")
                suggester = SuggestFromList(suggestions, case_sensitive=False) if suggestions else None
                yield Input(value, id=field, suggester=suggester, placeholder=placeholder, compact=True)
            yield Static("", id=f"error-{field}", classes="error", markup=False)

    def _known(self, field: str) -> set[str]:
        values = {doc.get(field, "") for doc in map(self.app.contacts.doc, self.app.contacts.find()[:5000]) if doc}
        return {v for v in values if v}

    def on_mount(self) -> None:
        self._warm_up_duplicates()
        self.title = _("Edit contact") if self._original.id is not None else _("New contact")
        self._show_kind(self._original.kind)
        self._show_errors([])
        self.call_after_refresh(self._remember_baseline)
        first = "name" if self._original.kind == ContactKind.ORGANIZATION else "first_name"
        self.query_one(f"#{first}", Input).focus()

    def _remember_baseline(self) -> None:
        self._baseline = self.read_form().to_doc()

    def _show_kind(self, kind: ContactKind) -> None:
        self._shown_kind = kind
        for widget in self.query(".for-person"):
            widget.display = kind == ContactKind.PERSON
        for widget in self.query(".for-organization"):
            widget.display = kind == ContactKind.ORGANIZATION

    # -- reading and writing the form ------------------------------------------------------

    def read_form(self) -> Contact:
        """The contact as the form shows it now (not validated)."""
        contact = Contact.from_doc(self._original.to_doc(), self._original.id)
        contact.kind = ContactKind(self.query_one("#kind", Select).value)
        contact.supplier = self.query_one("#supplier", Checkbox).value
        for field, _label, _kind in TEXT_FIELDS:
            setattr(contact, field, self.query_one(f"#{field}", Input).value.strip())
        contact.phones = [row.value() for row in self.query(PhoneRow)]
        contact.emails = [row.value() for row in self.query(EmailRow)]
        contact.addresses = [row.value() for row in self.query(AddressRow)]
        contact.account_manager = self.query_one("#account_manager", Input).value.strip()
        contact.source = key_for(self._sources, self.query_one("#source", Input).value)
        contact.tags = normalize_tags(self.query_one("#tags", Input).value.split(","))
        discount = self.query_one("#discount", Input).value.strip().replace(",", ".")
        try:
            contact.discount = float(discount) if discount else 0.0
        except ValueError:
            contact.discount = discount  # type: ignore[assignment]  # validation reports it
        contact.consents = {
            channel: (self.query_one(f"#consent-date-{channel}", Input).value.strip() or None)
            if self.query_one(f"#consent-{channel}", Checkbox).value
            else None
            for channel in CONSENT_CHANNELS
        }
        return contact

    async def _load_form(self, contact: Contact) -> None:
        """Put ``contact`` into the form (after a conflict: the edit carried onto theirs)."""
        self._original = contact
        with self.prevent(Select.Changed):
            self.query_one("#kind", Select).value = contact.kind.value
        self.query_one("#supplier", Checkbox).value = contact.supplier
        for field, _label, _kind in TEXT_FIELDS:
            self.query_one(f"#{field}", Input).value = getattr(contact, field)
        for container, rows in (
            ("#phones", [PhoneRow(p, self._phone_types) for p in contact.phones]),
            ("#emails", [EmailRow(e) for e in contact.emails]),
            ("#addresses", [AddressRow(a) for a in contact.addresses]),
        ):
            holder = self.query_one(container)
            await holder.remove_children()
            await holder.mount_all(rows)
        self.query_one("#account_manager", Input).value = contact.account_manager
        self.query_one("#source", Input).value = label_of(self._sources, contact.source)
        self.query_one("#discount", Input).value = format_number(contact.discount) if contact.discount else ""
        self.query_one("#tags", Input).value = ", ".join(contact.tags)
        for channel in CONSENT_CHANNELS:
            given = contact.consents.get(channel)
            self.query_one(f"#consent-{channel}", Checkbox).value = bool(given)
            self.query_one(f"#consent-date-{channel}", Input).value = given or ""
        self._show_kind(contact.kind)

    def _show_errors(self, errors: list[FieldError]) -> None:
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for static in self.query("#form .error").results(Static):
            if static.id and static.id.startswith("error-"):
                messages = by_field.get(static.id.removeprefix("error-").replace("consents-", "consents."), [])
                static.update("\n".join(messages))
                static.display = bool(messages)
        for prefix, row_type in (("phones", PhoneRow), ("emails", EmailRow), ("addresses", AddressRow)):
            for index, row in enumerate(self.query(row_type)):
                head = f"{prefix}.{index}."
                row.show_errors({f.removeprefix(head): ms for f, ms in by_field.items() if f.startswith(head)})
        # a field's error goes when its value changes from the one checked here (a change event of
        # a key typed before ctrl+s, arriving after it, changes nothing)
        self._checked = {widget: widget.value for widget in self.query(Input)}
        if errors:
            self.notify(
                _("Please correct the marked fields ({n}).").format(n=len(errors)), severity="error", title=_("Not saved")
            )
            self._focus_first_error(errors[0].field)

    def _focus_first_error(self, field: str) -> None:
        head, _sep, rest = field.partition(".")
        rows = {"phones": PhoneRow, "emails": EmailRow, "addresses": AddressRow}
        target: Widget | None = None
        if head in rows and rest:
            index = int(rest.split(".")[0])
            found = list(self.query(rows[head]))
            if index < len(found):
                target = found[index].query(Input).first()
        elif head == "consents":
            target = self.query_one(f"#consent-date-{rest}", Input)
        else:
            target = self.query(f"#{head}").first() if self.query(f"#{head}") else None
        if target is not None:
            target.focus()

    # -- events ----------------------------------------------------------------------------

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        """Switching the type keeps what both types share and carries the name across."""
        new_kind = ContactKind(event.value)
        draft = self.read_form()
        draft.kind = self._shown_kind
        draft.switch_kind(new_kind)
        for field, _label, _kind in TEXT_FIELDS:
            self.query_one(f"#{field}", Input).value = getattr(draft, field)
        self._show_kind(new_kind)

    @on(Checkbox.Changed)
    def _consent_toggled(self, event: Checkbox.Changed) -> None:
        checkbox_id = event.checkbox.id or ""
        if not checkbox_id.startswith("consent-"):
            return
        self._clear_error(checkbox_id.replace("consent-", "consents-"))  # unticked: no date needed
        if event.value:
            date_input = self.query_one(f"#consent-date-{checkbox_id.removeprefix('consent-')}", Input)
            if not date_input.value:
                date_input.value = date.today().isoformat()

    @on(Input.Changed)
    def _field_edited(self, event: Input.Changed) -> None:
        """An edited field's error goes (the others' stay until the next ctrl+s)."""
        widget = event.input
        if widget not in self._checked or self._checked[widget] == event.value:
            return
        self._checked.pop(widget)
        row = next((node for node in widget.ancestors if isinstance(node, EditableRow)), None)
        if row is not None:
            field = row.field_of(widget)
            if field:
                row.clear_error(field)
            return
        field = (widget.id or "").replace("consent-date-", "consents-")
        # "Enter a first or last name." stands under the last name
        for name in (field, "last_name") if field == "first_name" else (field,):
            self._clear_error(name)

    def _clear_error(self, field: str) -> None:
        for static in self.query(f"#error-{field}").results(Static):
            static.update("")
            static.display = False

    @on(EditableRow.RemoveRequested)
    async def _remove_requested(self, event: EditableRow.RemoveRequested) -> None:
        await event.row.remove()

    def action_switch_kind(self) -> None:
        other = ContactKind.ORGANIZATION if self._shown_kind == ContactKind.PERSON else ContactKind.PERSON
        self.query_one("#kind", Select).value = other.value  # _kind_changed carries the fields over

    async def action_add_row(self, kind: str) -> None:
        row: EditableRow
        if kind == "phone":
            row, holder = PhoneRow(Phone(), self._phone_types), "#phones"
        elif kind == "email":
            row, holder = EmailRow(Email()), "#emails"
        else:
            row, holder = AddressRow(Address()), "#addresses"
        await self.query_one(holder).mount(row)
        row.query(Input).first().focus()
        row.scroll_visible()

    async def action_remove_row(self) -> None:
        focused = self.focused
        while focused is not None and not isinstance(focused, EditableRow):
            focused = focused.parent  # type: ignore[assignment]
        if focused is None:
            self.notify(_("Move to a phone, e-mail or address row to remove it."), severity="warning")
            return
        await focused.remove()

    def action_save(self) -> None:
        contact = self.read_form()
        result = validate_contact(contact)
        if not result.ok:
            self._show_errors(result.errors)
            return
        if not needs_duplicate_check(self._original, result.contact):
            self._store(contact)
            return
        duplicates = self.app.duplicates
        if not duplicates.built and self.app.contacts.count() < BUILD_ON_THE_SPOT:
            duplicates.build()
        if duplicates.built:
            self._save_unless_duplicate(contact, result.contact)
        else:
            self.run_worker(self._build_then_save(contact, result.contact), group="save", exclusive=True)

    def _store(self, contact: Contact) -> Contact | None:
        """Save the form's contact and close the form; None (and the form open) when not saved."""
        try:
            saved = self.app.contacts.save(contact, author=self.app.user, expected_version=self._original.version)
        except InvalidContactError as error:
            self._show_errors(error.errors)
        except ConflictError as error:
            self.run_worker(self._resolve_conflict(validate_contact(contact).contact, error))
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
        else:
            self.notify(_("Saved “{name}”.").format(name=saved.display_name), markup=False)
            self._remember_new_values(saved)
            self.dismiss(saved)
            return saved
        return None

    # -- likely duplicates (seed 001) ------------------------------------------------------

    def _warm_up_duplicates(self) -> None:
        """In a big database the duplicates index is built in a thread while the user types."""
        if not self.app.duplicates.built and self.app.contacts.count() >= BUILD_ON_THE_SPOT:
            self.run_worker(self.app.duplicates.ready(), group="duplicates", exit_on_error=False)

    async def _build_then_save(self, contact: Contact, normalized: Contact) -> None:
        self.notify(_("Looking for likely duplicates…"), timeout=2)
        await self.app.duplicates.ready()
        self._save_unless_duplicate(contact, normalized)

    def _save_unless_duplicate(self, contact: Contact, normalized: Contact) -> None:
        """Save, but first show the likely duplicates, if any, and do what the user chooses."""
        matches = self.app.duplicates.for_contact(normalized, exclude_id=self._original.id)
        if not matches:
            self._store(contact)
            return

        def chosen(choice: DuplicateChoice | None) -> None:
            if choice is None:
                return  # back to the form, everything kept
            if choice.action == OPEN:
                self._open_instead(choice.contact_id)
            elif choice.action == SAVE_ANYWAY:
                self._store(contact)
            elif choice.action == MERGE_WITH:
                saved = self._store(contact)
                if saved is not None:
                    from .merge import MergeScreen

                    self.app.push_screen(MergeScreen([choice.contact_id, saved.id]))

        self.app.push_screen(DuplicateWarningScreen(normalized.display_name, matches), chosen)

    def _open_instead(self, contact_id: int) -> None:
        """Open the existing contact's card instead, once the user agreed to drop the form."""
        from .contact_card import ContactCardScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
                self.app.push_screen(ContactCardScreen(contact_id))

        if not self.has_unsaved_changes():
            answered(True)
            return
        existing = self.app.contacts.get(contact_id)
        question = _("Discard what you typed and open “{name}”?").format(name=existing.display_name if existing else "?")
        self.app.push_screen(ConfirmScreen(question, yes=_("Discard"), no=_("Keep editing")), answered)

    def _remember_new_values(self, saved: Contact) -> None:
        """Phone types and a source typed that the dictionaries lack are added, to be offered next time."""
        typed = [(PHONE_TYPES, phone.type) for phone in saved.phones] + [(ACQUISITION_SOURCES, saved.source)]
        try:
            for name, value in typed:
                self.app.dictionaries.remember(name, value, author=self.app.user)
        except (StoreError, DictionaryError) as error:
            self.notify(str(error), severity="warning", title=_("Not added to the list"), markup=False)

    async def _resolve_conflict(self, mine: Contact, error: ConflictError) -> None:
        current = error.current
        if current is None or current.get("deleted_at"):
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False, timeout=10)
            return
        theirs = Contact.from_doc(current, self._original.id)
        reapplied = reapply_edit(_comparable(self._original), _comparable(mine), _comparable(theirs))
        merged = Contact.from_doc(reapplied.doc, self._original.id)
        await self._load_form(merged)
        self._baseline = None  # the user's edit is still unsaved
        await self.app.push_screen_wait(ConflictScreen(str(error), reapplied))

    def has_unsaved_changes(self) -> bool:
        return self._baseline is None or self.read_form().to_doc() != self._baseline
