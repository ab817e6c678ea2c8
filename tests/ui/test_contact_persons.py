"""Contact persons from the keyboard: linking persons to organizations (role, flags, primary),
moving a person, unlinking and trashing the primary contact, the Related tab of both cards,
the list's Options menu and the authorization check at the desk.

Links are set up through the repository before the app starts; what the app wrote is read back
with fresh repositories on the file afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path

from factories import make_person
from textual.widgets import Checkbox, Input, OptionList, Static, TabbedContent

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.dictionaries import CONTACT_ROLES
from tui_crm.store import ContactRepository, Database
from tui_crm.store.dictionaries import DictionaryRepository
from tui_crm.store.links import LinkRepository
from tui_crm.ui.screens.authorization_check import AuthorizationCheckScreen
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.contact_person_form import ContactPersonFormScreen
from tui_crm.ui.screens.options_menu import OptionsMenuScreen
from tui_crm.ui.screens.person_picker import ContactPickerScreen
from tui_crm.ui.screens.successor_picker import SuccessorPickerScreen

ALFA, ANNA, LUKASZ, ZURAW = "Alfa Sp. z o.o.", "Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"
# Rows of the sample list sorted by name.
ROW = {ALFA: 0, ANNA: 1, LUKASZ: 2, ZURAW: 3}


# -- helpers -------------------------------------------------------------------------------


def links_on(path: Path) -> LinkRepository:
    """A fresh link repository on the file: what another program reads from disk now."""
    return LinkRepository(ContactRepository(Database(path)))


def link(path: Path, ids: dict[str, int], person: str, organization: str, **flags) -> None:
    links_on(path).link(ContactPersonLink(ids[person], ids[organization], **flags), author="seed")


async def until(pilot, condition, tries: int = 100) -> None:
    """Flows run as workers: give them a few ticks to push their next screen."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


async def screen_of(pilot, screen_type):
    await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    return pilot.app.screen


async def open_card(pilot, name: str) -> ContactCardScreen:
    await pilot.press("home", *["down"] * ROW[name], "enter")
    return await screen_of(pilot, ContactCardScreen)


async def open_related(pilot, name: str) -> ContactCardScreen:
    card = await open_card(pilot, name)
    await pilot.press("2")
    assert card.query_one(TabbedContent).active == "related"
    return card


