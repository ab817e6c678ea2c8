"""The outbox (F3): filters, r retrying a message the server refused, sent exactly once, and
the table and footer fitting 80 columns (in Polish too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from smtp_server import Collector, running_server
from textual.widgets import DataTable

from tui_crm import i18n
from tui_crm.store.outbox import OutboxRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.outbox import OutboxScreen


@pytest.fixture
def smtp(db_path: Path, ui):
    collector = Collector(refuse="550 Mailbox unavailable")
    with running_server(collector) as controller:
        repo = ui.reopen(db_path)
        SettingsRepository(repo.database).set("smtp", {"host": "127.0.0.1", "port": controller.port,
                                                       "security": "none", "sender": "biuro@firma.pl"}, author="seed")
        outbox = OutboxRepository(repo.database)
        outbox.add(to="anna@firma.pl", subject="Oferta", body="Treść", kind="message", author="ola")
        outbox.add(to="+48601234567", subject="", body="Hej", kind="message", author="jan", channel="sms")
        yield collector


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_r_retries_a_refused_message_until_it_is_sent_once(ui, make_app, db_path, smtp) -> None:
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await settle(app, pilot)  # waiting messages are retried on start: the server refuses this one
        await pilot.press("f3")
        assert isinstance(app.screen, OutboxScreen)
        assert [r[:3] for r in rows(app)] == [["queued", "SMS", "+48601234567"], ["failed", "E-mail", "anna@firma.pl"]]
        await pilot.press("o")  # operator filter: "jan" first, then "ola"
        await pilot.press("o")
        assert [r[2] for r in rows(app)] == ["anna@firma.pl"]

        await pilot.press("r")
        await settle(app, pilot)
        assert rows(app)[0][0] == "failed"
        assert any("550 Mailbox unavailable" in n for n in ui.notifications(app))
        assert smtp.envelopes == []

        smtp.refuse = ""
        await pilot.press("r")
        await settle(app, pilot)
        assert rows(app)[0][0] == "sent"
        await pilot.press("r")  # sent already: nothing happens
        await settle(app, pilot)
        assert any("nothing to retry" in n for n in ui.notifications(app))

        await pilot.press("o", "f", "f", "f", "f")  # operator: all; status: sent → failed
        assert rows(app) == []
        await pilot.press("c", "c")  # channel: sms
        assert [r[2] for r in rows(app)] == [] and "channel: SMS" in "\n".join(ui.screen_lines(app))

    assert len(smtp.envelopes) == 1
    stored = {m.to: m for m in OutboxRepository(ui.reopen(db_path).database).list()}
    assert (stored["anna@firma.pl"].status, stored["anna@firma.pl"].attempts) == ("sent", 3)  # start, r, r
    assert stored["+48601234567"].status == "queued"  # no gateway: never tried


async def test_retry_all_sends_every_waiting_email(ui, make_app, db_path, smtp) -> None:
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await settle(app, pilot)  # refused on start
        smtp.refuse = ""
        await pilot.press("f3", "a")
        await settle(app, pilot)
        assert [r[0] for r in rows(app)] == ["queued", "sent"]
    assert len(smtp.envelopes) == 1


async def test_a_message_left_waiting_is_sent_when_the_app_starts(ui, make_app, db_path, smtp) -> None:
    smtp.refuse = ""  # the server is back: the next start sends what an earlier session left queued
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await settle(app, pilot)
        # ola's message: sent by this session, but news to ola, not to this operator
        assert not any("anna@firma.pl" in n for n in ui.notifications(app))
    assert len(smtp.envelopes) == 1 and smtp.envelopes[0].rcpt_tos == ["anna@firma.pl"]
    stored = {m.to: m for m in OutboxRepository(ui.reopen(db_path).database).list()}
    assert stored["anna@firma.pl"].status == "sent"


async def test_a_message_the_server_refused_is_not_sent_again_at_the_next_start(ui, make_app, db_path, smtp) -> None:
    async with make_app(db_path).run_test(size=ui.SIZE) as pilot:
        await settle(pilot.app, pilot)  # refused on start: failed
    smtp.refuse = ""
    async with make_app(db_path).run_test(size=ui.SIZE) as pilot:
        await settle(pilot.app, pilot)  # a refusal is for the user to look at: r or a sends it
    assert smtp.envelopes == []
    stored = {m.to: m for m in OutboxRepository(ui.reopen(db_path).database).list()}
    assert (stored["anna@firma.pl"].status, stored["anna@firma.pl"].attempts) == ("failed", 1)


async def test_the_status_column_shows_the_longest_polish_status_whole(ui, make_app, db_path) -> None:
    """"z telefonu" (by phone) is the longest status in Polish: it was cut to "z telefo"."""
    outbox = OutboxRepository(ui.reopen(db_path).database)
    by_phone = outbox.add(to="+48601234567", subject="", body="Proszę o kontakt", kind="message", author="jan",
                          channel="sms")
    outbox.mark_by_phone(by_phone.id)
    outbox.add(to="anna@firma.pl", subject="Oferta serwisowa na rok 2027", body="Treść", kind="message", author="ola")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        i18n.setup("pl")  # what the table shows is translated when it is built (the keys stay English)
        try:
            await pilot.press("f3")
            assert isinstance(app.screen, OutboxScreen)
            table_rows = rows(app)
        finally:
            i18n.setup("en")
        assert sorted(r[0] for r in table_rows) == ["oczekuje", "z telefonu"]
        lines = ui.screen_lines(app)
        for row in table_rows:  # every row whole on screen: the status, and the date in the last column
            line = next(line for line in lines if row[2] in line)
            assert f" {row[0]} " in line and line.rstrip().endswith(row[4]), line
        footer = lines[-1]  # painted in Polish or English, depending on when it was last drawn
        assert footer.rstrip().endswith(("f1 Help", "f1 Pomoc")) and ("t Templates" in footer or "t Szablony" in footer)


async def test_a_message_handed_to_the_phone_says_so_rather_than_sent(ui, make_app, db_path, smtp) -> None:
    from tui_crm.ui.screens.outbox import MessageScreen

    sms = next(m for m in OutboxRepository(ui.reopen(db_path).database).list() if m.channel == "sms")
    OutboxRepository(ui.reopen(db_path).database).mark_by_phone(sms.id)
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[r[2] for r in rows(app)].index("+48601234567"))
        await pilot.press("enter")
        assert isinstance(app.screen, MessageScreen)
        text = "\n".join(ui.screen_lines(app))
        assert "Handed to the phone" in text and "Sent" not in text.replace("Sent from", "")


async def test_a_long_address_is_cut_with_an_ellipsis_not_silently(ui, make_app, db_path) -> None:
    OutboxRepository(ui.reopen(db_path).database).add(
        to="krystyna.kazmierczak@interia.pl", subject="Oferta na dostawę materiałów budowlanych", body="x",
        kind="message", author=ui.USER)
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        [row] = [line for line in ui.screen_lines(app) if "krystyna" in line]
        assert "krystyna.kazmier…" in row and "Oferta na dos…" in row
