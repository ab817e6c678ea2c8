"""Writing to a contact: choose an address or phone and channel (``open_send_menu``), then the
compose screen (recipient, template or own text, subject, body); ctrl+s queues it in the outbox
and sends it on a worker thread. A phone message with no SMS gateway shows a QR code instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from textual import events, on
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
    recipient_index,
    recipient_refusal,
    render_template,
)
from tui_crm.domain.outbox import OutboxMessage
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import _
from tui_crm.store import ConflictError, StoreError
from tui_crm.store.delivery import SMTP_SETTING, Sender, SmtpSettings, has_sender, sender_for
from tui_crm.store.outbox import DeliveryResult, attempt
from tui_crm.store.templates import TemplateRepository, context_for

from ..widgets.footer import KeyFooter
from ..widgets.qr import QrCode, qr_lines
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
    or without the phone's flag for ``channel``; the consent or flag can be recorded on the spot."""
    app = screen.app
    if channel == "call":
        number = contact.phones[index].number
        app.push_screen(QrScreen(_("Call {number}").format(number=format_phone(number)), call_link(number)))
        return
    if app.database.read_only:  # said before anything is written, not after
        app.notify(_("This database is read-only: no message can be sent from it (a call can)."),
                   severity="warning", markup=False)
        return
    if channel == EMAIL:
        to = contact.emails[index].address
        refusal = email_refusal(contact.emails[index])
    else:
        to = contact.phones[index].number
        refusal = phone_refusal(contact.phones[index], channel)

    def write() -> None:
        app.push_screen(ComposeScreen(contact.id, channel, to))

    if refusal:
        offer_permission(app, contact, channel, index, refusal, then=write, sending=False)
        return
    write()


def offer_permission(app: Any, contact: Contact, channel: str, index: int, refusal: str, *,
                     then: Callable[[], None], sending: bool) -> None:
    """Say why the contact's address (or phone) ``index`` may not get a ``channel`` message, and
    offer to record the consent (or turn the channel's flag on) now; ``then`` runs once it is saved."""
    app.notify(refusal, severity="warning", title=_("Cannot send"), markup=False, timeout=8)
    if channel == EMAIL:
        address = contact.emails[index].address
        question = (_("Record that {address} has given consent to e-mails, then send?") if sending
                    else _("Record that {address} has given consent to e-mails, then write?")).format(address=address)
        yes = _("Record consent")
    else:
        number = format_phone(contact.phones[index].number)
        flag = phone_flag_label(channel)
        question = (_("Turn on the “{flag}” flag for {number}, then send?") if sending
                    else _("Turn on the “{flag}” flag for {number}, then write?")).format(flag=flag, number=number)
        yes = _("Turn the flag on")

    def answered(record: bool | None) -> None:
        if record and grant_permission(app, contact, channel, index):
            then()

    app.push_screen(ConfirmScreen(question, yes=yes, no=_("Cancel")), answered)


def _recipient_value(contact: Contact | None, channel: str, index: int) -> str:
    """The address (e-mail) or number (phone channels) in row ``index`` of ``contact``; "" when there is none."""
    rows = [] if contact is None else contact.emails if channel == EMAIL else contact.phones
    if index >= len(rows):
        return ""
    return rows[index].address if channel == EMAIL else rows[index].number


def _with_permission(contact: Contact, channel: str, index: int) -> None:
    """Give the e-mail ``index`` its consent, or the phone ``index`` its ``channel`` flag (in place)."""
    if channel == EMAIL:
        contact.emails[index] = replace(contact.emails[index], consent=True)
    else:
        contact.phones[index] = replace(contact.phones[index], **{channel: True})


