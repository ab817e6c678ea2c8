"""Who gets an organization's e-mails of each kind (seed 003: the contacts with the invoice
notification enabled are preselected when an invoice is sent): a read-only view opened with w
on an organization card's Related tab.

Links and their notification choices are set up through the repository before the app starts.
"""

from __future__ import annotations

from pathlib import Path

from factories import make_person
from textual.widgets import OptionList, Static, TabbedContent

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.store import ContactRepository, Database
from tui_crm.store.links import LinkRepository
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.notification_recipients import NotificationRecipientsScreen

ALFA, ANNA, EWA, LUKASZ = "Alfa Sp. z o.o.", "Anna Nowak", "Ewa Kowalska", "Łukasz Wójcik"
# Rows of the list sorted by name (with Ewa added to the sample contacts).
ROW = {ALFA: 0, ANNA: 1, EWA: 2, LUKASZ: 3}


def setup_alfa(path: Path) -> dict[str, int]:
    """Anna (primary, CEO) and Ewa (no e-mail) get invoices, Łukasz gets project e-mails."""
    contacts = ContactRepository(Database(path))
    ids = {c.display_name: c.id for c in map(contacts.get, contacts.find())}
    ids[EWA] = contacts.save(make_person("Ewa", "Kowalska"), author="seed").id
    links = LinkRepository(contacts)
    chosen = {ANNA: ("CEO", ["invoice", "credit_note"]), EWA: ("Accountant", ["invoice"]), LUKASZ: ("", ["project"])}
    for name, (role, notifications) in chosen.items():
        links.link(ContactPersonLink(ids[name], ids[ALFA], role=role), author="seed")
        link = links.of_person(ids[name])
        link.notifications = notifications
        links.update(link, author="seed")
    return ids


async def open_related(pilot, name: str) -> ContactCardScreen:
    await pilot.press("home", *["down"] * ROW[name], "enter")
    assert isinstance(pilot.app.screen, ContactCardScreen)
    await pilot.press("2")
    assert pilot.app.screen.query_one(TabbedContent).active == "related"
    return pilot.app.screen


def shown(screen) -> tuple[str, list[str]]:
    """The summary line and the recipients' rows of the recipients screen."""
    summary = str(screen.query_one("#recipients-summary", Static).render())
    listed = screen.query_one("#recipient-list", OptionList)
    rows = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)] if listed.display else []
    return summary, rows


def recipient_names(screen) -> list[str]:
    """The names of the listed recipients (the first line of each row, without the ★ column)."""
    return [row.splitlines()[0][2:] for row in shown(screen)[1]]


async def test_recipients_per_notification_kind(ui, sample_db, make_app):
    ids = setup_alfa(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ALFA)
        assert "w Recipients" in ui.screen_lines(app)[-1]  # the footer shows the tab's keys
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, NotificationRecipientsScreen)
        kinds = screen.query_one("#recipient-kinds", OptionList)
        assert kinds.has_focus and kinds.highlighted_option.id == "invoice"
        assert str(kinds.get_option_at_index(0).prompt) == "Invoice (2)"

        summary, rows = shown(screen)
        assert "“Invoice”" in summary
        assert recipient_names(screen) == ["Anna Nowak — CEO", "Ewa Kowalska — Accountant"]  # primary first, then by name
        assert rows[0].startswith("★ ") and rows[0].splitlines()[1].strip() == "anna.nowak@example.com"
        assert not rows[1].startswith("★") and rows[1].splitlines()[1].strip() == "⚠ no e-mail address"

        await pilot.press("down", "down", "down", "down")  # credit note, estimates, tickets, project
        assert kinds.highlighted_option.id == "project"
        assert recipient_names(screen) == [LUKASZ]
        assert shown(screen)[1][0].splitlines()[1].strip() == "lukasz.wojcik@example.pl"

        await pilot.press("up")  # tickets: nobody
        summary, rows = shown(screen)
        assert rows == []
        assert summary.startswith("Nobody gets “Tickets” notifications; the message would go to no one")
        assert "p (Portal access)" in summary
        screen_text = "\n".join(ui.screen_lines(app))
        assert "Nobody gets “Tickets”" in screen_text and "Anna Nowak" not in screen_text

        links = app.links  # another session switches tickets on for Łukasz: the view follows
        lukasz = links.of_person(ids[LUKASZ])
        lukasz.notifications.append("tickets")
        links.update(lukasz, author="other")
        await pilot.pause()
        assert kinds.highlighted_option.id == "tickets" and recipient_names(screen) == [LUKASZ]
        assert str(kinds.highlighted_option.prompt) == "Tickets (1)"

        await pilot.press("enter")  # read-only: nothing happens
        assert app.screen is screen
        await pilot.press("escape")
        assert app.screen is card and card.query_one(TabbedContent).active == "related"


async def test_organization_without_contact_persons_says_so(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_related(pilot, ALFA)
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, NotificationRecipientsScreen)
        summary, rows = shown(screen)
        assert rows == [] and "no contact persons" in summary


async def test_recipients_only_on_an_organizations_related_tab(ui, sample_db, make_app):
    setup_alfa(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("home", "enter")  # Alfa's card, Details tab
        card = app.screen
        assert isinstance(card, ContactCardScreen)
        await pilot.press("w")
        assert app.screen is card  # not on the Details tab
        await pilot.press("escape")

        person = await open_related(pilot, ANNA)
        assert "w Recipients" not in ui.screen_lines(app)[-1]
        assert person.check_action("notification_recipients", ()) is False
        await pilot.press("w")
        assert app.screen is person
