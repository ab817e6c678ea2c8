"""Delivering messages: SMTP for e-mail, an HTTP gateway for SMS / WhatsApp / Viber.

Senders share one small interface (``Sender.send(message)``) and report every problem as a
``DeliveryError`` whose text is the server's reason. ``temporary`` errors (no network, a 4xx
reply) leave the message queued for a retry; permanent ones (a 5xx refusal) mark it failed.

Settings (database-wide, ``SettingsRepository``): ``smtp`` = {host, port, security ("starttls",
"ssl" or "none"), user, sender}; ``sms_gateway`` = {url, user} where ``url`` holds ``{to}`` and
``{text}`` placeholders. Passwords are never stored in the database: they come from the
environment (``TUI_CRM_SMTP_PASSWORD``, ``TUI_CRM_GATEWAY_PASSWORD``) or the system keyring.
"""

from __future__ import annotations

import errno
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol
from urllib.parse import quote

from tui_crm.domain.outbox import OutboxMessage
from tui_crm.i18n import _, os_reason

SMTP_SETTING = "smtp"
GATEWAY_SETTING = "sms_gateway"
SMTP_PASSWORD_ENV = "TUI_CRM_SMTP_PASSWORD"
GATEWAY_PASSWORD_ENV = "TUI_CRM_GATEWAY_PASSWORD"
KEYRING_SERVICE = "tui-crm"
SECURITIES = ("starttls", "ssl", "none")
TIMEOUT_SECONDS = 20