def related_rows(screen) -> list[str]:
    options = screen.query_one("#related-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def related_summary(screen) -> str:
    return str(screen.query_one("#related-body", Static).render())


def option_texts(screen, selector: str = OptionList) -> list[str]:
    options = screen.query_one(selector)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def primaries(links: LinkRepository, organization_id: int) -> list[int]:
    return [l.person_id for l in links.of_organization(organization_id) if l.primary]


# -- linking from the organization's card --------------------------------------------------


async def test_link_an_existing_person_from_the_organization_card(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ALFA)
        assert related_summary(card) == "No contact persons yet. Press l to add one."
        assert "l Add person" in ui.screen_lines(app)[-1]  # the footer shows the tab's keys

        await pilot.press("l")
        picker = await screen_of(pilot, ContactPickerScreen)
        await ui.type_text(pilot, "nowak")
        hits = option_texts(picker, "#picker-hits")
        assert hits[0] == "+ New person…" and hits[1:] == [ANNA + "  · anna.nowak@example.com"]
        await pilot.press("enter")

        form = await screen_of(pilot, ContactPersonFormScreen)
        assert form.query_one("#role", Input).has_focus
        primary = form.query_one("#primary", Checkbox)
        assert primary.value and primary.disabled  # the first contact person is the primary one
        await ui.type_text(pilot, "Prokurent")  # a role not in the list yet
        await pilot.press("tab", "tab", "space")  # contact person (on), may collect mail: on
        await pilot.press("tab", "tab")  # may represent stays off; primary is skipped
        assert form.query_one("#info", Input).has_focus
        await ui.type_text(pilot, "tylko z dowodem")
        await pilot.press("ctrl+s")

        await until(pilot, lambda: app.screen is card)
        [row] = related_rows(card)
        assert row.startswith("★ Anna Nowak — Prokurent")
        assert "contact person · may collect mail" in row and "may represent" not in row
        assert "tylko z dowodem" in row

    links = links_on(sample_db)
    saved = links.of_person(sample_ids[ANNA])
    assert saved.organization_id == sample_ids[ALFA] and saved.primary
    assert (saved.role, saved.contact_person, saved.may_collect_mail, saved.may_represent) == ("Prokurent", True, True, False)
    assert saved.info == "tylko z dowodem" and saved.created_by == ui.USER
    roles = [entry.label for entry in DictionaryRepository(Database(sample_db)).entries(CONTACT_ROLES)]
    assert roles[:2] == ["CEO", "Owner"] and roles[-1] == "Prokurent"  # the defaults, plus the new one


async def test_second_person_made_primary_moves_the_flag_which_cannot_be_switched_off(ui, sample_db, sample_ids, make_app):
    link(sample_db, sample_ids, ANNA, ALFA, role="CEO")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ALFA)
        await pilot.press("l")
        await screen_of(pilot, ContactPickerScreen)
        await ui.type_text(pilot, "wójcik")
        await pilot.press("enter")
        form = await screen_of(pilot, ContactPersonFormScreen)
        assert not form.query_one("#primary", Checkbox).value and not form.query_one("#primary").disabled
        await pilot.press("A", "c", "c", "right")  # the suggestion from the roles list is taken
        assert form.query_one("#role", Input).value == "Accountant"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is card)
        rows = related_rows(card)
        assert rows[0].startswith("★ Anna Nowak — CEO") and rows[1].startswith("  Łukasz Wójcik — Accountant")
        assert links_on(sample_db).of_person(sample_ids[LUKASZ]).role == "Accountant"

        # the new one is highlighted: * makes him primary, the flag moves
        await pilot.press("*")
        rows = related_rows(card)
        assert rows[0].startswith("★ Łukasz Wójcik") and rows[1].startswith("  Anna Nowak")
        assert primaries(links_on(sample_db), sample_ids[ALFA]) == [sample_ids[LUKASZ]]

        # switching the flag off on the primary is refused by the store; the dialog stays
        await pilot.press("home", "f")
        form = await screen_of(pilot, ContactPersonFormScreen)
        await pilot.press("tab", "tab", "tab", "tab")
        assert form.query_one("#primary", Checkbox).has_focus
        await pilot.press("space", "ctrl+s")
        assert app.screen is form
        assert any("cannot be switched off" in message for message in ui.notifications(app))
        await pilot.press("escape")
        await screen_of(pilot, ConfirmScreen)  # unsaved changes: discard?
        await pilot.press("y")
        await until(pilot, lambda: app.screen is card)

    links = links_on(sample_db)
    assert primaries(links, sample_ids[ALFA]) == [sample_ids[LUKASZ]]
    assert not links.of_person(sample_ids[ANNA]).primary


async def test_add_a_new_person_in_one_go(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ZURAW)
        await pilot.press("l")
        picker = await screen_of(pilot, ContactPickerScreen)
        assert picker.query_one("#picker-hits", OptionList).highlighted == 0  # "+ New person…"
        await pilot.press("enter")
        await screen_of(pilot, ContactFormScreen)
        await ui.fill(pilot, "#first_name", "Jan")
        await ui.fill(pilot, "#last_name", "Kowalski")
        await pilot.press("ctrl+s")
        await screen_of(pilot, ContactPersonFormScreen)
        await ui.type_text(pilot, "Owner")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is card)
        assert related_rows(card)[0].startswith("★ Jan Kowalski — Owner")

    repo = ui.reopen(sample_db)
    jan = ui.by_name(repo, "Jan Kowalski")
    saved = LinkRepository(repo).of_person(jan.id)
    assert saved.organization_id == sample_ids[ZURAW] and saved.primary and saved.role == "Owner"


