"""Writing to a contact from the card (s): the menu, consent and flags, compose, real SMTP, QR."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from smtp_server import Collector, running_server
from textual.widgets import Input, TextArea

from tui_crm.store.outbox import OutboxRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.compose import ComposeScreen, QrScreen
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.options_menu import OptionsMenuScreen
from tui_crm.ui.widgets.timeline import Timeline


@pytest.fixture
def smtp(sample_db: Path, ui):
    """A live SMTP server on 127.0.0.1, set up in the database's settings."""
    collector = Collector()
    with running_server(collector) as controller:
        settings = SettingsRepository(ui.reopen(sample_db).database)
        settings.set("smtp", {"host": "127.0.0.1", "port": controller.port, "security": "none", "user": "",
                              "sender": "biuro@firma.pl"}, author="seed")
        yield collector


async def open_card(app, pilot, contact_id: int) -> None:
    app.push_screen(ContactCardScreen(contact_id))
    await pilot.pause()
    assert isinstance(app.screen, ContactCardScreen)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_an_email_composed_on_the_card_arrives_and_shows_in_the_history(ui, make_app, sample_db, sample_ids, smtp) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Łukasz Wójcik"])
        await pilot.press("s")
        assert isinstance(app.screen, OptionsMenuScreen)
        menu = "\n".join(ui.screen_lines(app))
        assert "lukasz.wojcik@example.pl" in menu and "(consent)" in menu and "WhatsApp" in menu
        await pilot.press("1")
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#compose-to", Input).value == "lukasz.wojcik@example.pl"
        await ui.fill(pilot, "#compose-subject", "Zażółć gęślą jaźń")
        app.screen.query_one("#compose-body", TextArea).focus()
        await ui.type_text(pilot, "Dzień dobry, Łukaszu!")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactCardScreen)
        assert any("Sent to lukasz.wojcik@example.pl" in n for n in ui.notifications(app))
        await pilot.press("4")  # the History tab
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        assert any(e.source == "message" and "Zażółć" in e.summary and e.status == "sent" for e in timeline.entries)

    [envelope] = smtp.envelopes
    mail = message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == "Zażółć gęślą jaźń" and mail["To"] == "lukasz.wojcik@example.pl"
    assert mail.get_content().strip() == "Dzień dobry, Łukaszu!"
    [stored] = OutboxRepository(ui.reopen(sample_db).database).list()
    assert (stored.status, stored.channel, stored.contact_id, stored.created_by) == (
        "sent", "email", sample_ids["Łukasz Wójcik"], ui.USER)


async def test_an_address_without_consent_is_refused_until_the_consent_is_recorded(ui, make_app, sample_db, sample_ids) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Anna Nowak"])
        await pilot.press("s", "1")
        assert isinstance(app.screen, ConfirmScreen)
        assert any("anna.nowak@example.com has no consent" in n for n in ui.notifications(app))
        await pilot.press("n")
        assert isinstance(app.screen, ContactCardScreen)
        assert not ui.reopen(sample_db).get(sample_ids["Anna Nowak"]).emails[0].consent

        await pilot.press("s", "1", "y")
        assert isinstance(app.screen, ComposeScreen)
    assert ui.reopen(sample_db).get(sample_ids["Anna Nowak"]).emails[0].consent


async def test_a_phone_channel_without_its_flag_is_refused_and_without_a_gateway_a_qr_code_is_shown(
        ui, make_app, sample_db, sample_ids) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Łukasz Wójcik"])
        await pilot.press("s", "2")  # SMS to the mobile: its SMS flag is off
        assert isinstance(app.screen, ContactCardScreen)
        assert any("“SMS” flag" in n for n in ui.notifications(app))

        await pilot.press("s", "3")  # WhatsApp: on
        assert isinstance(app.screen, ComposeScreen)
        await ui.type_text(pilot, "Cześć")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, QrScreen)
        assert app.screen.link == "https://wa.me/48601234567?text=Cze%C5%9B%C4%87"
        assert any("█" in line for line in ui.screen_lines(app))
        await pilot.press("escape")

        await pilot.press("s", "5")  # call: the same QR code with tel:
        assert isinstance(app.screen, QrScreen) and app.screen.link == "tel:+48601234567"
    [stored] = OutboxRepository(ui.reopen(sample_db).database).list()
    assert (stored.status, stored.channel, stored.body) == ("by_phone", "whatsapp", "Cześć")


def test_a_typical_chat_code_fits_an_80x24_terminal_with_its_title_and_footer() -> None:
    from tui_crm.domain.messages import chat_link
    from tui_crm.ui.widgets.qr import qr_lines

    link = chat_link("whatsapp", "+48660744869", "Dzień dobry, zapraszam na spotkanie w czwartek o 10:00.")
    lines = qr_lines(link)
    assert len(lines) <= 22 and all(len(line) <= 78 for line in lines)