class DeliveryError(Exception):
    def __init__(self, reason: str, *, temporary: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message`` or raise ``DeliveryError``."""


def secret(env_name: str, keyring_user: str) -> str:
    """A password from the environment, else the system keyring (which may have no backend)."""
    value = os.environ.get(env_name)
    if value:
        return value
    if not keyring_user:
        return ""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_user) or ""
    except Exception:  # noqa: BLE001 - no backend, a locked keyring, …: then only the environment counts
        return ""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender: str = ""

    @classmethod
    def from_value(cls, value: Any) -> SmtpSettings:
        value = value if isinstance(value, dict) else {}
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        if "port" in known:
            known["port"] = int(known["port"] or 0)
        return cls(**known)

    def to_value(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "security": self.security, "user": self.user, "sender": self.sender}

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def missing(self) -> str:
        """What keeps e-mail from going out, in words ("" when nothing does)."""
        if not self.host:
            return _("No SMTP server is set up (Settings, F2).")
        if not self.sender:
            return _("The sender's address is not filled in (Settings, F2 → Sending messages).")
        return ""

    @property
    def keyring_user(self) -> str:
        return f"smtp:{self.user}@{self.host}" if self.user else ""


def email_message(message: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message: UTF-8 headers and body (Polish letters intact)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)  # required by RFC 5322; spam filters frown on mail without
    domain = sender.rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(message.body, charset="utf-8")
    return mail


class SmtpSender:
    def __init__(self, settings: SmtpSettings, password: str | None = None) -> None:
        self.settings = settings
        self.password = secret(SMTP_PASSWORD_ENV, settings.keyring_user) if password is None else password

    def send(self, message: OutboxMessage) -> None:
        s = self.settings
        if not s.configured:
            raise DeliveryError(s.missing, temporary=True)
        Address(addr_spec=s.sender)  # a malformed sender is a settings problem: ValueError
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
            with client:
                if s.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if s.user:
                    client.login(s.user, self.password)
                client.send_message(email_message(message, s.sender))
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise DeliveryError(_reply(code, reply), temporary=400 <= code < 500) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(_reply(error.smtp_code, error.smtp_error), temporary=400 <= error.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError) as error:  # no network, closed port, TLS failure
            raise DeliveryError(_("{host}:{port}: {reason}").format(
                host=s.host, port=s.port, reason=network_reason(error)), temporary=True) from None


def network_reason(error: Exception) -> str:
    """Why a server could not be reached, in the user's language (the usual cases; else the OS's words)."""
    if isinstance(error, ConnectionRefusedError):
        return _("nothing answers on that port (is the server running, is the port right?)")
    if isinstance(error, TimeoutError):
        return _("no answer within {seconds} seconds").format(seconds=TIMEOUT_SECONDS)
    if isinstance(error, socket.gaierror):
        return _("no such host name (a typo, or no network?)")
    if isinstance(error, ssl.SSLError):
        return _("the secure connection (TLS) failed: {detail}").format(detail=error.reason or error)
    if isinstance(error, smtplib.SMTPNotSupportedError) or "STARTTLS extension not supported" in str(error):
        return _("the server does not offer STARTTLS: choose SSL or no encryption in Settings (F2)")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _("the server closed the connection")
    if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return _("no network route to the server")
    return os_reason(error)


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}"


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    url: str = ""  # e.g. "https://gw.example/send?to={to}&text={text}&channel={channel}"
    user: str = ""

    @classmethod
    def from_value(cls, value: Any) -> GatewaySettings:
        value = value if isinstance(value, dict) else {}
        return cls(url=str(value.get("url", "")), user=str(value.get("user", "")))

    def to_value(self) -> dict[str, Any]:
        return {"url": self.url, "user": self.user}

    @property
    def configured(self) -> bool:
        return "{to}" in self.url


class HttpGatewaySender:
    """Sends a phone message by requesting the gateway's URL (placeholders filled, URL-quoted)."""

    def __init__(self, settings: GatewaySettings, password: str | None = None) -> None:
        self.settings = settings
        keyring_user = f"gateway:{settings.user}" if settings.user else ""
        self.password = secret(GATEWAY_PASSWORD_ENV, keyring_user) if password is None else password

    def send(self, message: OutboxMessage) -> None:
        import httpx

        url = self.settings.url.format(to=quote(message.to), text=quote(message.body), channel=message.channel)
        auth = (self.settings.user, self.password) if self.settings.user else None
        try:
            response = httpx.post(url, auth=auth, timeout=TIMEOUT_SECONDS)
        except httpx.HTTPError as error:
            raise DeliveryError(_("cannot reach the SMS gateway: {reason}").format(reason=_http_reason(error)),
                                temporary=True) from None
        if response.status_code >= 300:
            reason = f"{response.status_code} {response.text.strip()[:200]}"
            raise DeliveryError(reason, temporary=response.status_code >= 500 or response.status_code == 429)


def _http_reason(error: Exception) -> str:
    """httpx's error in words: the network problem under it (refused, unknown host, …) when there is one."""
    import httpx

    if isinstance(error, httpx.TimeoutException):
        return _("no answer within {seconds} seconds").format(seconds=TIMEOUT_SECONDS)
    cause: BaseException | None = error
    while cause is not None:  # httpx wraps the socket's error (refused, unknown host, …)
        if isinstance(cause, OSError):
            return network_reason(cause)
        cause = cause.__cause__ or cause.__context__
    return str(error)


def sender_for(settings: Any, message: OutboxMessage) -> Sender | None:
    """The sender for ``message`` from the settings; None when its channel has none set up
    (a phone message is then sent by the operator from a phone; an e-mail waits queued)."""
    if not has_sender(settings, message.channel):
        return None
    if message.channel == "email":
        return SmtpSender(SmtpSettings.from_value(settings.get(SMTP_SETTING)))
    return HttpGatewaySender(GatewaySettings.from_value(settings.get(GATEWAY_SETTING)))


def has_sender(settings: Any, channel: str) -> bool:
    """Whether ``channel`` has a way out set up (an SMTP server, an SMS gateway)."""
    if channel == "email":
        return SmtpSettings.from_value(settings.get(SMTP_SETTING)).configured
    return GatewaySettings.from_value(settings.get(GATEWAY_SETTING)).configured
