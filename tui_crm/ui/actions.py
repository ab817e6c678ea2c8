"""Actions on "the current contact", shared by the contact list and the contact card."""

from __future__ import annotations

from tui_crm.domain.contact import Contact, ContactKind
from tui_crm.domain.permissions import DELETE
from tui_crm.i18n import _
from tui_crm.store import StoreError

from .permission_check import refused


class ContactActions:
    """Mixin for a screen that has a current contact (``selected_contact_id``)."""

    deleting_id: int | None = None

    def selected_contact_id(self) -> int | None:
        raise NotImplementedError

    def show_contact(self, contact_id: int) -> None:
        """Called after the contact was saved; the screen brings it into view."""

    def _current(self) -> Contact | None:
        contact_id = self.selected_contact_id()
        contact = None if contact_id is None else self.app.contacts.get(contact_id)
        if contact is None:
            self.notify(_("No contact selected."), severity="warning")
        return contact

    def open_card(self, contact_id: int) -> None:
        from .screens.contact_card import ContactCardScreen

        self.app.push_screen(ContactCardScreen(contact_id))

    def open_form(self, contact: Contact) -> None:
        from .screens.contact_form import ContactFormScreen

        def saved(result: Contact | None) -> None:
            if result is not None and result.id is not None:
                self.show_contact(result.id)

        self.app.push_screen(ContactFormScreen(contact), saved)

    def action_new_contact(self, kind: str) -> None:
        if self._refuse_if_read_only():
            return
        self.open_form(Contact(kind=ContactKind(kind), account_manager=self.app.user))

    def action_edit(self) -> None:
        contact = self._current()
        if contact is not None and not self._refuse_if_read_only():
            self.open_form(contact)

    def action_copy(self) -> None:
        contact = self._current()
        if contact is not None and not self._refuse_if_read_only():
            self.open_form(contact.copy_as_new())

    def action_delete(self) -> None:
        """Move the contact to the trash; the primary contact of an organization with other
        contact persons first hands the primary flag over to the one the user chooses."""
        from .screens.confirm import ConfirmScreen
        from .screens.successor_picker import successor_picker

        contact = self._current()
        if contact is None or self._refuse_if_read_only() or refused(self, DELETE):
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            picker = successor_picker(self.app, contact.id) if contact.is_person else None
            if picker is None:
                trash(None)
            else:
                self.app.push_screen(picker, chosen)

        def chosen(successor_id: int | None) -> None:
            if successor_id is not None:  # None: cancelled, nothing is deleted
                trash(successor_id)

        def trash(successor_id: int | None) -> None:
            try:
                if successor_id is not None:
                    self.app.links.set_primary(successor_id, author=self.app.user)
                self.deleting_id = contact.id  # our own delete: the card closes without a warning
                self.app.contacts.delete(contact.id, author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            finally:
                self.deleting_id = None
            self.notify(_("“{name}” moved to the trash (shift+t shows the trash).").format(name=contact.display_name), markup=False)
            self.after_delete()

        question = _("Move “{name}” to the trash?").format(name=contact.display_name)
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)

    def action_authorization_check(self) -> None:
        """May this person collect mail / represent their company? (quick check at the desk)"""
        from .screens.authorization_check import AuthorizationCheckScreen

        self.app.push_screen(AuthorizationCheckScreen())

    def after_delete(self) -> None:
        """Hook: the card closes itself; the list just refreshes."""

    def _refuse_if_read_only(self) -> bool:
        if self.app.database.read_only:
            self.notify(_("This database is read-only: nothing can be changed."), severity="warning")
            return True
        return False