# -- one organization per person -----------------------------------------------------------


async def test_second_organization_is_refused_then_the_person_moves_with_confirmation(ui, sample_db, sample_ids, make_app):
    link(sample_db, sample_ids, ANNA, ALFA, role="CEO")
    link(sample_db, sample_ids, LUKASZ, ALFA)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        # from the other organization's card: refused when the user does not confirm
        card = await open_related(pilot, ZURAW)
        await pilot.press("l")
        await screen_of(pilot, ContactPickerScreen)
        await ui.type_text(pilot, "anna")
        assert option_texts(app.screen, "#picker-hits")[1] == "Anna Nowak  — Alfa Sp. z o.o. · anna.nowak@example.com"
        await pilot.press("enter")
        confirm = await screen_of(pilot, ConfirmScreen)
        assert "already belongs to “Alfa Sp. z o.o.”" in confirm._question
        await pilot.press("n")
        await until(pilot, lambda: app.screen is card)
        assert "Not linked: “Anna Nowak” stays with “Alfa Sp. z o.o.”." in ui.notifications(app)
        assert related_rows(card) == []
        assert links_on(sample_db).of_person(sample_ids[ANNA]).organization_id == sample_ids[ALFA]

        # from the person's card: confirmed, and she was Alfa's primary: who takes over there?
        await pilot.press("escape")
        card = await open_related(pilot, ANNA)
        assert related_rows(card)[0].startswith("Organization: Alfa Sp. z o.o. — CEO")
        await pilot.press("l")
        await screen_of(pilot, ContactPickerScreen)
        assert option_texts(app.screen, "#picker-hits") == ["Zakład Ślusarski Żuraw  · Poznań"]  # not Alfa again
        await pilot.press("enter")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        successors = await screen_of(pilot, SuccessorPickerScreen)
        assert option_texts(successors) == [LUKASZ]
        await pilot.press("enter")
        await screen_of(pilot, ContactPersonFormScreen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is card)
        assert related_rows(card)[0].startswith("Organization: Zakład Ślusarski Żuraw")

    links = links_on(sample_db)
    moved = links.of_person(sample_ids[ANNA])
    assert moved.organization_id == sample_ids[ZURAW] and moved.primary  # the first one there
    assert primaries(links, sample_ids[ALFA]) == [sample_ids[LUKASZ]]
    assert [l.person_id for l in links.of_organization(sample_ids[ALFA])] == [sample_ids[LUKASZ]]


# -- leaving: unlink and trash -------------------------------------------------------------


async def test_unlink_the_primary_asks_who_becomes_primary_and_keeps_both_contacts(ui, sample_db, sample_ids, make_app):
    link(sample_db, sample_ids, ANNA, ALFA)
    link(sample_db, sample_ids, LUKASZ, ALFA)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ALFA)
        assert related_rows(card)[0].startswith("★ Anna Nowak")
        # cancelled at the successor question: nothing changes
        await pilot.press("u")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        await screen_of(pilot, SuccessorPickerScreen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card)
        assert links_on(sample_db).of_person(sample_ids[ANNA]) is not None

        await pilot.press("u")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        successors = await screen_of(pilot, SuccessorPickerScreen)
        assert "primary contact of “Alfa Sp. z o.o.”" in successors._question
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is card)
        [row] = related_rows(card)
        assert row.startswith("★ Łukasz Wójcik")

    repo = ui.reopen(sample_db)
    links = LinkRepository(repo)
    assert links.of_person(sample_ids[ANNA]) is None
    assert primaries(links, sample_ids[ALFA]) == [sample_ids[LUKASZ]]
    assert {ANNA, ALFA} <= ui.live_names(repo)  # unlinking keeps both contacts


