"""The outbox: messages waiting to be sent, shared through the database file.

Sending claims a message first, in one write under the store's lock: only a message that is
queued or failed (or whose claim is older than ``CLAIM_TIMEOUT_SECONDS``) and still at the
version this session read can be claimed, so when two sessions retry at once only one of them
sends it. The claim, then the result (sent, back to queued, failed), are each one write.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tui_crm.domain.outbox import (
    BY_PHONE,
    CHANNELS,
    CLAIM_TIMEOUT_SECONDS,
    FAILED,
    QUEUED,
    RETRIABLE,
    SENDING,
    SENT,
    OutboxMessage,
)

from .database import Database, WriteBatch, joined
from .delivery import DeliveryError, Sender
from .errors import StoreError
from .timestamps import utc_now

TABLE = "outbox"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    message: OutboxMessage | None  # None: another session has it (or it is gone)
    status: str  # SENT, QUEUED (temporary problem), FAILED, or "" when not claimed
    error: str = ""


class OutboxRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)
        #: who claims messages: unique per session, readable in the outbox
        self.session = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # -- reading ---------------------------------------------------------------------------

    def get(self, message_id: int) -> OutboxMessage | None:
        doc = self._table.raw_get(message_id)
        return None if doc is None else OutboxMessage.from_doc(doc, message_id)

    def list(self, status: str | None = None, *, channel: str | None = None, author: str | None = None,
             contact_id: int | None = None) -> list[OutboxMessage]:
        """The messages (filtered by whatever is given), newest first."""
        found = [
            OutboxMessage.from_doc(doc, message_id)
            for message_id, doc in self._table.raw_items()
            if (status is None or doc.get("status") == status)
            and (channel is None or doc.get("channel", "email") == channel)
            and (author is None or doc.get("created_by") == author)
            and (contact_id is None or doc.get("contact_id") == contact_id)
        ]
        return sorted(found, key=lambda m: (m.created_at, m.id or 0), reverse=True)

    def to_retry(self, now: datetime | None = None, *, failed: bool = True) -> list[OutboxMessage]:
        """Messages a retry would send: queued, failed (unless ``failed=False``: the automatic
        retry at start leaves what a server refused to the user), or abandoned while sending;
        oldest first."""
        self.database.poll()  # another session may have queued or sent some meanwhile
        moment = now or datetime.now(UTC)
        return [m for m in reversed(self.list()) if _claimable(m, moment) and (failed or m.status != FAILED)]

    # -- writing ---------------------------------------------------------------------------

    def add(self, *, to: str, subject: str, body: str, kind: str, author: str, channel: str = "email",
            contact_id: int | None = None, link_id: int | None = None,
            batch: WriteBatch | None = None, refusal: Callable[[], str | None] | None = None) -> OutboxMessage:
        """Queue a message. With ``batch`` it joins that write (e.g. the link change that asked for it).

        ``refusal`` is asked inside the write, other sessions' changes read: why the message
        may not go (consent withdrawn meanwhile …), or None. A refusal raises ``MessageRefused``
        and queues nothing."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        if not to or not kind:
            raise ValueError("a message needs a recipient and a kind")
        message = OutboxMessage(to=to, subject=subject, body=body, kind=kind, channel=channel,
                                contact_id=contact_id, link_id=link_id)
        with joined(self.database, batch) as write:
            reason = refusal() if refusal is not None else None
            if reason:
                raise MessageRefused(reason)
            message.id = write.new_id(TABLE)
            message.status = QUEUED
            message.version = 1
            message.created_at = message.updated_at = utc_now()
            message.created_by = author
            write.put(TABLE, message.id, message.to_doc())
        return message

    def claim(self, message_id: int, *, version: int | None = None, now: datetime | None = None) -> OutboxMessage | None:
        """Take ``message_id`` for sending; None when another session has it, it was sent, or
        it changed since ``version`` was read."""
        now = now or datetime.now(UTC)
        with self.database.write() as batch:
            message = self.get(message_id)
            if message is None or (version is not None and message.version != version) or not _claimable(message, now):
                return None
            message.status = SENDING
            message.claimed_by = self.session
            message.claimed_at = now.isoformat(timespec="seconds")
            self._put(batch, message)
        return message

    def mark_by_phone(self, message_id: int) -> OutboxMessage | None:
        """A phone message the operator sends from a phone (no gateway): done as far as we can tell."""
        return self._finish(message_id, BY_PHONE, "", claimed=False)

    def deliver(self, message_id: int, sender: Sender, *, version: int | None = None) -> DeliveryResult:
        """Claim, send and record the result of one message. Nothing is sent unless this session's
        claim succeeded; a delivery problem is recorded, never raised.

        A UI claims and records on its own thread and only sends on a worker thread:
        ``claim`` → ``attempt`` → ``record``."""
        claimed = self.claim(message_id, version=version)
        if claimed is None:
            return DeliveryResult(self.get(message_id), "")
        return self.record(message_id, attempt(sender, claimed))

    def record(self, message_id: int, problem: Exception | None) -> DeliveryResult:
        """Write how sending a claimed message went (``problem`` from ``attempt``)."""
        if problem is None:
            return DeliveryResult(self._finish(message_id, SENT, ""), SENT)
        if isinstance(problem, DeliveryError):
            status, reason = (QUEUED if problem.temporary else FAILED), problem.reason
        else:  # a settings mistake (bad sender address, …): keep the message, say why
            status, reason = FAILED, str(problem)
        return DeliveryResult(self._finish(message_id, status, reason), status, reason)

    def retry_all(self, sender_for: Callable[[OutboxMessage], Sender | None]) -> list[DeliveryResult]:
        """Send every message waiting (``sender_for`` gives the sender for one, None skips it)."""
        results = []
        for message in self.to_retry():
            sender = sender_for(message)
            if sender is not None:
                results.append(self.deliver(message.id, sender, version=message.version))
        return results

    def _finish(self, message_id: int, status: str, error: str, *, claimed: bool = True) -> OutboxMessage | None:
        with self.database.write() as batch:
            message = self.get(message_id)
            if message is None:
                return None
            if claimed and (message.status != SENDING or message.claimed_by != self.session):
                return message  # taken over after our claim timed out: theirs now
            message.status = status
            message.attempts += 1 if claimed else 0
            message.error = error
            if status in (SENT, BY_PHONE):
                message.sent_at = utc_now()
            message.claimed_by = message.claimed_at = ""
            self._put(batch, message)
        return message

    def _put(self, batch: WriteBatch, message: OutboxMessage) -> None:
        message.version += 1
        message.updated_at = utc_now()
        batch.put(TABLE, message.id, message.to_doc())



class MessageRefused(StoreError):
    """The message may not be sent (its consent or channel flag is gone); nothing was queued."""


def attempt(sender: Sender, message: OutboxMessage) -> Exception | None:
    """Send ``message``; the problem, if any (safe to call on a worker thread: no database)."""
    try:
        sender.send(message)
    except Exception as error:  # noqa: BLE001 - recorded on the message, shown to the user
        return error
    return None


def _claimable(message: OutboxMessage, now: datetime) -> bool:
    if message.status in RETRIABLE:
        return True
    if message.status != SENDING:
        return False
    try:
        claimed_at = datetime.fromisoformat(message.claimed_at)
    except ValueError:
        return True
    return now - claimed_at > timedelta(seconds=CLAIM_TIMEOUT_SECONDS)