def grant_permission(app: Any, contact: Contact, channel: str, index: int) -> bool:
    """Record on the stored contact that its e-mail ``index`` has consent (or that phone ``index``
    takes ``channel`` messages); True when saved. Only that one value changes, on top of the current
    version: when someone saved the contact just before, it is tried once more on theirs; when the
    address or number itself changed meanwhile, nothing is recorded."""
    seen = _recipient_value(contact, channel, index)
    for retry in (False, True):
        current = None if contact.id is None else app.contacts.get(contact.id)
        if current is None or not seen or _recipient_value(current, channel, index) != seen:
            app.notify(_("The contact changed meanwhile; nothing was recorded."), severity="warning")
            return False
        _with_permission(current, channel, index)
        try:
            app.contacts.save(current, author=app.user)
        except ConflictError as error:
            gone = error.current is None or error.current.get("deleted_at")
            if not gone and not retry:
                continue  # someone saved just before us: put the one change on their version
            app.notify(str(error), severity="error", title=_("Not recorded"), markup=False, timeout=10)
            return False
        except StoreError as error:
            app.notify(str(error), severity="error", title=_("Not recorded"), markup=False, timeout=10)
            return False
        return True
    return False


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
            with Horizontal(classes="form-line", id="compose-to-line"):
                yield Static(_("To"), classes="label")
                # no select-all on focus: tab wraps from the body to here, and a key would replace it
                yield Input(self._to, id="compose-to", compact=True, select_on_focus=False)
            yield Static("", id="compose-to-error", markup=False)
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
        # the recipient was chosen from the menu: start where there is something to write
        first = "#compose-subject" if self.channel == EMAIL else "#compose-body"
        self.query_one(first).focus()

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

    def _to_error(self, text: str) -> None:
        """Show (or, with "", hide) why the recipient is refused, right under the To field."""
        error = self.query_one("#compose-to-error", Static)
        error.update(text)
        error.display = bool(text)
        self.query_one("#compose-to-line").set_class(bool(text), "-refused")

    @on(Input.Changed, "#compose-to")
    def _to_edited(self) -> None:
        self._to_error("")

    def _recipient(self, to: str) -> str | None:
        """The recipient to send to: the contact's own address or number that ``to`` names, as
        stored (E.164 for a phone). None when the consent / flag rules refuse it: the reason is
        shown under To, with the offer to record the consent or flag when only that is missing."""
        if self.contact_id is None:  # not written to a contact: no consent or flag applies
            return to
        contact = self.contact
        if contact is None:
            self._refuse(_("The contact no longer exists."))
            return None
        index = recipient_index(contact, self.channel, to)
        refusal = recipient_refusal(contact, self.channel, to)
        if refusal is None and index is not None:
            return _recipient_value(contact, self.channel, index)
        refusal = refusal or _("Fill in the recipient.")
        if index is None:
            self._refuse(refusal)
        else:  # one of its own: only the consent or the flag is missing
            self._to_error(refusal)
            offer_permission(self.app, contact, self.channel, index, refusal, then=self._permission_recorded,
                             sending=True)
        return None

    def _permission_recorded(self) -> None:
        self._to_error("")  # the refusal under To is answered
        self.action_send()

    def _refusal_now(self, to: str) -> str | None:
        """The rules asked again inside the outbox's write: another session may have withdrawn
        the consent or switched the flag off since the screen checked."""
        if self.contact_id is None:
            return None
        contact = self.app.contacts.get(self.contact_id)
        if contact is None or contact.deleted_at:
            return _("The contact no longer exists.")
        return recipient_refusal(contact, self.channel, to)

    def _refuse(self, refusal: str) -> None:
        self._to_error(refusal)
        self.query_one("#compose-to", Input).focus()
        self.notify(refusal, severity="warning", title=_("Not sent"), markup=False)

    def action_send(self) -> None:
        if self._sending:
            return
        to = self.query_one("#compose-to", Input).value.strip()
        body = self.query_one("#compose-body", TextArea).text
        subject = self.query_one("#compose-subject", Input).value.strip() if self.channel == EMAIL else ""
        missing = (not to and _("Fill in the recipient.")) or (not body.strip() and _("Write the message."))
        missing = missing or (self.channel == EMAIL and not subject and _("Fill in the subject."))
        if missing:
            self._status(missing)
            self.notify(missing, severity="warning", title=_("Not sent"), markup=False)
            return
        self._status("")
        recipient = self._recipient(to)
        if recipient is None:
            return
        to = recipient
        app = self.app
        if self.channel in PHONE_CHANNELS and not has_sender(app.settings, self.channel):
            rows = len(qr_lines(chat_link(self.channel, to, body)))
            if rows > app.size.height:  # a cut code cannot be scanned: nothing is queued, the text stays
                problem = _("Too long to hand to your phone as a QR code here: the code needs {rows} rows, the "
                            "terminal has {height}. Shorten the text or make the window taller.").format(
                    rows=rows, height=app.size.height)
                self._status(problem)
                self.notify(problem, severity="warning", title=_("Not sent"), markup=False)
                return
        try:
            message = app.outbox.add(to=to, subject=subject, body=body, kind="message", author=app.user,
                                     channel=self.channel, contact_id=self.contact_id,
                                     refusal=lambda: self._refusal_now(to))
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
            missing = SmtpSettings.from_value(app.settings.get(SMTP_SETTING)).missing
            app.notify(_("{problem} The message waits in the outbox.").format(problem=missing),
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
            yield Static(self._title, markup=False, classes="title", id="qr-title")
            yield QrCode(self.link, id="qr-code")
            yield Static("", markup=False, id="qr-too-tall", classes="error")
            if self._text:  # Viber cannot prefill: the text to paste
                yield Static(self._text, markup=False, id="qr-text")
            yield Static(self.link, markup=False, classes="hint", id="qr-link")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fit(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """The code whole on the screen: the link, the title and the footer give way to it, in that
        order (escape still closes); a code taller than the terminal is not shown cut but explained."""
        code = self.query_one("#qr-code", QrCode)
        width = max(self.app.size.width - 2, 1)
        rows_of = {"qr-link": _wrapped_rows(self.link, width), "qr-title": 1}
        extras = [self.query_one("#qr-link"), self.query_one("#qr-title"), self.query_one(KeyFooter)]
        spare = height - code.rows - (_wrapped_rows(self._text, width) if self._text else 0)
        for extra in extras:
            rows = rows_of.get(extra.id or "", 1)
            extra.display = spare >= rows
            spare -= rows if extra.display else 0
        too_tall = code.rows > height
        code.display = not too_tall
        notice = self.query_one("#qr-too-tall", Static)
        notice.display = too_tall
        if too_tall:
            self.query_one("#qr-title").display = self.query_one(KeyFooter).display = True
            notice.update(_("This code needs {rows} rows and the terminal has {height}: make the window taller "
                            "(or the text shorter) to scan it. escape closes.").format(rows=code.rows, height=height))


def _wrapped_rows(text: str, width: int) -> int:
    return sum(max(-(-len(line) // width), 1) for line in text.splitlines() or [""])


__all__ = ["ComposeScreen", "QrScreen", "delivery_notice", "grant_permission", "offer_permission", "open_compose",
           "open_send_menu", "phone_flag_label", "send_in_background", "templates_of"]
