"""Two sessions retrying the same message: only the one whose claim was written sends it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui_crm.domain.outbox import OutboxMessage
from tui_crm.store import Database
from tui_crm.store.delivery import DeliveryError
from tui_crm.store.outbox import OutboxRepository


class Recording:
    def __init__(self, error: DeliveryError | None = None) -> None:
        self.sent: list[int] = []
        self.error = error

    def send(self, message: OutboxMessage) -> None:
        if self.error:
            raise self.error
        self.sent.append(message.id)


def test_two_sessions_claiming_the_same_message_only_one_gets_it(db_path: Path) -> None:
    first, second = OutboxRepository(Database(db_path)), OutboxRepository(Database(db_path))
    message = first.add(to="a@b.pl", subject="s", body="b", kind="message", author="ola")
    second.database.poll()
    seen_by_second = second.get(message.id)  # both read version 1 before either claims
    assert first.claim(message.id, version=message.version) is not None
    assert second.claim(message.id, version=seen_by_second.version) is None
    assert second.claim(message.id) is None  # "sending" by the first one, not abandoned
    stored = OutboxRepository(Database(db_path)).get(message.id)
    assert (stored.status, stored.claimed_by) == ("sending", first.session)


def test_two_sessions_retrying_at_once_send_the_message_once(db_path: Path) -> None:
    first, second = OutboxRepository(Database(db_path)), OutboxRepository(Database(db_path))
    message = first.add(to="a@b.pl", subject="s", body="b", kind="message", author="ola")
    second.database.poll()
    stale = second.to_retry()  # the second session's list, read before the first one sends
    sender = Recording()
    first.retry_all(lambda m: sender)
    results = [second.deliver(m.id, sender, version=m.version) for m in stale]
    assert sender.sent == [message.id]
    assert [r.status for r in results] == [""]  # not claimed: nothing sent
    assert OutboxRepository(Database(db_path)).get(message.id).status == "sent"


def test_an_abandoned_claim_is_taken_over_after_the_timeout(db_path: Path) -> None:
    dead, alive = OutboxRepository(Database(db_path)), OutboxRepository(Database(db_path))
    message = dead.add(to="a@b.pl", subject="s", body="b", kind="message", author="ola")
    long_ago = datetime.now(UTC) - timedelta(minutes=11)
    assert dead.claim(message.id, now=long_ago) is not None  # then the session died
    sender = Recording()
    [result] = alive.retry_all(lambda m: sender)
    assert result.status == "sent" and sender.sent == [message.id]


def test_a_temporary_problem_keeps_the_message_queued_and_counts_the_attempt(db_path: Path) -> None:
    outbox = OutboxRepository(Database(db_path))
    message = outbox.add(to="+48601234567", subject="", body="Hej", kind="message", author="ola", channel="sms")
    result = outbox.deliver(message.id, Recording(DeliveryError("timed out", temporary=True)))
    stored = outbox.get(message.id)
    assert result.status == "queued" and (stored.status, stored.attempts, stored.error) == ("queued", 1, "timed out")


def test_a_message_marked_to_send_by_phone_is_not_retried(db_path: Path) -> None:
    outbox = OutboxRepository(Database(db_path))
    message = outbox.add(to="+48601234567", subject="", body="Hej", kind="message", author="ola", channel="whatsapp")
    outbox.mark_by_phone(message.id)
    assert outbox.get(message.id).status == "by_phone" and outbox.to_retry() == []


def test_filters_by_channel_author_and_contact(db_path: Path) -> None:
    outbox = OutboxRepository(Database(db_path))
    outbox.add(to="a@b.pl", subject="s", body="b", kind="message", author="ola", contact_id=1)
    outbox.add(to="+48601234567", subject="", body="b", kind="message", author="jan", channel="sms", contact_id=2)
    assert [m.to for m in outbox.list(channel="sms")] == ["+48601234567"]
    assert [m.to for m in outbox.list(author="ola")] == ["a@b.pl"]
    assert [m.to for m in outbox.list(contact_id=2)] == ["+48601234567"]
