"""Writing to a contact: choose an address or phone and channel (``open_send_menu``), then the
compose screen (recipient, template or own text, subject, body); ctrl+s queues it in the outbox
and sends it on a worker thread. A phone message with no SMS gateway shows a QR code instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Select, Static, TextArea

from tui_crm.domain.contact import Contact
from tui_crm.domain.documents import TemplateProblem
from tui_crm.domain.messages import (
    EMAIL,
    PHONE_CHANNELS,
    TEMPLATE_CHANNELS,
    VIBER,
    call_link,
    channel_label,
    chat_link,
    email_refusal,
    phone_flag_label,
    phone_refusal,
    render_template,
)
from tui_crm.domain.outbox import OutboxMessage
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import _
from tui_crm.store import StoreError
from tui_crm.store.delivery import Sender, sender_for
from tui_crm.store.outbox import DeliveryResult, attempt
from tui_crm.store.templates import TemplateRepository, context_for

from ..widgets.footer import KeyFooter
from ..widgets.qr import QrCode
from .confirm import ConfirmScreen
from .options_menu import OptionsMenuScreen

_templates: WeakKeyDictionary[Any, TemplateRepository] = WeakKeyDictionary()


def templates_of(app: Any) -> TemplateRepository:
    """The app's template repository (made when first asked; the app needs no field for it)."""
    repository = _templates.get(app)
    if repository is None:
        repository = _templates[app] = TemplateRepository(app.database)
    return repository


# -- sending in the background -----------------------------------------------------------------


def send_in_background(app: Any, claimed: list[tuple[OutboxMessage, Sender]],
                       done: Callable[[list[DeliveryResult]], None] | None = None) -> None:
    """Send already claimed messages on a worker thread (the network may be slow or absent); each
    result is written on the UI thread, so the database is only touched from there."""
    if not claimed:
        return

    def work() -> None:
        results = []
        for message, sender in claimed:
            problem = attempt(sender, message)
            results.append(app.call_from_thread(app.outbox.record, message.id, problem))
        if done is not None:
            app.call_from_thread(done, results)

    app.run_worker(work, thread=True, group="outbox", description="sending messages")


def delivery_notice(app: Any, results: list[DeliveryResult]) -> None:
    for result in results:
        message = result.message
        if message is None or not result.status:
            continue
        if result.status == "sent":
            app.notify(_("Sent to {to}.").format(to=message.to), markup=False)
        elif result.status == "queued":
            app.notify(_("Not sent to {to}, it stays in the outbox (F3, r retries): {reason}").format(
                to=message.to, reason=result.error), severity="warning", markup=False, timeout=10)
        else:
            app.notify(_("The server refused the message to {to}: {reason}").format(to=message.to, reason=result.error),
                       severity="error", markup=False, timeout=10)


# -- choosing where to write -----------------------------------------------------------------


def open_send_menu(screen: Screen[Any], contact: Contact) -> None:
    """The contact's addresses and phones with their flags; the chosen one opens the compose screen."""
    entries: list[tuple[str, str, str]] = []
    keys = iter("123456789abcdefghijklmnopqrstuvwxyz")
    for index, email in enumerate(contact.emails):
        if email.address:
            consent = _("consent") if email.consent else _("no consent")
            entries.append((f"email:{index}", f"{channel_label(EMAIL)}  {email.address}  ({consent})", next(keys, "")))
    for index, phone in enumerate(contact.phones):
        if not phone.number:
            continue
        number = format_phone(phone.number)
        for channel in PHONE_CHANNELS:
            flag = _("on") if getattr(phone, channel) else _("off")
            entries.append((f"{channel}:{index}", f"{channel_label(channel)}  {number}  ({flag})", next(keys, "")))
        entries.append((f"call:{index}", _("Call {number} (QR code)").format(number=number), next(keys, "")))
    if not entries:
        screen.notify(_("{name} has no e-mail address and no phone.").format(name=contact.display_name),
                      severity="warning", markup=False)
        return

    def chosen(choice: str | None) -> None:
        if choice:
            channel, index = choice.split(":")
            open_compose(screen, contact, channel, int(index))

    screen.app.push_screen(OptionsMenuScreen(_("Send to {name}").format(name=contact.display_name), entries), chosen)


