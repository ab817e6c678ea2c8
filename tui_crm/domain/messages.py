"""Messages to a contact: templates, their rendering, who may be written to, chat links.

Templates are Jinja2 text rendered in the same sandbox as documents (``tui_crm.domain.documents``):
an unknown variable is an error, and every problem is a ``TemplateProblem`` naming the line.

Variables (see ``message_context``)::

    contact           .name .first_name .last_name .email .phone (first ones)
    organization      .name .email .phone (the contact's organization, or the contact itself
                      when it is one; missing otherwise: ``{% if organization %}``)
    primary_contact   the organization's primary contact person (.name .first_name .last_name
                      .email .phone; missing when there is none)
    operator          who sends the message
    today             today's date: ``{{ today|date }}``
"""

from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from tui_crm.i18n import _

from .contact import Contact, Email, Phone
from .documents import MissingValue, TemplateProblem, _Sandbox, _Undefined, date_filter
from .template_errors import syntax_error
from .validation import format_phone, normalize_email, normalize_phone

EMAIL, SMS, WHATSAPP, VIBER = "email", "sms", "whatsapp", "viber"
CHANNELS = (EMAIL, SMS, WHATSAPP, VIBER)
PHONE_CHANNELS = (SMS, WHATSAPP, VIBER)
#: Viber takes free text only (seed 004).
TEMPLATE_CHANNELS = (EMAIL, SMS, WHATSAPP)

#: The name a template's problems are reported under when it has no name yet.
_SOURCE_NAME = "<template>"


def channel_label(channel: str) -> str:
    return {EMAIL: _("E-mail"), SMS: _("SMS"), WHATSAPP: _("WhatsApp"), VIBER: _("Viber")}.get(channel, channel)


@dataclass(slots=True)
class MessageTemplate:
    """A message template for one channel; ``subject`` is used by e-mail only."""

    name: str
    channel: str
    body: str
    subject: str = ""
    #: a system template ("welcome", "set_password") the program itself uses; cannot be deleted
    kind: str = ""
    id: int | None = None
    version: int = 0
    updated_at: str = ""
    updated_by: str = ""

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("id")
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], template_id: int | None = None) -> MessageTemplate:
        known = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__ and k != "id"}
        return cls(**known, id=template_id)


class MessageError(ValueError):
    """A message cannot be composed or sent as asked; ``str(error)`` says why to the user."""


def validate_template(template: MessageTemplate) -> None:
    """Raise ``MessageError`` for a template that cannot be saved (``TemplateProblem`` for bad Jinja)."""
    if not template.name.strip():
        raise MessageError(_("A template needs a name."))
    if template.channel not in TEMPLATE_CHANNELS:
        raise MessageError(_("{channel} takes free text only: it has no templates.").format(
            channel=channel_label(template.channel)))
    if not template.body.strip():
        raise MessageError(_("A template needs a text."))
    check_syntax(template.subject, template.name)
    check_syntax(template.body, template.name)


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactVars:
    name: str
    first_name: str
    last_name: str
    email: str
    phone: str


def contact_vars(contact: Contact) -> ContactVars:
    return ContactVars(
        name=contact.display_name,
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=next((e.address for e in contact.emails if e.address), ""),
        phone=next((p.number for p in contact.phones if p.number), ""),
    )


def message_context(contact: Contact, *, organization: Contact | None, primary_contact: Contact | None,
                    operator: str, today: date) -> dict[str, Any]:
    """The variables a message template sees when written to ``contact``."""
    if organization is None and not contact.is_person:
        organization = contact
    no_organization = MissingValue(hint=_("{name} belongs to no organization.").format(name=contact.display_name),
                                   name="organization")
    no_primary = MissingValue(hint=_("There is no primary contact person."), name="primary_contact")
    return {
        "contact": contact_vars(contact),
        "organization": contact_vars(organization) if organization else no_organization,
        "primary_contact": contact_vars(primary_contact) if primary_contact else no_primary,
        "operator": operator,
        "today": today,
    }


def _environment() -> _Sandbox:
    env = _Sandbox(undefined=_Undefined, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=True, cache_size=0)
    env.filters["date"] = date_filter
    return env


