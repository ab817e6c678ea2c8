"""The outbox: e-mails waiting to be sent, shared through the database file.

Nothing is delivered yet (SMTP comes in a later issue): messages are added as "queued". The
record already carries what delivery needs (``status``, ``attempts``, ``sent_at``, ``error``,
``version`` for a sender that claims a message under the lock).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tui_crm.domain.outbox import CHANNELS, QUEUED, OutboxMessage

from .contacts import utc_now
from .database import Database, WriteBatch

TABLE = "outbox"


class OutboxRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)

    # -- reading ---------------------------------------------------------------------------

    def get(self, message_id: int) -> OutboxMessage | None:
        doc = self._table.raw_get(message_id)
        return None if doc is None else OutboxMessage.from_doc(doc, message_id)

    def list(self, status: str | None = None) -> list[OutboxMessage]:
        """The messages (only those with ``status``, if given), newest first."""
        found = [
            OutboxMessage.from_doc(doc, message_id)
            for message_id, doc in self._table.raw_items()
            if status is None or doc.get("status") == status
        ]
        return sorted(found, key=lambda m: (m.created_at, m.id or 0), reverse=True)

    # -- writing ---------------------------------------------------------------------------

    def add(self, *, to: str, subject: str, body: str, kind: str, author: str, channel: str = "email",
            contact_id: int | None = None, link_id: int | None = None,
            batch: WriteBatch | None = None) -> OutboxMessage:
        """Queue a message. With ``batch`` it joins that write (e.g. the link change that asked for it)."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        if not to or not kind:
            raise ValueError("a message needs a recipient and a kind")
        message = OutboxMessage(to=to, subject=subject, body=body, kind=kind, channel=channel,
                                contact_id=contact_id, link_id=link_id)
        with self._joined(batch) as write:
            message.id = write.new_id(TABLE)
            message.status = QUEUED
            message.version = 1
            message.created_at = message.updated_at = utc_now()
            message.created_by = author
            write.put(TABLE, message.id, message.to_doc())
        return message

    @contextmanager
    def _joined(self, batch: WriteBatch | None) -> Iterator[WriteBatch]:
        if batch is not None:
            yield batch
        else:
            with self.database.write() as own:
                yield own

