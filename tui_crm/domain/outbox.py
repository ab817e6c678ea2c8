"""Outgoing messages: what the program wants to send, kept until it is sent.

Messages are queued now; sending (SMTP) comes later and moves them on:
``queued`` → ``sent`` (``sent_at``), or ``failed`` (``error``, ``attempts``; may be retried).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tui_crm.i18n import _

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUSES = (QUEUED, SENT, FAILED)

#: Kinds known so far; notification e-mails (invoice, ticket, …) will add theirs.
KINDS = ("welcome", "set_password")

CHANNELS = ("email",)


def status_label(status: str) -> str:
    return {QUEUED: _("queued"), SENT: _("sent"), FAILED: _("failed")}.get(status, status)


def kind_label(kind: str) -> str:
    return {"welcome": _("Welcome"), "set_password": _("Set password")}.get(kind, kind)


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
    # delivery, filled in by the sender (a later issue)
    attempts: int = 0
    sent_at: str = ""
    error: str = ""
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
