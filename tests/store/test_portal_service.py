"""Saving portal access: hashes, tokens and queued e-mails, in one write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.portal import token_valid, verify_password
from tui_crm.store import ConflictError, ContactRepository, Database
from tui_crm.store.links import LinkRepository
from tui_crm.store.outbox import OutboxRepository
from tui_crm.store.portal_service import PortalAccessError, save_portal_access

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PASSWORD = "Tajne-Hasło-2025"


@pytest.fixture
def world(db_path: Path):
    contacts = ContactRepository(Database(db_path))
    links = LinkRepository(contacts)
    outbox = OutboxRepository(contacts.database)
    org = contacts.save(make_org("Hurtownia Łódź"), author="a")
    anna, bogdan = (contacts.save(make_person(first, "Nowak"), author="a") for first in ("Anna", "Bogdan"))
    links.link(ContactPersonLink(anna.id, org.id), author="a")
    links.link(ContactPersonLink(bogdan.id, org.id), author="a")
    return links, outbox, links.of_person(anna.id), links.of_person(bogdan.id)


def save(links, outbox, link, **options):
    values = {"password": None, "send_welcome": False, "send_set_password": False, "author": "ola", "now": NOW} | options
    return save_portal_access(links, outbox, link, **values)


def test_first_access_stores_the_hash_and_token_hash_and_queues_both_mails(db_path: Path, world) -> None:
    links, outbox, anna, _bogdan = world
    anna.portal.login_email = " anna@Firma.PL "
    anna.permissions, anna.notifications = ["invoices", "projects"], ["invoice", "task"]
    result = save(links, outbox, anna, password=PASSWORD, repeat=PASSWORD, send_welcome=True, send_set_password=True)

    stored = LinkRepository(ContactRepository(Database(db_path))).of_person(anna.person_id)
    assert stored.portal.login_email == "anna@firma.pl"
    assert stored.portal.password_hash.startswith("$argon2id$") and verify_password(stored.portal.password_hash, PASSWORD)
    assert (stored.permissions, stored.notifications, stored.version) == (["invoices", "projects"], ["invoice", "task"], 2)
    assert stored.portal.token_expires_at == (NOW + timedelta(hours=48)).isoformat()

    queued = OutboxRepository(Database(db_path)).list()
    assert [m.kind for m in queued] == ["set_password", "welcome"]
    assert [m.id for m in result.queued] == [m.id for m in reversed(queued)]
    assert {(m.to, m.contact_id, m.link_id, m.status, m.created_by) for m in queued} == {
        ("anna@firma.pl", anna.person_id, anna.id, "queued", "ola")}
    token = queued[0].body.split("token=")[1].split()[0]
    assert token_valid(stored.portal, token, NOW) and token not in str(stored.to_doc())
    for message in queued:
        assert PASSWORD not in message.body and PASSWORD not in message.subject
    assert PASSWORD.encode() not in Path(str(db_path) + ".journal").read_bytes()


def test_no_welcome_mail_when_opted_out_and_the_password_is_kept_when_left_empty(world) -> None:
    links, outbox, anna, _bogdan = world
    anna.portal.login_email, anna.portal.no_welcome_email = "anna@firma.pl", True
    saved = save(links, outbox, anna, password=PASSWORD, send_welcome=True).link
    assert outbox.list() == [] and saved.portal.no_welcome_email
    saved.portal.login_email = "anna.nowak@firma.pl"
    again = save(links, outbox, saved, password="").link
    assert again.portal.password_hash == saved.portal.password_hash and again.portal.token_hash == ""


def test_errors_save_nothing(world) -> None:
    links, outbox, anna, bogdan = world
    anna.portal.login_email = "anna@firma.pl"
    save(links, outbox, anna)
    bogdan.portal.login_email = "ANNA@firma.pl"
    with pytest.raises(PortalAccessError) as raised:
        save(links, outbox, bogdan, send_set_password=True)
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("login_email", "The login e-mail ANNA@firma.pl is already used by another contact.")]
    bogdan.portal.login_email = ""
    with pytest.raises(PortalAccessError) as raised:
        save(links, outbox, bogdan, password="short", repeat="shorts")
    assert [e.field for e in raised.value.errors] == ["login_email", "password"]
    assert links.of_person(bogdan.person_id).version == 1 and outbox.list() == []


def test_a_stale_edit_is_a_conflict_and_queues_nothing(world) -> None:
    links, outbox, anna, _bogdan = world
    fresh = links.of_person(anna.person_id)
    fresh.role = "Prezes"
    links.update(fresh, author="piotr")
    anna.portal.login_email = "anna@firma.pl"
    with pytest.raises(ConflictError):
        save(links, outbox, anna, send_welcome=True, send_set_password=True)
    assert outbox.list() == [] and links.of_person(anna.person_id).portal.login_email == ""


def test_removing_the_login_drops_password_and_token(world) -> None:
    links, outbox, anna, _bogdan = world
    anna.portal.login_email = "anna@firma.pl"
    saved = save(links, outbox, anna, password=PASSWORD, send_set_password=True).link
    assert saved.portal.password_hash and saved.portal.token_hash
    saved.portal.login_email = ""
    revoked = save(links, outbox, saved).link
    assert (revoked.portal.password_hash, revoked.portal.token_hash, revoked.portal.token_expires_at) == ("", "", "")


def test_a_new_set_password_mail_replaces_the_pending_token(world) -> None:
    links, outbox, anna, _bogdan = world
    anna.portal.login_email = "anna@firma.pl"
    first = save(links, outbox, anna, send_set_password=True)
    second = save(links, outbox, first.link, send_set_password=True)
    old_token, new_token = (r.queued[0].body.split("token=")[1].split()[0] for r in (first, second))
    assert not token_valid(second.link.portal, old_token, NOW)
    assert token_valid(second.link.portal, new_token, NOW)
