"""The contact card, driven from the keyboard: details, tabs, notes, the map link, and the
actions it shares with the list (edit, copy, delete)."""

from __future__ import annotations

from textual.widgets import Input, OptionList, TabbedContent, TextArea

from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.map_link import MapLinkScreen
from tui_crm.ui.screens.note_editor import NoteEditorScreen

# Rows of the sample list sorted by name: Alfa, Anna, Łukasz, Zakład.
DOWN_TO = {"Alfa Sp. z o.o.": 0, "Anna Nowak": 1, "Łukasz Wójcik": 2, "Zakład Ślusarski Żuraw": 3}


async def open_card(pilot, name: str) -> ContactCardScreen:
    await pilot.press("home", *["down"] * DOWN_TO[name], "enter")
    card = pilot.app.screen
    assert isinstance(card, ContactCardScreen)
    return card


def body(card: ContactCardScreen, tab: str) -> str:
    return str(card.query_one(f"#{tab}-body").render())


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


async def test_details_tab_shows_formatted_values(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, "Łukasz Wójcik")
        header = str(card.query_one("#card-header").render())
        assert "Łukasz Wójcik" in header and "Person" in header and "#VIP" in header
        assert card.query_one(TabbedContent).active == "details"

        details = lines_of(body(card, "details"))
        assert "601 234 567 (mobile) WhatsApp" in details  # national format, not +48601234567
        assert "22 123 45 67 (work) — 9–12" in details
        assert "lukasz.wojcik@example.pl (consent to e-mail)" in details
        assert "ul. Piotrkowska 100, 90-001 Łódź, PL" in details
        assert "Position Kierownik zakupów" in details
        assert "Consent: e-mail given 1 Mar 2025" in details
        assert "Consent: SMS not given" in details
        assert "Account manager anna" in details
        assert "Version 1" in details
        assert not any("+48" in line for line in details)
        # and it is really on screen, not only in the widget
        assert any("601 234 567" in line for line in ui.screen_lines(app))

        # an organization: NIP, supplier mark, an e-mail without consent
        await pilot.press("escape")
        card = await open_card(pilot, "Zakład Ślusarski Żuraw")
        header = str(card.query_one("#card-header").render())
        assert "🚚 Zakład Ślusarski Żuraw" in header and "supplier" in header
        details = lines_of(body(card, "details"))
        assert f"NIP {ui.NIP_OK}" in details
        assert "biuro@zuraw.example.pl (no consent)" in details
        assert "61 234 56 78 (work)" in details


async def test_number_keys_switch_tabs_and_empty_tabs_say_so(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, "Anna Nowak")
        tabs = card.query_one(TabbedContent)
        await pilot.press("3")
        assert tabs.active == "activities"
        assert str(card.query_one(".activity-summary").render()) == "0 activities · oldest first · a adds one."
        await pilot.press("4")
        assert tabs.active == "history"
        assert "1 entry, oldest first" in str(card.query_one("#history-hint").render())  # the creation
        expected = {
            "2": ("related", "Not a contact person of any organization. Press l to link this person to one."),
            "7": ("files", "No files yet. Press n to attach one (t: the trash)."),
        }
        for key, (tab, text) in expected.items():
            await pilot.press(key)
            assert tabs.active == tab, key
            assert body(card, tab) == text
            assert any(text[:30] in line for line in ui.screen_lines(app)), tab
        await pilot.press("5")
        assert tabs.active == "notes"
        assert body(card, "notes") == "No notes yet. Press n to add one."
        await pilot.press("1")
        assert tabs.active == "details"
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)


async def test_add_note_from_the_card(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, "Anna Nowak")
        # escape cancels, and a note of only white space is not saved
        await pilot.press("n")
        await ui.type_text(pilot, "nie zapisuj")
        await pilot.press("escape")
        assert app.screen is card
        await pilot.press("n", "space", "enter", "ctrl+s")
        assert app.screen is card
        assert body(card, "notes") == "No notes yet. Press n to add one."
        assert ui.by_name(ui.reopen(sample_db), "Anna Nowak").version == 1

        await pilot.press("n")
        assert isinstance(app.screen, NoteEditorScreen)
        assert app.screen.query_one(TextArea).has_focus
        assert app.screen.query_one(TextArea).text == ""  # a fresh editor, not the cancelled text
        await ui.type_text(pilot, "Dzwonić po 10:00")
        await pilot.press("enter")
        await ui.type_text(pilot, "Zamówienie: 5 szt.")
        await pilot.press("ctrl+s")

        assert app.screen is card
        assert card.query_one(TabbedContent).active == "notes"
        notes = body(card, "notes")
        assert "Dzwonić po 10:00\nZamówienie: 5 szt." in notes
        assert f"· {ui.USER}" in notes

    saved = ui.by_name(ui.reopen(sample_db), "Anna Nowak")
    [note] = saved.notes
    assert note.text == "Dzwonić po 10:00\nZamówienie: 5 szt."
    assert note.author == ui.USER
    assert note.at  # a timestamp
    assert saved.version == 2


