"""The outbox keeps queued e-mails in the database file, newest first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_crm.domain.outbox import OutboxMessage
from tui_crm.store import Database
from tui_crm.store.outbox import OutboxRepository


def test_added_messages_are_queued_stamped_and_listed_newest_first(db_path: Path) -> None:
    outbox = OutboxRepository(Database(db_path))
    first = outbox.add(to="anna@firma.pl", subject="Witamy", body="Treść\n", kind="welcome", author="ola",
                       contact_id=3, link_id=1)
    second = outbox.add(to="anna@firma.pl", subject="Ustaw hasło", body="link", kind="set_password", author="ola")
    assert first.status == "queued" and first.version == 1 and first.created_by == "ola" and first.created_at
    assert [m.id for m in outbox.list()] == [second.id, first.id]

    reread = OutboxRepository(Database(db_path))  # another session / after a restart
    assert [m.subject for m in reread.list(status="queued")] == ["Ustaw hasło", "Witamy"]
    assert reread.list(status="sent") == []
    message = reread.get(first.id)
    assert (message.channel, message.to, message.kind, message.contact_id, message.link_id) == (
        "email", "anna@firma.pl", "welcome", 3, 1)
    assert (message.attempts, message.sent_at, message.error) == (0, "", "")


def test_a_message_needs_a_recipient_and_a_known_channel(db_path: Path) -> None:
    outbox = OutboxRepository(Database(db_path))
    with pytest.raises(ValueError):
        outbox.add(to="", subject="s", body="b", kind="welcome", author="a")
    with pytest.raises(ValueError):
        outbox.add(to="a@b.pl", subject="s", body="b", kind="welcome", author="a", channel="fax")
    assert outbox.list() == []


def test_joining_a_write_commits_with_it_or_not_at_all(db_path: Path) -> None:
    database = Database(db_path)
    outbox = OutboxRepository(database)
    with pytest.raises(RuntimeError):
        with database.write() as batch:
            outbox.add(to="a@b.pl", subject="s", body="b", kind="welcome", author="a", batch=batch)
            raise RuntimeError("the other half of the change failed")
    assert outbox.list() == [] and OutboxRepository(Database(db_path)).list() == []


def test_records_from_a_newer_version_still_load() -> None:
    doc = OutboxMessage(to="a@b.pl", subject="s", body="b", kind="invoice").to_doc()
    doc.update(status="sending", smtp_message_id="<x@y>")
    message = OutboxMessage.from_doc(doc, 7)
    assert (message.id, message.status, message.kind) == (7, "sending", "invoice")
