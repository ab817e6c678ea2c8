"""The link dialog: a person's role and flags as a contact person of an organization.

Saves through ``app.links`` itself (a new link, or an edit of an existing one), so a refusal
of the store ("the primary contact cannot be switched off", …) is shown while the dialog stays
open with what the user typed. Roles are offered from the contact-person roles dictionary; a
new role typed here is added to it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui_crm.domain.contact import display_name
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.dictionaries import (
    CONTACT_ROLES,
    DictionaryError,
    Entry,
    choices,
    key_for,
    label_of,
)
from tui_crm.i18n import _
from tui_crm.store import ConflictError, StoreError

from ..unsaved import GuardsUnsavedChanges


def role_suggestions(roles: list[Entry], current: str) -> list[str]:
    """The roles offered: the live entries of the dictionary, plus the link's own (even if archived)."""
    return [entry.shown() for entry in choices(roles, current)]


def role_label(app, role: str) -> str:
    """A stored role as people see it: a built-in role in the interface language."""
    return label_of(app.dictionaries.entries(CONTACT_ROLES), role) if role else ""


def remember_role(app, role: str) -> None:
    """Add a role the user typed to the dictionary, so it is offered next time."""
    try:
        app.dictionaries.remember(CONTACT_ROLES, role, author=app.user)
    except (StoreError, DictionaryError) as error:
        app.notify(str(error), severity="warning", markup=False)


def contact_name(app, contact_id: int) -> str:
    """The display name of a contact, marked when it is in the trash."""
    doc = app.contacts.doc(contact_id)
    if doc is None:
        return "?"
    name = display_name(doc)
    return _("{name} (in the trash)").format(name=name) if doc.get("deleted_at") else name


def flag_labels(link: ContactPersonLink) -> list[str]:
    """The flags a link has set, as short words for one line of the Related tab."""
    flags = [
        (link.contact_person, _("contact person")),
        (link.may_collect_mail, _("may collect mail")),
        (link.may_represent, _("may represent")),
    ]
    return [label for on, label in flags if on]


class ContactPersonFormScreen(GuardsUnsavedChanges, ModalScreen[ContactPersonLink | None]):
    """Dismisses with the saved link, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, link: ContactPersonLink, *, move: bool = False, successor_id: int | None = None) -> None:
        super().__init__()
        self._link = link
        self._move = move
        self._successor_id = successor_id
        self._baseline: ContactPersonLink | None = None

    @property
    def is_new(self) -> bool:
        return self._link.id is None

    def compose(self) -> ComposeResult:
        link = self._link
        first = self.is_new and not self.app.links.of_organization(link.organization_id)
        title = _("New contact person") if self.is_new else _("Contact person")
        with Vertical(classes="dialog", id="link-dialog"):
            yield Static(title, classes="title")
            yield Static(
                Content.assemble(
                    (contact_name(self.app, link.person_id), "bold"), " — ", contact_name(self.app, link.organization_id)
                ),
                id="link-names",
            )
            with Horizontal(classes="form-line"):
                yield Label(_("Role"), classes="label")
                roles = role_suggestions(self.app.dictionaries.entries(CONTACT_ROLES), link.role)
                suggester = SuggestFromList(roles, case_sensitive=False)
                yield Input(role_label(self.app, link.role), id="role", suggester=suggester, placeholder=_("e.g. {role}").format(role=_("Accountant")), compact=True)
            yield Checkbox(_("Contact person"), link.contact_person, id="contact_person", compact=True)
            yield Checkbox(_("May collect mail"), link.may_collect_mail, id="may_collect_mail", compact=True)
            yield Checkbox(_("May represent"), link.may_represent, id="may_represent", compact=True)
            yield Checkbox(_("Primary contact"), link.primary or first, id="primary", disabled=first, compact=True)
            with Horizontal(classes="form-line"):
                yield Label(_("Information"), classes="label")
                yield Input(link.info, id="info", placeholder=_("e.g. only with an ID card"), compact=True)
            if first:
                yield Static(_("The first contact person of an organization is its primary contact."), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(_("Save (ctrl+s)"), variant="primary", id="save")
                yield Button(_("Cancel (esc)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#role", Input).focus()
        self._baseline = self.read_form()

    def read_form(self) -> ContactPersonLink:
        link = ContactPersonLink.from_doc(self._link.to_doc(), self._link.id)
        link.role = key_for(self.app.dictionaries.entries(CONTACT_ROLES), self.query_one("#role", Input).value.strip())
        link.info = self.query_one("#info", Input).value.strip()
        for flag in ("contact_person", "may_collect_mail", "may_represent", "primary"):
            setattr(link, flag, self.query_one(f"#{flag}", Checkbox).value)
        return link

    def has_unsaved_changes(self) -> bool:
        return self._baseline is not None and self.read_form() != self._baseline

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        draft = self.read_form()
        links = self.app.links
        try:
            if self.is_new:
                saved = links.link(draft, author=self.app.user, move=self._move, successor_id=self._successor_id)
            else:
                saved = links.update(draft, author=self.app.user)
        except ConflictError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False, timeout=10)
            self.dismiss(None)
            return
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        remember_role(self.app, saved.role)
        self.dismiss(saved)