async def test_deleting_a_primary_person_asks_for_a_successor(ui, db_path, make_app):
    ids = ui.seed(db_path, [*ui.sample_contacts(), make_person("Jan", "Kowalski")])
    for person in (ANNA, LUKASZ, "Jan Kowalski"):
        link(db_path, ids, person, ALFA)
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        # Jan (row 2) is not the primary contact: deleted without a further question
        await pilot.press("down", "down", "d", "y")
        await until(pilot, lambda: "Jan Kowalski" not in ui.shown_names(app))
        assert isinstance(app.screen, ContactListScreen)

        await pilot.press("home", "down", "d")  # Anna, the primary contact
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        await screen_of(pilot, SuccessorPickerScreen)
        await pilot.press("escape")  # cancelled: nothing is deleted
        await screen_of(pilot, ContactListScreen)
        assert ANNA in ui.shown_names(app)

        await pilot.press("d")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        successors = await screen_of(pilot, SuccessorPickerScreen)
        assert option_texts(successors) == [LUKASZ]  # not Jan: he is in the trash
        await pilot.press("enter")
        await screen_of(pilot, ContactListScreen)
        await until(pilot, lambda: ANNA not in ui.shown_names(app))

    repo = ui.reopen(db_path)
    assert {c.display_name for c in repo.trash()} == {ANNA, "Jan Kowalski"}
    assert primaries(LinkRepository(repo), ids[ALFA]) == [ids[LUKASZ]]


# -- the Related tab of a person -----------------------------------------------------------


async def test_person_card_shows_the_organization_and_enter_jumps_to_it(ui, sample_db, sample_ids, make_app):
    link(sample_db, sample_ids, ANNA, ALFA, role="CEO", may_represent=True, info="pełnomocnictwo do 2026")
    DictionaryRepository(Database(sample_db)).rename(CONTACT_ROLES, "CEO", "Prezes zarządu", author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ANNA)
        [row] = related_rows(card)
        assert row.splitlines() == [
            "Organization: Alfa Sp. z o.o. — Prezes zarządu",  # the role by its dictionary label
            "  ★ primary contact · contact person · may represent",
            "  pełnomocnictwo do 2026",
        ]
        assert any("Organization: Alfa Sp. z o.o. — Prezes zarządu" in line for line in ui.screen_lines(app))

        await pilot.press("enter")
        organization = await screen_of(pilot, ContactCardScreen)
        assert organization is not card and organization.contact_id == sample_ids[ALFA]
        assert organization.query_one(TabbedContent).active == "related"
        assert related_rows(organization)[0].startswith("★ Anna Nowak — Prezes zarządu")
        await pilot.press("enter")  # and back to the person, from the organization's list
        person = await screen_of(pilot, ContactCardScreen)
        assert person.contact_id == sample_ids[ANNA] and person is not card
        await pilot.press("escape", "escape")
        assert app.screen is card


async def test_relate_two_persons_of_one_organization_and_remove_the_relation(ui, sample_db, sample_ids, make_app, monkeypatch):
    link(sample_db, sample_ids, ANNA, ALFA)
    link(sample_db, sample_ids, LUKASZ, ALFA)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_related(pilot, ALFA)
        await pilot.press("r")  # Anna is highlighted
        picker = await screen_of(pilot, ContactPickerScreen)
        assert option_texts(picker, "#picker-hits") == ["Łukasz Wójcik  — Alfa Sp. z o.o. · Łódź · lukasz.wojcik@example.pl"]  # colleagues only
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is card)
        assert "related: Łukasz Wójcik" in related_rows(card)[0]
        assert links_on(sample_db).related_persons(sample_ids[ANNA]) == [(sample_ids[LUKASZ], "")]

        await pilot.press("escape")
        card = await open_related(pilot, LUKASZ)
        assert related_rows(card)[1] == "Related: Anna Nowak"
        await pilot.press("down", "u")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: len(related_rows(card)) == 1)

        # p: the portal-access dialog, when it is there
        monkeypatch.setitem(sys.modules, "tui_crm.ui.screens.portal_access", None)  # its import fails
        await pilot.press("p")
        assert app.screen is card
        assert "Portal access is not available yet." in ui.notifications(app)

    links = links_on(sample_db)
    assert links.related_persons(sample_ids[ANNA]) == []
    assert links.of_person(sample_ids[LUKASZ]) is not None  # removing the relation keeps the link


