"""E-mail goes out over real SMTP (an aiosmtpd server on 127.0.0.1) through the outbox."""

from __future__ import annotations

from datetime import datetime, timezone
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from smtp_server import Collector, free_port, running_server

from tui_crm.store import Database
from tui_crm.store.delivery import SmtpSender, SmtpSettings
from tui_crm.store.outbox import OutboxRepository


@pytest.fixture
def smtp_server():
    collector = Collector()
    with running_server(collector) as controller:
        yield controller, collector




def sender_for(port: int) -> SmtpSender:
    return SmtpSender(SmtpSettings(host="127.0.0.1", port=port, security="none", sender="biuro@firma.pl"), password="")


def queue(outbox: OutboxRepository) -> int:
    return outbox.add(to="zaneta@klient.pl", subject="Zażółć gęślą jaźń",
                      body="Dzień dobry, Łukasz!\nŚwięta już wkrótce.\n", kind="message", author="ola").id


def test_sent_mail_arrives_with_utf8_headers_and_body(db_path: Path, smtp_server) -> None:
    controller, collector = smtp_server
    outbox = OutboxRepository(Database(db_path))
    message_id = queue(outbox)
    result = outbox.deliver(message_id, sender_for(controller.port))
    assert result.status == "sent"
    [envelope] = collector.envelopes
    assert envelope.mail_from == "biuro@firma.pl" and envelope.rcpt_tos == ["zaneta@klient.pl"]
    mail = message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == "Zażółć gęślą jaźń"
    assert mail["From"] == "biuro@firma.pl" and mail["To"] == "zaneta@klient.pl"
    assert abs((datetime.now(timezone.utc) - mail["Date"].datetime).total_seconds()) < 120
    assert mail.get_content().replace("\r\n", "\n") == "Dzień dobry, Łukasz!\nŚwięta już wkrótce.\n"
    assert mail.get_content_charset() == "utf-8"
    stored = OutboxRepository(Database(db_path)).get(message_id)
    assert (stored.status, stored.attempts, stored.error, stored.claimed_by) == ("sent", 1, "", "")
    assert stored.sent_at


def test_a_refusing_server_fails_the_message_with_its_reason_and_a_retry_sends_it_once(db_path: Path, smtp_server) -> None:
    controller, collector = smtp_server
    collector.refuse = "550 Mailbox unavailable"
    outbox = OutboxRepository(Database(db_path))
    message_id = queue(outbox)
    result = outbox.deliver(message_id, sender_for(controller.port))
    assert result.status == "failed" and "550" in result.error and "Mailbox unavailable" in result.error
    failed = outbox.get(message_id)
    assert (failed.status, failed.attempts) == ("failed", 1) and "550 Mailbox unavailable" in failed.error

    collector.refuse = ""
    results = outbox.retry_all(lambda m: sender_for(controller.port))
    assert [r.status for r in results] == ["sent"]
    assert outbox.retry_all(lambda m: sender_for(controller.port)) == []  # nothing left to send
    assert len(collector.envelopes) == 1
    sent = outbox.get(message_id)
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, "")


def test_an_absent_server_leaves_the_message_queued_and_a_retry_sends_it(db_path: Path, smtp_server) -> None:
    controller, collector = smtp_server
    outbox = OutboxRepository(Database(db_path))
    message_id = queue(outbox)
    result = outbox.deliver(message_id, sender_for(free_port()))  # nobody listens there
    assert result.status == "queued" and "127.0.0.1" in result.error
    assert "nothing answers on that port" in result.error  # in words, not the OS's "Connection refused"
    waiting = OutboxRepository(Database(db_path)).get(message_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1) and waiting.error == result.error

    [retried] = OutboxRepository(Database(db_path)).retry_all(lambda m: sender_for(controller.port))
    assert retried.status == "sent" and len(collector.envelopes) == 1


def test_no_server_set_up_keeps_the_message_queued(db_path: Path) -> None:
    outbox = OutboxRepository(Database(db_path))
    message_id = queue(outbox)
    result = outbox.deliver(message_id, SmtpSender(SmtpSettings(), password=""))
    assert result.status == "queued" and "No SMTP server" in result.error


def test_a_server_without_a_sender_or_without_starttls_is_explained(db_path: Path, smtp_server) -> None:
    controller, collector = smtp_server
    outbox = OutboxRepository(Database(db_path))
    no_sender = outbox.deliver(queue(outbox), SmtpSender(SmtpSettings(host="127.0.0.1", port=controller.port),
                                                         password=""))
    assert no_sender.status == "queued" and "sender's address is not filled in" in no_sender.error
    plain = SmtpSettings(host="127.0.0.1", port=controller.port, security="starttls", sender="biuro@firma.pl")
    no_tls = outbox.deliver(queue(outbox), SmtpSender(plain, password=""))
    assert no_tls.status == "queued" and "does not offer STARTTLS" in no_tls.error
    assert collector.envelopes == []


def test_password_comes_from_the_environment_never_the_settings(monkeypatch) -> None:
    monkeypatch.setenv("TUI_CRM_SMTP_PASSWORD", "tajne")
    settings = SmtpSettings.from_value({"host": "smtp.firma.pl", "port": "465", "security": "ssl", "user": "biuro",
                                        "password": "never-read"})
    assert SmtpSender(settings).password == "tajne"
    assert settings.port == 465 and "password" not in settings.to_value()


def test_an_unreachable_sms_gateway_is_explained_in_words() -> None:
    from tui_crm.domain.outbox import OutboxMessage
    from tui_crm.store.delivery import DeliveryError, GatewaySettings, HttpGatewaySender

    gateway = HttpGatewaySender(GatewaySettings(url=f"http://127.0.0.1:{free_port()}/send?to={{to}}&text={{text}}"),
                                password="")
    with pytest.raises(DeliveryError) as refused:
        gateway.send(OutboxMessage(to="+48601234567", subject="", body="Hej", kind="message", channel="sms"))
    assert "nothing answers on that port" in str(refused.value) and "Errno" not in str(refused.value)
    assert refused.value.temporary
