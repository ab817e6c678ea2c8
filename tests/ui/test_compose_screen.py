"""Writing to a contact from the card (s): the menu, consent and flags, compose, real SMTP, QR.

The consent and flag rules hold for the recipient actually written to: editing To cannot get
around them."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from smtp_server import Collector, running_server
from textual.widgets import Input, Static, TextArea

from tui_crm.domain.contact import Email
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


def outbox(ui, path: Path):
    """The outbox as stored in the file."""
    return OutboxRepository(ui.reopen(path).database).list()


def to_error(ui, app) -> str:
    """The refusal shown under To ("" when none is shown)."""
    error = app.screen.query_one("#compose-to-error", Static)
    return ui.static_text(error) if error.display else ""


def question(ui, app) -> str:
    assert isinstance(app.screen, ConfirmScreen)
    return ui.static_text(app.screen.query_one(".question", Static))


async def write(ui, pilot, *, subject: str | None, body: str) -> None:
    if subject is not None:
        await ui.fill(pilot, "#compose-subject", subject)
    pilot.app.screen.query_one("#compose-body", TextArea).focus()
    await ui.type_text(pilot, body)


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
        assert isinstance(app.screen, ConfirmScreen)
        assert any("“SMS” flag" in n for n in ui.notifications(app))
        await pilot.press("n")
        assert isinstance(app.screen, ContactCardScreen)
        assert not ui.reopen(sample_db).get(sample_ids["Łukasz Wójcik"]).phones[0].sms

        await pilot.press("s", "3")  # WhatsApp: on
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#compose-body", TextArea).has_focus  # no subject: straight to the text
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


SMS_TEXT = ("Dzień dobry, przypominamy o jutrzejszym spotkaniu w biurze przy ul. Żółkiewskiego 5 o 10:00. "
            "Prosimy o potwierdzenie. Łukasz")


@pytest.mark.parametrize("text", [SMS_TEXT, SMS_TEXT * 4])
async def test_a_qr_code_is_seen_whole_at_80x24_or_explained_never_cut(ui, make_app, sample_db, text) -> None:
    from tui_crm.domain.messages import chat_link
    from tui_crm.ui.widgets.qr import QrCode

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await app.push_screen(QrScreen("SMS", chat_link("sms", "+48601234567", text)))
        await pilot.pause()
        code = app.screen.query_one("#qr-code", QrCode)
        notice = app.screen.query_one("#qr-too-tall", Static)
        if code.rows <= ui.SIZE[1]:  # a typical SMS: the code alone on the screen, whole
            assert text == SMS_TEXT
            assert code.display and not notice.display
            assert code.region.y >= 0 and code.region.bottom <= ui.SIZE[1] and code.region.height == code.rows
        else:
            assert text != SMS_TEXT
            assert not code.display and notice.display
            shown = " ".join(line.strip() for line in ui.screen_lines(app))
            assert "make the window taller" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, QrScreen)


async def test_a_phone_message_too_long_for_a_qr_code_here_is_not_queued_and_keeps_its_text(
        ui, make_app, sample_db, sample_ids) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Łukasz Wójcik"])
        await pilot.press("s", "3")  # WhatsApp, no gateway: the phone sends it, from a QR code
        assert isinstance(app.screen, ComposeScreen)
        app.screen.query_one("#compose-body", TextArea).text = SMS_TEXT * 3
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        assert "Too long to hand to your phone as a QR code here" in ui.static_text(
            app.screen.query_one("#compose-status", Static))
        assert app.screen.query_one("#compose-body", TextArea).text == SMS_TEXT * 3
    assert OutboxRepository(ui.reopen(sample_db).database).list() == []


# -- the recipient actually written to --------------------------------------------------------


async def test_an_address_edited_into_to_must_be_one_of_the_contacts_and_is_sent_as_stored(
        ui, make_app, sample_db, sample_ids) -> None:
    firm = sample_ids["Zakład Ślusarski Żuraw"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, firm)
        await pilot.press("s", "1")  # biuro@ has no consent: recorded on the spot
        assert isinstance(app.screen, ConfirmScreen)
        assert any(n == "biuro@zuraw.example.pl has no consent to e-mails." for n in ui.notifications(app))
        await pilot.press("y")
        assert isinstance(app.screen, ComposeScreen)
        assert ui.reopen(sample_db).get(firm).emails[0].consent

        await write(ui, pilot, subject="Oferta", body="Dzień dobry")
        await ui.fill(pilot, "#compose-to", "ktos@obcy.example.pl")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ComposeScreen)  # not sent, nothing typed is lost
        assert "ktos@obcy.example.pl is not an e-mail address of Zakład Ślusarski Żuraw" in to_error(ui, app)
        assert "ktos@obcy.example.pl is not an e-mail address" in "\n".join(ui.screen_lines(app))
        assert app.screen.query_one("#compose-to", Input).has_focus
        assert app.screen.query_one("#compose-body", TextArea).text == "Dzień dobry"
        assert outbox(ui, sample_db) == []

        await ui.fill(pilot, "#compose-to", "  Biuro@Zuraw.Example.PL ")  # its own, written otherwise
        assert to_error(ui, app) == ""  # editing To clears the refusal
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContactCardScreen)
    [stored] = outbox(ui, sample_db)
    assert (stored.to, stored.channel, stored.contact_id, stored.status) == (
        "biuro@zuraw.example.pl", "email", firm, "queued")  # no SMTP server: it waits


async def test_an_own_address_without_consent_in_to_is_refused_unless_the_consent_is_recorded(
        ui, make_app, sample_db, sample_ids) -> None:
    lukasz = sample_ids["Łukasz Wójcik"]
    repo = ui.reopen(sample_db)
    contact = repo.get(lukasz)
    contact.emails.append(Email("l.wojcik@prywatny.example.pl"))  # no consent
    repo.save(contact, author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, lukasz)
        await pilot.press("s", "1")  # the address with consent
        assert isinstance(app.screen, ComposeScreen)
        await write(ui, pilot, subject="Prywatnie", body="Cześć")
        await ui.fill(pilot, "#compose-to", "L.Wojcik@Prywatny.Example.PL")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert "l.wojcik@prywatny.example.pl has given consent to e-mails, then send?" in question(ui, app)
        await pilot.press("n")
        assert isinstance(app.screen, ComposeScreen)
        assert "l.wojcik@prywatny.example.pl has no consent to e-mails" in to_error(ui, app)
        assert outbox(ui, sample_db) == []
        assert not ui.reopen(sample_db).get(lukasz).emails[1].consent

        await pilot.press("ctrl+s", "y")  # record it, then it is sent
        await pilot.pause()
        assert isinstance(app.screen, ContactCardScreen)
    assert ui.reopen(sample_db).get(lukasz).emails[1].consent
    [stored] = outbox(ui, sample_db)
    assert (stored.to, stored.subject, stored.body) == ("l.wojcik@prywatny.example.pl", "Prywatnie", "Cześć")


async def test_a_number_typed_into_to_must_be_the_contacts_with_the_channels_flag(
        ui, make_app, sample_db, sample_ids) -> None:
    lukasz = sample_ids["Łukasz Wójcik"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, lukasz)
        await pilot.press("s", "3")  # WhatsApp to the mobile: allowed
        assert isinstance(app.screen, ComposeScreen)
        await ui.type_text(pilot, "Cześć")
        await pilot.press("tab")  # from the text, tab goes round to To
        to = app.screen.query_one("#compose-to", Input)
        assert to.has_focus

        await ui.fill(pilot, "#compose-to", "501 000 111")  # Anna Nowak's number
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ComposeScreen)
        assert "501 000 111 is not a phone number of Łukasz Wójcik" in to_error(ui, app)
        assert outbox(ui, sample_db) == []

        await ui.fill(pilot, "#compose-to", "22 123 45 67")  # his work phone: no WhatsApp flag
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert any("22 123 45 67 does not have the “WhatsApp” flag on" in n for n in ui.notifications(app))
        await pilot.press("n")
        assert isinstance(app.screen, ComposeScreen)
        assert "“WhatsApp” flag" in to_error(ui, app)
        assert outbox(ui, sample_db) == [] and not ui.reopen(sample_db).get(lukasz).phones[1].whatsapp

        await pilot.press("ctrl+s", "y")  # turn the flag on, then send: the QR code, to the stored number
        await pilot.pause()
        assert isinstance(app.screen, QrScreen)
        assert app.screen.link == "https://wa.me/48221234567?text=Cze%C5%9B%C4%87"
    work = ui.reopen(sample_db).get(lukasz).phones[1]
    assert (work.whatsapp, work.sms, work.viber) == (True, False, False)
    [stored] = outbox(ui, sample_db)
    assert (stored.to, stored.channel, stored.status) == ("+48221234567", "whatsapp", "by_phone")


async def test_a_flag_turned_on_from_the_menus_refusal_is_saved_over_another_sessions_edit(
        ui, make_app, sample_db, sample_ids) -> None:
    lukasz = sample_ids["Łukasz Wójcik"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, lukasz)
        await pilot.press("s", "2")  # SMS to the mobile: flag off
        assert isinstance(app.screen, ConfirmScreen)
        assert "Turn on the “SMS” flag for 601 234 567, then write?" in question(ui, app)
        other = ui.reopen(sample_db)  # meanwhile someone else edits the contact
        theirs = other.get(lukasz)
        theirs.position = "Dyrektor"
        other.save(theirs, author="ola")
        await pilot.press("y")
        assert isinstance(app.screen, ComposeScreen) and app.screen.channel == "sms"
        assert app.screen.query_one("#compose-to", Input).value == "+48601234567"
        await pilot.press("escape")  # nothing written yet: back without a question

        await pilot.press("s", "4")  # Viber to the mobile, off; meanwhile the number itself changes
        assert isinstance(app.screen, ConfirmScreen)
        other = ui.reopen(sample_db)
        theirs = other.get(lukasz)
        theirs.phones[0].number = "+48601999888"
        other.save(theirs, author="ola")
        await pilot.press("y")
        assert isinstance(app.screen, ContactCardScreen)
        assert any("changed meanwhile; nothing was recorded" in n for n in ui.notifications(app))
    stored = ui.reopen(sample_db).get(lukasz)
    assert stored.position == "Dyrektor"  # theirs kept
    assert (stored.phones[0].sms, stored.phones[0].whatsapp, stored.phones[0].viber) == (True, True, False)


async def test_typing_right_after_opening_goes_to_the_subject_then_tab_to_the_text_and_to_is_not_selected(
        ui, make_app, sample_db, sample_ids) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Łukasz Wójcik"])
        await pilot.press("s", "1")
        assert isinstance(app.screen, ComposeScreen)
        await ui.type_text(pilot, "Oferta")
        screen = app.screen
        assert screen.query_one("#compose-subject", Input).value == "Oferta"
        await pilot.press("tab")
        assert screen.query_one("#compose-body", TextArea).has_focus
        await ui.type_text(pilot, "Treść")
        await pilot.press("tab")  # round to To: its text is not selected, so a key cannot replace it
        to = screen.query_one("#compose-to", Input)
        assert to.has_focus and to.selection.is_empty
        await ui.type_text(pilot, "x")
        assert to.value == "lukasz.wojcik@example.plx"
        assert screen.query_one("#compose-subject", Input).value == "Oferta"
        assert screen.query_one("#compose-body", TextArea).text == "Treść"


async def test_a_message_to_no_contact_has_no_consent_rule(ui, make_app, sample_db) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        app.push_screen(ComposeScreen(None, "email", "ktokolwiek@example.pl"))
        await pilot.pause()
        await write(ui, pilot, subject="Test", body="Treść")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ComposeScreen)
    [stored] = outbox(ui, sample_db)
    assert (stored.to, stored.contact_id) == ("ktokolwiek@example.pl", None)


async def test_consent_withdrawn_by_another_session_while_writing_stops_the_message(
        ui, make_app, sample_db, sample_ids) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Łukasz Wójcik"])
        await pilot.press("s", "1")
        assert isinstance(app.screen, ComposeScreen)
        await write(ui, pilot, subject="Oferta", body="Dzień dobry")
        other = ui.reopen(sample_db)  # meanwhile, at another desk: the client withdrew the consent
        contact = other.get(sample_ids["Łukasz Wójcik"])
        contact.emails[0].consent = False
        other.save(contact, author="ewa")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen)  # nothing lost: the text is still there
        assert any("has no consent" in n for n in ui.notifications(app))
    assert outbox(ui, sample_db) == []


async def test_a_read_only_database_refuses_a_message_before_it_is_written_but_offers_the_call(
        ui, sample_db, sample_ids) -> None:
    from tui_crm.store import ContactRepository, Database
    from tui_crm.ui.app import CrmApp

    app = CrmApp(ContactRepository(Database(sample_db, read_only=True)), user=ui.USER)
    app.animation_level = "none"
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(app, pilot, sample_ids["Łukasz Wójcik"])
        await pilot.press("s", "1")
        assert isinstance(app.screen, ContactCardScreen)
        assert any("read-only" in n for n in ui.notifications(app))
        await pilot.press("s", "5")  # a call writes nothing
        assert isinstance(app.screen, QrScreen)
