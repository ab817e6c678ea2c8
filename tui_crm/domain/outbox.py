"""Outgoing messages: what the program wants to send, kept until it is sent.

``queued`` → ``sending`` (claimed by one session: ``claimed_by``, ``claimed_at``) → ``sent``
(``sent_at``), or back to ``queued`` when the server could not be reached (``attempts``+1,
``error`` kept), or ``failed`` when it refused the message (``error``; may be retried).
A phone message with no SMS gateway becomes ``by_phone``: the operator sends it from a phone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tui_crm.i18n import _

QUEUED, SENDING, SENT, FAILED, BY_PHONE = "queued", "sending", "sent", "failed", "by_phone"
STATUSES = (QUEUED, SENDING, SENT, FAILED, BY_PHONE)
#: Statuses a retry sends again.
RETRIABLE = (QUEUED, FAILED)

#: A claim older than this is taken to be abandoned (the session died while sending) and may be
#: taken over. The risk: a session that is still sending after this long (a very slow server)
#: and then succeeds makes the message go out twice.
CLAIM_TIMEOUT_SECONDS = 10 * 60

#: Kinds known so far; notification e-mails (invoice, ticket, …) will add theirs.
KINDS = ("welcome", "set_password", "message")

CHANNELS = ("email", "sms", "whatsapp", "viber")


def status_label(status: str) -> str:
    return {QUEUED: _("queued"), SENDING: _("sending"), SENT: _("sent"), FAILED: _("failed"),
            BY_PHONE: _("by phone")}.get(status, status)


def kind_label(kind: str) -> str:
    return {"welcome": _("Welcome"), "set_password": _("Set password"), "message": _("Message")}.get(kind, kind)


@dataclass(slots=True)
class OutboxMessage:
    to: str
    subject: str
    body: str
    kind: str
    channel: str = "email"
    status: str = QUEUED
    contact_id: int | None = None
    link_id: int | None = None
    # delivery, filled in by the sender
    attempts: int = 0
    sent_at: str = ""
    error: str = ""
    claimed_by: str = ""
    claimed_at: str = ""
    # bookkeeping, set by the store
    id: int | None = None
    version: int = 0
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("id")
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], message_id: int | None = None) -> OutboxMessage:
        """Fields this version does not know (added by a newer one) are ignored."""
        known = {key: value for key, value in doc.items() if key in cls.__dataclass_fields__ and key != "id"}
        return cls(**known, id=message_id)
