"""Who an e-mail of each kind would go to: an organization's preselected recipients (seed 003).

Contact persons with a notification enabled (in their portal access) are selected
automatically when, e.g., an invoice is sent to the client. This read-only view lists the
kinds on the left and, for the highlighted one, those persons with the address the message
would use — and warns when a person has no e-mail or nobody would get the message at all.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact_persons import (
    NOTIFICATIONS,
    ContactPersonLink,
    notification_label,
)
from tui_crm.i18n import _

from ..widgets.footer import KeyFooter
from .contact_person_form import contact_name, role_label


class NotificationRecipientsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss(None)", _("Close"))]

    def __init__(self, organization_id: int) -> None:
        super().__init__()
        self.organization_id = organization_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="recipients-dialog"):
            yield Static("", id="recipients-title", markup=False, classes="title")
            with Horizontal(id="recipients-body"):
                yield OptionList(id="recipient-kinds")
                with Vertical(id="recipients-pane"):
                    yield Static("", id="recipients-summary", markup=False)
                    yield OptionList(id="recipient-list")
            yield Static(_("↑↓ chooses the notification · tab moves to the list · escape closes"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._refresh_kinds, init=False)  # another session's edits
        self._refresh_kinds()
        self.query_one("#recipient-kinds", OptionList).focus()

    # -- what it shows ---------------------------------------------------------------------

    def _kind(self) -> str:
        option = self.query_one("#recipient-kinds", OptionList).highlighted_option
        return option.id if option is not None and option.id else NOTIFICATIONS[0]

    def _refresh_kinds(self) -> None:
        """The title and the kinds, each with how many would get it; then the recipients."""
        name = contact_name(self.app, self.organization_id)
        self.query_one("#recipients-title", Static).update(
            Content(_("E-mail recipients of “{organization}”").format(organization=name))
        )
        kinds = self.query_one("#recipient-kinds", OptionList)
        kept = kinds.highlighted
        kinds.set_options(
            Option(Content(f"{notification_label(kind)} ({len(self._recipients(kind))})"), id=kind) for kind in NOTIFICATIONS
        )
        kinds.highlighted = kept if kept is not None else 0
        self._show_recipients()

    def _recipients(self, kind: str) -> list[ContactPersonLink]:
        return self.app.links.notification_recipients(self.organization_id, kind)

    @on(OptionList.OptionHighlighted, "#recipient-kinds")
    def _kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_recipients()

    @on(OptionList.OptionSelected)
    def _ignore_selection(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # read-only: enter changes nothing (and must not reach the card below)

    def _show_recipients(self) -> None:
        kind = self._kind()
        label = notification_label(kind)
        recipients = self._recipients(kind)
        listed = self.query_one("#recipient-list", OptionList)
        summary = self.query_one("#recipients-summary", Static)
        listed.set_options(Option(self._row(link), id=str(link.person_id)) for link in recipients)
        listed.display = bool(recipients)
        if recipients:
            summary.update(Content(_("Selected automatically when sending “{kind}” e-mails (★ primary):").format(kind=label)))
            summary.set_class(False, "error")
        elif not self.app.links.of_organization(self.organization_id):
            summary.update(Content(_("This organization has no contact persons: the message would go to no one. Add one with l on the Related tab.")))
            summary.set_class(True, "error")
        else:
            summary.update(Content(
                _("Nobody gets “{kind}” notifications; the message would go to no one — "
                  "enable it for a contact person with p (Portal access).").format(kind=label)
            ))
            summary.set_class(True, "error")

    def _row(self, link: ContactPersonLink) -> Content:
        person = self.app.contacts.get(link.person_id)
        email = next((e.address.strip() for e in (person.emails if person else []) if e.address.strip()), "")
        first = Content.assemble(
            ("★ " if link.primary else "  ", "bold"),
            (contact_name(self.app, link.person_id), "bold"),
            f" — {role_label(self.app, link.role)}" if link.role else "",
        )
        second = Content("  " + email) if email else Content.styled("  ⚠ " + _("no e-mail address"), "$text-warning")
        return Content("\n").join([first, second])
