"""Portal access of a contact person, the outbox (F3) and the settings (F2), driven by keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import make_org, make_person
from textual.widgets import Checkbox, DataTable, Static

from tui_crm.domain.contact_persons import PERMISSIONS, ContactPersonLink
from tui_crm.domain.portal import verify_password
from tui_crm.store.links import LinkRepository
from tui_crm.store.outbox import OutboxRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.outbox import MessageScreen, OutboxScreen
from tui_crm.ui.screens.portal_access import PortalAccessScreen
from tui_crm.ui.screens.settings import SettingsScreen

PASSWORD = "Tajne-Hasło-2025"


@pytest.fixture
def linked(ui, db_path: Path) -> dict[str, int]:
    """An organization with two contact persons (Anna primary), saved to the file."""
    repo = ui.reopen(db_path)
    links = LinkRepository(repo)
    org = repo.save(make_org("Hurtownia Łódź"), author="seed")
    ids = {"org": org.id}
    for first in ("Anna", "Bogdan"):
        person = repo.save(make_person(first, "Nowak"), author="seed")
        links.link(ContactPersonLink(person.id, org.id), author="seed")
        ids[first] = person.id
    ids["Celina"] = repo.save(make_person("Celina", "Nowak"), author="seed").id  # not linked yet
    return ids


async def open_portal(app, pilot, person_id: int) -> list:
    results: list = []
    app.push_screen(PortalAccessScreen(app.links.of_person(person_id)), results.append)
    await pilot.pause()
    assert isinstance(app.screen, PortalAccessScreen)
    return results


async def toggle(pilot, checkbox_id: str) -> None:
    """Move to a checkbox and press space, as the user would after tabbing to it."""
    checkbox = pilot.app.screen.query_one(f"#{checkbox_id}", Checkbox)
    checkbox.focus()
    before = checkbox.value
    await pilot.press("space")
    assert checkbox.value is not before


def error_text(app, field: str) -> str:
    widget = app.screen.query_one(f"#error-{field}", Static)
    return str(widget.render()) if widget.display else ""


async def test_portal_access_stores_only_a_hash_and_queues_the_mails(ui, db_path, linked, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        results = await open_portal(app, pilot, linked["Anna"])
        assert app.screen.query_one("#login_email").has_focus
        await ui.type_text(pilot, "anna@firma.pl")
        await pilot.press("tab")
        await ui.type_text(pilot, PASSWORD)
        await pilot.press("tab")
        await ui.type_text(pilot, PASSWORD)
        assert PASSWORD not in "\n".join(ui.screen_lines(app))  # masked
        await toggle(pilot, "send_set_password")
        await toggle(pilot, "permission-contracts")  # all were granted by default
        await toggle(pilot, "permission-proposals")
        await toggle(pilot, "notification-project")
        await toggle(pilot, "notification-task")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, PortalAccessScreen)
        assert results and results[0].portal.login_email == "anna@firma.pl"
        assert any("2 e-mails are queued" in n for n in ui.notifications(app))

        await pilot.press("f3")
        assert isinstance(app.screen, OutboxScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[:3] for row in rows] == [["queued", "Set password", "anna@firma.pl"], ["queued", "Welcome", "anna@firma.pl"]]
        await pilot.press("enter")
        assert isinstance(app.screen, MessageScreen)
        shown = "\n".join(ui.screen_lines(app))
        assert "Set your client portal password" in shown and "tui-crm://set-password?token=" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, OutboxScreen)
        await pilot.press("escape")

    # what another program reads from the file now
    repo = ui.reopen(db_path)
    anna = LinkRepository(repo).of_person(linked["Anna"])
    assert anna.portal.password_hash.startswith("$argon2id$")
    assert verify_password(anna.portal.password_hash, PASSWORD)
    assert anna.permissions == ["invoices", "estimates", "support", "projects"]
    assert anna.notifications == ["project", "task"]
    assert anna.portal.token_hash and anna.portal.token_expires_at
    files = sorted(db_path.parent.glob(db_path.name + "*"))
    assert any(f.suffix == ".journal" for f in files)
    for encoded in (PASSWORD.encode(), json.dumps(PASSWORD).encode()[1:-1]):  # raw UTF-8 and \u-escaped
        for file in files:
            assert encoded not in file.read_bytes(), file
    queued = OutboxRepository(repo.database).list(status="queued")
    assert [m.kind for m in queued] == ["set_password", "welcome"]
    token = queued[0].body.split("token=")[1].split()[0]
    assert token.encode() not in json.dumps(anna.to_doc()).encode()  # the link keeps only its hash


async def test_errors_show_under_the_fields_and_nothing_is_saved(ui, db_path, linked, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_portal(app, pilot, linked["Anna"])
        await ui.fill(pilot, "#login_email", "anna@firma.pl")
        await pilot.press("ctrl+s")  # a login without a password is fine: nothing to hash
        await pilot.pause()
        await open_portal(app, pilot, linked["Bogdan"])
        await ui.fill(pilot, "#login_email", "Anna@firma.pl")
        await ui.fill(pilot, "#password", "krótkie")
        await ui.fill(pilot, "#password_repeat", "krótkie")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PortalAccessScreen)
        assert "already used by another contact" in error_text(app, "login_email")
        assert "at least 8 characters" in error_text(app, "password")
        assert app.screen.query_one("#login_email").has_focus
        await ui.fill(pilot, "#login_email", "bogdan@firma.pl")
        await ui.fill(pilot, "#password", "długie-hasło-1")
        await ui.fill(pilot, "#password_repeat", "długie-hasło-2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(app, "login_email") == error_text(app, "password") == ""
        assert "do not match" in error_text(app, "password_repeat")
        await pilot.press("escape")  # changed: asks first
        await pilot.press("y")
        assert not isinstance(app.screen, PortalAccessScreen)
    links = LinkRepository(ui.reopen(db_path))
    assert links.of_person(linked["Anna"]).portal.login_email == "anna@firma.pl"
    assert links.of_person(linked["Bogdan"]).portal.login_email == ""
    assert [m.to for m in OutboxRepository(links.database).list()] == ["anna@firma.pl"]  # Anna's welcome only


async def test_escape_without_changes_cancels(ui, db_path, linked, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        results = await open_portal(app, pilot, linked["Anna"])
        await pilot.press("escape")
        assert results == [None] and not isinstance(app.screen, PortalAccessScreen)


async def test_f2_default_permissions_reach_newly_linked_persons(ui, db_path, linked, make_app):
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, SettingsScreen)
        assert all(box.value for box in app.screen.query("#default-permissions Checkbox"))  # nothing set yet: all
        assert app.screen.query_one("#default-permission-invoices").has_focus
        await pilot.press("space", "tab", "space")  # invoices and estimates off
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
        assert "Settings saved." in ui.notifications(app)
        celina = app.links.link(ContactPersonLink(linked["Celina"], linked["org"]), author=app.user)
        assert celina.permissions == ["contracts", "proposals", "support", "projects"]
        await pilot.press("f2")
        assert [box.value for box in app.screen.query("#default-permissions Checkbox")] == [False, False, True, True, True, True]
    repo = ui.reopen(db_path)
    assert SettingsRepository(repo.database).get("default_permissions") == ["contracts", "proposals", "support", "projects"]
    assert LinkRepository(repo).of_person(linked["Celina"]).permissions == ["contracts", "proposals", "support", "projects"]
    assert LinkRepository(repo).of_person(linked["Anna"]).permissions == list(PERMISSIONS)  # earlier links keep theirs