async def test_map_link_shows_an_openstreetmap_url(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, "Łukasz Wójcik")
        await pilot.press("m")
        assert isinstance(app.screen, MapLinkScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        prompt = str(options.get_option_at_index(0).prompt)
        assert "ul. Piotrkowska 100, 90-001 Łódź" in prompt
        url = prompt.splitlines()[-1]
        assert url.startswith("https://www.openstreetmap.org/search?query=")
        assert "Piotrkowska" in url and "%C5%81%C3%B3d%C5%BA" in url  # "Łódź", URL-encoded
        assert " " not in url
        await pilot.press("c")  # copy: says so, stays open
        assert "Link copied to the clipboard." in ui.notifications(app)
        await pilot.press("escape")
        assert app.screen is card

        # a contact without an address: a message instead of an empty dialog
        await pilot.press("escape")
        card = await open_card(pilot, "Anna Nowak")
        await pilot.press("m")
        assert app.screen is card
        assert "This contact has no address." in ui.notifications(app)


async def test_edit_and_copy_from_the_card(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, "Anna Nowak")
        await pilot.press("e")
        assert isinstance(app.screen, ContactFormScreen)
        await ui.fill(pilot, "#position", "Księgowa")
        await pilot.press("ctrl+s")
        assert app.screen is card
        details = lines_of(body(card, "details"))
        assert "Position Księgowa" in details
        assert "Version 2" in details

        # copy from the card: a new contact, prefilled; the card stays on the original
        await pilot.press("escape")
        card = await open_card(pilot, "Zakład Ślusarski Żuraw")
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, ContactFormScreen) and form.title == "New contact"
        assert form.query_one("#name", Input).value == "Zakład Ślusarski Żuraw"
        await ui.fill(pilot, "#name", "Żuraw Oddział 2")
        await pilot.press("ctrl+s")
        assert app.screen.__class__.__name__ == "DuplicateWarningScreen"  # a copy has the same NIP and phone
        await pilot.press("s")  # save anyway
        assert app.screen is card
        assert "Zakład Ślusarski Żuraw" in str(card.query_one("#card-header").render())
    repo = ui.reopen(sample_db)
    assert ui.by_name(repo, "Anna Nowak").position == "Księgowa"
    copy, original = ui.by_name(repo, "Żuraw Oddział 2"), ui.by_name(repo, "Zakład Ślusarski Żuraw")
    assert copy.id != original.id
    assert [p.number for p in copy.phones] == [p.number for p in original.phones] == ["+48612345678"]
    assert copy.nip == original.nip and copy.supplier and copy.version == 1


async def test_delete_from_card_closes_it(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(pilot, "Anna Nowak")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert isinstance(app.screen, ContactListScreen)
        assert "Anna Nowak" not in ui.shown_names(app)
        assert ui.count_label(app) == "3 contacts"
    repo = ui.reopen(sample_db)
    [trashed] = repo.trash()
    assert trashed.display_name == "Anna Nowak" and trashed.deleted_by == ui.USER


async def test_card_follows_another_sessions_edit(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_card(pilot, "Anna Nowak")
        other = ui.reopen(sample_db)
        other.add_note(sample_ids["Anna Nowak"], "Od Piotra", author="piotr")
        app.poll_database()  # what the 0.5 s timer does (the list's test waits for the timer)
        await pilot.pause()
        assert "Od Piotra" in body(card, "notes")
        assert "· piotr" in body(card, "notes")
        assert "Version 2" in lines_of(body(card, "details"))


async def test_card_of_contact_trashed_by_another_session_does_not_take_notes(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(pilot, "Anna Nowak")
        ui.reopen(sample_db).delete(sample_ids["Anna Nowak"], author="piotr")
        app.poll_database()
        await pilot.pause()
        await pilot.press("n")
        assert not isinstance(app.screen, NoteEditorScreen)


async def test_purge_by_another_session_does_not_close_the_form_on_top(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_card(pilot, "Anna Nowak")
        await pilot.press("e")
        form = app.screen
        await ui.type_text(pilot, "X")
        other = ui.reopen(sample_db)
        other.delete(sample_ids["Anna Nowak"], author="piotr")
        other.purge(sample_ids["Anna Nowak"])
        app.poll_database()
        await pilot.pause()
        assert app.screen is form or not any(isinstance(s, ContactCardScreen) for s in app.screen_stack)