def open_compose(screen: Screen[Any], contact: Contact, channel: str, index: int) -> None:
    """Compose to ``contact``'s e-mail or phone ``index``: refused (with the reason) without consent
    or without the phone's flag for ``channel``; the consent can be recorded on the spot."""
    app = screen.app
    if channel == "call":
        number = contact.phones[index].number
        app.push_screen(QrScreen(_("Call {number}").format(number=format_phone(number)), call_link(number)))
        return
    if channel == EMAIL:
        email = contact.emails[index]
        refusal = email_refusal(email)
        if refusal:
            _offer_consent(screen, contact, index, refusal)
            return
        app.push_screen(ComposeScreen(contact.id, EMAIL, email.address))
        return
    phone = contact.phones[index]
    refusal = phone_refusal(phone, channel)
    if refusal:
        app.notify(refusal, severity="warning", title=_("Not allowed"), markup=False, timeout=8)
        return
    app.push_screen(ComposeScreen(contact.id, channel, phone.number))


def _offer_consent(screen: Screen[Any], contact: Contact, index: int, refusal: str) -> None:
    app = screen.app
    app.notify(refusal, severity="warning", title=_("Not allowed"), markup=False, timeout=8)
    address = contact.emails[index].address

    def answered(record: bool | None) -> None:
        if not record:
            return
        current = app.contacts.get(contact.id)
        if current is None or index >= len(current.emails) or current.emails[index].address != address:
            app.notify(_("The contact changed meanwhile; nothing was recorded."), severity="warning")
            return
        current.emails[index] = replace(current.emails[index], consent=True)
        try:
            app.contacts.save(current, author=app.user)
        except StoreError as error:
            app.notify(str(error), severity="error", markup=False)
            return
        app.push_screen(ComposeScreen(contact.id, EMAIL, address))

    question = _("Record that {address} has given consent to e-mails, then write?").format(address=address)
    app.push_screen(ConfirmScreen(question, yes=_("Record consent"), no=_("Cancel")), answered)


# -- the compose screen ----------------------------------------------------------------------


class ComposeScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "send", _("Send"), priority=True),
        Binding("escape", "cancel", _("Back")),
    ]

    def __init__(self, contact_id: int | None, channel: str, to: str) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.channel = channel
        self._to = to
        self._sending = False

    @property
    def contact(self) -> Contact | None:
        return None if self.contact_id is None else self.app.contacts.get(self.contact_id)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="compose-form"):
            with Horizontal(classes="form-line"):
                yield Static(_("To"), classes="label")
                yield Input(self._to, id="compose-to", compact=True)
            if self.channel in TEMPLATE_CHANNELS:
                with Horizontal(classes="form-line"):
                    yield Static(_("Template"), classes="label")
                    templates = templates_of(self.app).list(self.channel)
                    yield Select([(t.name, t.id) for t in templates], prompt=_("(own text)"), id="compose-template",
                                 compact=True)
            else:
                yield Static(_("{channel} takes free text only (no templates).").format(channel=channel_label(self.channel)),
                             classes="hint")
            if self.channel == EMAIL:
                with Horizontal(classes="form-line"):
                    yield Static(_("Subject"), classes="label")
                    yield Input(id="compose-subject", compact=True)
            yield TextArea(id="compose-body")
            yield Static("", id="compose-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        contact = self.contact
        name = contact.display_name if contact else ""
        self.title = _("{channel} to {name}").format(channel=channel_label(self.channel), name=name)
        self.query_one("#compose-body", TextArea).focus()

    def has_unsaved_changes(self) -> bool:
        return bool(self.query_one("#compose-body", TextArea).text.strip()) and not self._sending

    @on(Select.Changed, "#compose-template")
    def _template_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.BLANK:
            return
        template = templates_of(self.app).get(int(event.value))
        contact = self.contact
        if template is None or contact is None:
            return
        context = context_for(self.app.contacts, self.app.links, contact, operator=self.app.user, today=date.today())
        try:
            rendered = render_template(template, context)
        except TemplateProblem as problem:
            self.notify(str(problem), severity="error", title=_("Template not used"), markup=False, timeout=10)
            return
        if self.channel == EMAIL:
            self.query_one("#compose-subject", Input).value = rendered.subject
        self.query_one("#compose-body", TextArea).text = rendered.body

    def _status(self, text: str) -> None:
        self.query_one("#compose-status", Static).update(text)

    def _refusal(self, to: str) -> str | None:
        """Consent / flag rules for ``to`` when it is one of the contact's own addresses or phones."""
        contact = self.contact
        if contact is None:
            return None
        if self.channel == EMAIL:
            email = next((e for e in contact.emails if e.address.casefold() == to.casefold()), None)
            return email_refusal(email) if email else None
        phone = next((p for p in contact.phones if p.number == to), None)
        return phone_refusal(phone, self.channel) if phone else None

    def action_send(self) -> None:
        if self._sending:
            return
        to = self.query_one("#compose-to", Input).value.strip()
        body = self.query_one("#compose-body", TextArea).text
        subject = self.query_one("#compose-subject", Input).value.strip() if self.channel == EMAIL else ""
        missing = (not to and _("Fill in the recipient.")) or (not body.strip() and _("Write the message."))
        missing = missing or (self.channel == EMAIL and not subject and _("Fill in the subject."))
        refusal = missing or self._refusal(to)
        if refusal:
            self._status(refusal)
            self.notify(refusal, severity="warning", title=_("Not sent"), markup=False)
            return
        app = self.app
        try:
            message = app.outbox.add(to=to, subject=subject, body=body, kind="message", author=app.user,
                                     channel=self.channel, contact_id=self.contact_id)
        except (StoreError, ValueError) as error:
            self.notify(str(error), severity="error", title=_("Not sent"), markup=False)
            return
        self._sending = True
        sender = sender_for(app.settings, message)
        if sender is None and self.channel in PHONE_CHANNELS:
            app.outbox.mark_by_phone(message.id)
            title = _("Send from your phone: scan the code ({channel})").format(channel=channel_label(self.channel))
            link = chat_link(self.channel, to, body)
            self.dismiss()
            app.push_screen(QrScreen(title, link, text=body if self.channel == VIBER else ""))
            return
        if sender is None:
            app.notify(_("No SMTP server is set up (Settings, F2): the message waits in the outbox."),
                       severity="warning", markup=False, timeout=10)
            self.dismiss()
            return
        claimed = app.outbox.claim(message.id, version=message.version)
        if claimed is not None:
            app.notify(_("Sending to {to}…").format(to=to), markup=False)
            send_in_background(app, [(claimed, sender)], lambda results: delivery_notice(app, results))
        self.dismiss()

    def action_cancel(self) -> None:
        if not self.has_unsaved_changes():
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmScreen(_("Discard this message?"), yes=_("Discard"), no=_("Keep writing")), answered)


class QrScreen(ModalScreen[None]):
    """A link as a QR code to scan with a phone (chat with the text prefilled, or a call)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", _("Close"))]

    def __init__(self, title: str, link: str, *, text: str = "") -> None:
        super().__init__()
        self._title = title
        self.link = link
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="qr-dialog"):
            yield Static(self._title, markup=False, classes="title")
            yield QrCode(self.link, id="qr-code")
            if self._text:  # Viber cannot prefill: the text to paste
                yield Static(self._text, markup=False, id="qr-text")
            yield Static(self.link, markup=False, classes="hint", id="qr-link")
        yield KeyFooter()


__all__ = ["ComposeScreen", "QrScreen", "delivery_notice", "open_compose", "open_send_menu", "phone_flag_label",
           "send_in_background", "templates_of"]