# -- the list: Options menu and the authorization check ------------------------------------


async def test_options_menu_from_the_list(ui, sample_db, sample_ids, make_app):
    link(sample_db, sample_ids, ANNA, ALFA)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("x")  # Alfa, an organization
        menu = await screen_of(pilot, OptionsMenuScreen)
        labels = option_texts(menu)
        assert [label.split(maxsplit=1)[1] for label in labels] == [
            "Show contact persons", "Add contact person", "Open", "New activity", "Edit", "Copy", "Delete",
        ]
        await pilot.press("s")
        card = await screen_of(pilot, ContactCardScreen)
        assert card.contact_id == sample_ids[ALFA]
        assert card.query_one(TabbedContent).active == "related"
        assert related_rows(card)[0].startswith("★ Anna Nowak")

        await pilot.press("escape", "x", "down", "enter")  # arrows + enter: "Add contact person"
        picker = await screen_of(pilot, ContactPickerScreen)
        assert "Alfa Sp. z o.o." in str(picker.query_one(".title", Static).render())
        await pilot.press("escape")
        card = await screen_of(pilot, ContactCardScreen)
        assert card.query_one(TabbedContent).active == "related"

        # a person: their organization instead, and the card's other actions
        await pilot.press("escape", "down", "x")
        menu = await screen_of(pilot, OptionsMenuScreen)
        assert "Show organization" in option_texts(menu)[0]
        await pilot.press("e")
        form = await screen_of(pilot, ContactFormScreen)
        assert form.query_one("#first_name", Input).value == "Anna"


async def test_authorization_check_answers_yes_and_no(ui, db_path, make_app):
    ids = ui.seed(db_path, [*ui.sample_contacts(), make_person("Jan", "Nowak")])
    link(db_path, ids, ANNA, ALFA, role="Accountant", may_collect_mail=True, info="tylko z dowodem")
    link(db_path, ids, LUKASZ, ZURAW, may_represent=True, contact_person=False)
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("ctrl+k")
        check = await screen_of(pilot, AuthorizationCheckScreen)
        assert check.query_one("#auth-search", Input).has_focus

        await ui.type_text(pilot, "nowak")
        [anna] = option_texts(check, "#auth-results")
        assert anna.splitlines() == [
            "Anna Nowak — Alfa Sp. z o.o. (Accountant)",
            "  Collect mail: YES   Represent: NO   Contact person: YES",
            "  Info: tylko z dowodem",
        ]
        summary = str(check.query_one("#auth-summary", Static).render())
        assert summary == (
            "1 person of an organization matches. "
            "1 other person matches but belongs to no organization: not authorized."
        )  # Jan Nowak

        await ui.fill(pilot, "#auth-search", "wójcik")
        [lukasz] = option_texts(check, "#auth-results")
        assert lukasz.splitlines()[1] == "  Collect mail: NO   Represent: YES   Contact person: NO"
        assert any("Represent: YES" in line for line in ui.screen_lines(app))

        await ui.fill(pilot, "#auth-search", "kowalski")
        assert option_texts(check, "#auth-results") == []
        assert "No person of an organization matches." in str(check.query_one("#auth-summary", Static).render())

        await ui.fill(pilot, "#auth-search", "anna")
        await pilot.press("enter")  # opens the card of the person found
        card = await screen_of(pilot, ContactCardScreen)
        assert card.contact_id == ids[ANNA]
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ContactListScreen)


async def test_related_keys_only_on_the_related_tab(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, ALFA)
        for tab in ("1", "5"):
            await pilot.press(tab, "l", "u")
            assert app.screen is card  # nothing started
            assert "l Add person" not in ui.screen_lines(app)[-1]
        await pilot.press("2")
        assert "l Add person" in ui.screen_lines(app)[-1]
