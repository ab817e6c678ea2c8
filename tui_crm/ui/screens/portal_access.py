"""A contact person's client portal access: login, password, e-mails, permissions, notifications.

The password is typed twice in masked inputs and handed straight to the service, which keeps
only its Argon2 hash; it is never shown, logged or put in an e-mail.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from tui_crm.domain.contact_persons import (
    NOTIFICATIONS,
    PERMISSIONS,
    ContactPersonLink,
    notification_label,
    permission_label,
)
from tui_crm.domain.validation import FieldError
from tui_crm.i18n import _, ngettext
from tui_crm.store import ConflictError, StoreError
from tui_crm.store.portal_service import PortalAccessError, save_portal_access

from ..unsaved import GuardsUnsavedChanges
from ..widgets.footer import KeyFooter

#: Input fields, in form order: (id, label).
FIELDS = ("login_email", "password", "password_repeat")


class PortalAccessScreen(GuardsUnsavedChanges, ModalScreen[ContactPersonLink | None]):
    """Dismisses with the saved link, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, link: ContactPersonLink) -> None:
        super().__init__()
        self._link = link
        self._baseline: tuple | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        link, portal = self._link, self._link.portal
        with Vertical(classes="dialog", id="portal-dialog"):
            yield Static(self._title(), markup=False, classes="title")
            with VerticalScroll(id="portal-form", can_focus=False):  # tab goes field to field
                yield from self._field("login_email", _("Login e-mail"), Input(portal.login_email, id="login_email", compact=True))
                keep = _("empty: keep the current password") if portal.password_hash else _("empty: no password yet")
                yield from self._field("password", _("Password"), Input(id="password", password=True, placeholder=keep, compact=True))
                yield from self._field("password_repeat", _("Repeat password"), Input(id="password_repeat", password=True, compact=True))
                yield Checkbox(Content(_("Do not send the welcome e-mail")), portal.no_welcome_email, id="no_welcome_email")
                yield Checkbox(Content(_("Send a set-password e-mail (link valid 48 hours)")), False, id="send_set_password")
                yield Static(_("Permissions"), classes="section")
                with Grid(id="permissions", classes="checks"):
                    for name in PERMISSIONS:
                        yield Checkbox(Content(permission_label(name)), name in link.permissions, id=f"permission-{name}")
                yield Static(_("E-mail notifications"), classes="section")
                with Grid(id="notifications", classes="checks"):
                    for name in NOTIFICATIONS:
                        yield Checkbox(Content(notification_label(name)), name in link.notifications, id=f"notification-{name}")
        yield KeyFooter()

    def _title(self) -> str:
        person = self.app.contacts.get(self._link.person_id)
        organization = self.app.contacts.get(self._link.organization_id)
        name = person.display_name if person else "?"
        if organization:
            name = f"{name} · {organization.display_name}"
        return _("Portal access: {name}").format(name=name)

    @staticmethod
    def _field(field: str, label: str, widget: Input) -> ComposeResult:
        with Horizontal(classes="form-line"):
            yield Label(label, classes="label")
            yield widget
        yield Static("", id=f"error-{field}", classes="error", markup=False)

    def on_mount(self) -> None:
        self._show_errors([])
        self._baseline = self._state()
        self.query_one("#login_email", Input).focus()

    # -- reading the form ------------------------------------------------------------------

    def _checked(self, prefix: str, names: tuple[str, ...]) -> list[str]:
        return [name for name in names if self.query_one(f"#{prefix}-{name}", Checkbox).value]

    def read_form(self) -> ContactPersonLink:
        """The link with the portal settings the form shows (the password aside)."""
        draft = ContactPersonLink.from_doc(self._link.to_doc(), self._link.id)
        draft.portal.login_email = self.query_one("#login_email", Input).value.strip()
        draft.portal.no_welcome_email = self.query_one("#no_welcome_email", Checkbox).value
        draft.permissions = self._checked("permission", PERMISSIONS)
        draft.notifications = self._checked("notification", NOTIFICATIONS)
        return draft

    def _state(self) -> tuple:
        """What the user can change, to tell whether escape would throw edits away."""
        values = tuple(widget.value for widget in self.query(Input))
        checks = tuple(widget.value for widget in self.query(Checkbox))
        return values + checks

    def _show_errors(self, errors: list[FieldError]) -> None:
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for field in FIELDS:
            static = self.query_one(f"#error-{field}", Static)
            messages = by_field.get(field, [])
            static.update("\n".join(messages))
            static.display = bool(messages)
        if errors:
            self.notify(_("Please correct the marked fields ({n}).").format(n=len(errors)), severity="error", title=_("Not saved"))
            first = errors[0].field
            if first in FIELDS:
                self.query_one(f"#{first}", Input).focus()

    # -- actions ---------------------------------------------------------------------------

    def action_save(self) -> None:
        draft = self.read_form()
        password = self.query_one("#password", Input).value
        repeat = self.query_one("#password_repeat", Input).value
        try:
            result = save_portal_access(
                self.app.links,
                self.app.outbox,
                draft,
                password=password or None,
                repeat=repeat if (password or repeat) else None,
                send_welcome=not self._link.portal.login_email,
                send_set_password=self.query_one("#send_set_password", Checkbox).value,
                author=self.app.user,
            )
        except PortalAccessError as error:
            self._show_errors(error.errors)
            return
        except ConflictError as error:
            self._conflict(error)
            return
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        self._show_errors([])
        message = _("Portal access saved.")
        if result.queued:
            message += " " + ngettext(
                "{n} e-mail is queued in the outbox (F3).", "{n} e-mails are queued in the outbox (F3).", len(result.queued)
            ).format(n=len(result.queued))
        self.notify(message)
        self.dismiss(result.link)

    def _conflict(self, error: ConflictError) -> None:
        """Someone changed the link meanwhile: keep the form as typed, base it on their version."""
        current = self.app.links.of_person(self._link.person_id)
        if current is None or current.id != self._link.id:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False, timeout=10)
            return
        self._link = current
        self.notify(
            str(error) + " " + _("Your entries are still in the form: ctrl+s saves them over the new version."),
            severity="warning",
            title=_("Not saved"),
            markup=False,
            timeout=10,
        )

    def has_unsaved_changes(self) -> bool:
        return self._baseline is not None and self._state() != self._baseline