def check_syntax(text: str, name: str = _SOURCE_NAME) -> None:
    try:
        _environment().parse(text)
    except TemplateSyntaxError as error:
        raise TemplateProblem(name, *syntax_error(error, text)) from None


def render_text(text: str, context: dict[str, Any], name: str = _SOURCE_NAME) -> str:
    """``text`` rendered with ``context``; raises ``TemplateProblem`` (with the line) on any error."""
    check_syntax(text, name)
    try:
        return _environment().from_string(text).render(context)
    except TemplateSyntaxError as error:  # found when compiling: an unknown filter or test
        raise TemplateProblem(name, *syntax_error(error, text)) from None
    except (UndefinedError, SecurityError, TemplateError) as error:
        raise TemplateProblem(name, _line(error), error.message or str(error)) from None
    except RecursionError as error:
        raise TemplateProblem(name, _line(error), _("the template calls itself without end.")) from None
    except Exception as error:  # noqa: BLE001 - a template can raise anything (1/0, "a" + 1, …)
        raise TemplateProblem(name, _line(error), _("error: {detail}").format(detail=error)) from None


def _line(error: BaseException) -> int | None:
    """The template line of ``error``: Jinja rewrites tracebacks so template code is a "<template>" frame."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == "<template>":
            return frame.lineno
    return None


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str
    body: str


def render_template(template: MessageTemplate, context: dict[str, Any]) -> RenderedMessage:
    subject = render_text(template.subject, context, template.name).strip() if template.channel == EMAIL else ""
    return RenderedMessage(subject, render_text(template.body, context, template.name))


# -- who may be written to -------------------------------------------------------------------


def email_refusal(email: Email) -> str | None:
    """Why ``email`` may not be written to (seed 004: no consent, no e-mail), or None."""
    if not email.address:
        return _("The contact has no e-mail address.")
    if not email.consent:
        return _("{address} has no consent to e-mails.").format(address=email.address)
    return None


def phone_flag_label(channel: str) -> str:
    return {SMS: _("SMS"), WHATSAPP: _("WhatsApp"), VIBER: _("Viber")}.get(channel, channel)


def phone_refusal(phone: Phone, channel: str) -> str | None:
    """Why ``phone`` may not get a ``channel`` message (its flag for the channel is off), or None."""
    if channel not in PHONE_CHANNELS:
        raise ValueError(f"not a phone channel: {channel!r}")
    if not phone.number:
        return _("The contact has no phone number.")
    if not getattr(phone, channel):
        return _("{number} does not have the “{flag}” flag on.").format(number=format_phone(phone.number),
                                                                      flag=phone_flag_label(channel))
    return None


def _email_key(address: str) -> str:
    """``address`` as compared: normalized (the domain lower-cased, IDNA) and case-folded; an
    address that is not valid is compared as typed, so it simply matches nothing."""
    text = address.strip()
    try:
        text = normalize_email(text)
    except ValueError:
        pass
    return text.casefold()


def _phone_key(number: str, region: str) -> str | None:
    """``number`` in E.164 (``"601 234 567"`` and ``"+48 601-234-567"`` are the same), or None."""
    try:
        return normalize_phone(number, region)
    except ValueError:
        return None


def recipient_index(contact: Contact, channel: str, to: str, region: str = "PL") -> int | None:
    """The row of ``contact.emails`` (e-mail) or ``contact.phones`` (a phone channel) that the
    typed recipient ``to`` names, however it is written; None when it is none of them."""
    if channel == EMAIL:
        key = _email_key(to)
        return next((i for i, e in enumerate(contact.emails) if e.address and _email_key(e.address) == key), None)
    if channel not in PHONE_CHANNELS:
        raise ValueError(f"unknown channel: {channel!r}")
    key = _phone_key(to, region)
    if key is None:
        return None
    return next((i for i, p in enumerate(contact.phones) if p.number and _phone_key(p.number, region) == key), None)


def recipient_refusal(contact: Contact, channel: str, to: str, region: str = "PL") -> str | None:
    """Why a ``channel`` message to ``to`` may not be sent to ``contact``, or None.

    The rules hold for the recipient actually written to, not only for the one chosen from the
    menu: ``to`` must be one of the contact's own e-mail addresses with consent, or one of its
    phones with the channel's flag on (numbers compared in E.164, addresses case-insensitively).
    """
    to = to.strip()
    if not to:
        return _("Fill in the recipient.")
    index = recipient_index(contact, channel, to, region)
    if channel == EMAIL:
        if index is None:
            return _("{address} is not an e-mail address of {name}: add it to the contact first.").format(
                address=to, name=contact.display_name)
        return email_refusal(contact.emails[index])
    if index is None:
        return _("{number} is not a phone number of {name}: add it to the contact first.").format(
            number=to, name=contact.display_name)
    return phone_refusal(contact.phones[index], channel)


def allowed_channels(phone: Phone) -> list[str]:
    return [channel for channel in PHONE_CHANNELS if phone_refusal(phone, channel) is None]


# -- links for the QR code -------------------------------------------------------------------


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit())


def chat_link(channel: str, number: str, text: str) -> str:
    """A link that opens the chat with ``text`` prefilled on a phone (scanned from the QR code)."""
    if channel == WHATSAPP:
        return f"https://wa.me/{_digits(number)}?text={quote(text)}"
    if channel == SMS:  # the QR codes' own SMS form: the text as it is, a third of a percent-encoded one
        return f"SMSTO:+{_digits(number)}:{text}"
    if channel == VIBER:  # Viber cannot prefill a text: the operator pastes it
        return f"viber://chat?number=%2B{_digits(number)}"
    raise ValueError(f"not a phone channel: {channel!r}")


def call_link(number: str) -> str:
    return f"tel:+{_digits(number)}"


# -- the program's own e-mails ---------------------------------------------------------------

WELCOME, SET_PASSWORD = "welcome", "set_password"
SYSTEM_KINDS = (WELCOME, SET_PASSWORD)


def system_kind_label(kind: str) -> str:
    return {WELCOME: _("Welcome e-mail (portal)"), SET_PASSWORD: _("Set-password e-mail (portal)")}.get(kind, kind)


def _greeting() -> str:
    return "{% if name %}" + _("Hello {name},").format(name="{{ name }}") + "{% else %}" + _("Hello,") + "{% endif %}\n\n"  # the block eats one newline


def default_system_template(kind: str) -> MessageTemplate:
    """The shipped text of a program e-mail, as a template the user may edit.

    ``welcome`` sees ``name``, ``login``, ``set_password_follows``; ``set_password`` sees
    ``name``, ``login``, ``link`` (the one-time link) and ``expires_at`` (already formatted).
    Both see ``operator`` and ``today`` too.
    """
    if kind == WELCOME:
        body = (_greeting() + "\n" + _("You now have access to our client portal.") + "\n"
                + _("Your login: {login}").format(login="{{ login }}") + "\n\n"
                + "{% if set_password_follows %}"
                + _("You will receive a separate e-mail with a link to set your password.")
                + "{% else %}" + _("If you do not know your password, ask us for a link to set one.") + "{% endif %}\n\n")
        return MessageTemplate(system_kind_label(kind), EMAIL, body, _("Welcome to our client portal"), kind=kind)
    if kind == SET_PASSWORD:
        body = (_greeting() + "\n"
                + _("To set the password for your client portal login {login}, open this link:").format(login="{{ login }}")
                + "\n\n{{ link }}\n\n"
                + _("The link works once and is valid for 48 hours, until {when}.").format(when="{{ expires_at }}") + "\n")
        return MessageTemplate(system_kind_label(kind), EMAIL, body, _("Set your client portal password"), kind=kind)
    raise ValueError(f"unknown system template {kind!r}")


def sample_context(kind: str = "", *, operator: str = "", today: date | None = None) -> dict[str, Any]:
    """Variables to try a template with before it is saved (a bad one is refused with its line)."""
    today = today or date.today()
    if kind in SYSTEM_KINDS:
        return {"name": "Anna Nowak", "login": "anna@example.com", "set_password_follows": True,
                "link": "tui-crm://set-password?token=…", "expires_at": "", "operator": operator, "today": today}
    person = Contact(first_name="Anna", last_name="Nowak", emails=[Email("anna@example.com")])
    return message_context(person, organization=Contact(name="Example Ltd"), primary_contact=person,
                           operator=operator, today=today)
