"""The tags screen (F8) from the keyboard: counts, rename, merge, delete, and enter to the
contact list filtered by the tag. What the app wrote is read back from the file."""

from __future__ import annotations

from textual.widgets import Input, Static

from tui_crm.store.contact_index import ContactQuery
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.tags import TagNameDialog, TagsScreen
from tui_crm.ui.widgets.virtual_table import VirtualTable


def rows(screen: TagsScreen) -> list[tuple[str, str]]:
    return [tuple(screen._cells(key)) for key in screen.table.row_keys]


def hint(screen: TagsScreen) -> str:
    return str(screen.query_one("#tags-hint", Static).render())


def tags_in_file(ui, path) -> dict[str, list[str]]:
    repo = ui.reopen(path)
    return {c.display_name: c.tags for c in map(repo.get, repo.find())}


async def open_tags(pilot) -> TagsScreen:
    await pilot.press("f8")
    screen = pilot.app.screen
    assert isinstance(screen, TagsScreen)
    assert screen.table.has_focus
    return screen


async def go_to(pilot, screen: TagsScreen, tag: str) -> None:
    names = [name for name, _count in rows(screen)]
    await pilot.press("home", *["down"] * names.index(tag))
    assert screen.highlighted() == tag


async def test_counts_in_alphabetical_order_and_rename(ui, sample_db, sample_ids, make_app):
    other = ui.reopen(sample_db)
    alfa = other.get(sample_ids["Alfa Sp. z o.o."])
    alfa.tags = ["Lublin", "Łódź", "vip"]
    other.save(alfa, author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_tags(pilot)
        # "VIP" and "vip" are one tag, under the spelling most contacts have; Ł sorts as L in English
        assert rows(screen) == [("hurt", "2"), ("Łódź", "1"), ("Lublin", "1"), ("VIP", "3")]
        assert hint(screen).startswith("4 tags")
        assert any("Lublin" in line for line in ui.screen_lines(app))

        await go_to(pilot, screen, "VIP")
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, TagNameDialog)
        assert dialog.query_one(Input).value == "VIP"
        await ui.fill(pilot, "#tag-name", "Klient, VIP")  # a comma would split it on the form
        await pilot.press("enter")
        assert app.screen is dialog
        assert "comma" in str(dialog.query_one("#tag-name-error", Static).render())
        await ui.fill(pilot, "#tag-name", "  Klient   VIP ")
        await pilot.press("enter")
        assert app.screen is screen
        assert rows(screen) == [("hurt", "2"), ("Klient VIP", "3"), ("Łódź", "1"), ("Lublin", "1")]
        assert screen.highlighted() == "Klient VIP"
        assert "“VIP” is now “Klient VIP” on 3 contacts." in ui.notifications(app)

    tags = tags_in_file(ui, sample_db)
    assert tags["Łukasz Wójcik"] == ["Klient VIP"]
    assert tags["Zakład Ślusarski Żuraw"] == ["hurt", "Klient VIP"]
    assert tags["Alfa Sp. z o.o."] == ["Lublin", "Łódź", "Klient VIP"]
    assert tags["Anna Nowak"] == ["hurt"]
    repo = ui.reopen(sample_db)
    lukasz = repo.get(sample_ids["Łukasz Wójcik"])
    assert lukasz.version == 2 and lukasz.updated_by == ui.USER
    entry = repo.history.of("contact", lukasz.id)[0]
    assert (entry.action, entry.author, entry.changes[0].new) == ("bulk_edited", ui.USER, ["Klient VIP"])


async def test_rename_onto_an_existing_tag_asks_to_merge(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_tags(pilot)
        await go_to(pilot, screen, "hurt")
        await pilot.press("r")
        await ui.fill(pilot, "#tag-name", "vip")
        await pilot.press("enter")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "“VIP” already exists (2 contacts). Merge “hurt” into it?" in ui.static_text(question.query_one(".question"))
        await pilot.press("n")  # no: nothing changes
        assert app.screen is screen and rows(screen) == [("hurt", "2"), ("VIP", "2")]
        assert tags_in_file(ui, sample_db)["Anna Nowak"] == ["hurt"]

        await pilot.press("r")
        await ui.fill(pilot, "#tag-name", "vip")
        await pilot.press("enter", "y")
        assert rows(screen) == [("vip", "3")]  # "vip" on two contacts now, "VIP" on one
    tags = tags_in_file(ui, sample_db)
    assert tags["Anna Nowak"] == ["vip"] and tags["Zakład Ślusarski Żuraw"] == ["vip"]  # one, not two
    assert tags["Łukasz Wójcik"] == ["VIP"]


async def test_merge_marked_tags(ui, sample_db, sample_ids, make_app):
    other = ui.reopen(sample_db)
    alfa = other.get(sample_ids["Alfa Sp. z o.o."])
    alfa.tags = ["detal", "hurt"]
    other.save(alfa, author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_tags(pilot)
        assert rows(screen) == [("detal", "1"), ("hurt", "3"), ("VIP", "2")]
        await pilot.press("m")  # nothing marked yet
        assert app.screen is screen
        assert "at least two" in ui.notifications(app)[-1]
        await pilot.press("space", "space")  # detal, hurt; the cursor moves on after each
        assert screen.marked == {"detal", "hurt"} and screen.table.marked == {0, 1}
        assert "2 marked" in hint(screen)
        await pilot.press("m")
        dialog = app.screen
        assert isinstance(dialog, TagNameDialog)
        assert dialog.query_one(Input).value == "hurt"  # the tag most contacts have
        await ui.fill(pilot, "#tag-name", "Sprzedaż")
        await pilot.press("enter")
        assert rows(screen) == [("Sprzedaż", "3"), ("VIP", "2")]
        assert screen.marked == set() and screen.table.marked == set()
    tags = tags_in_file(ui, sample_db)
    assert tags["Alfa Sp. z o.o."] == ["Sprzedaż"]
    assert tags["Zakład Ślusarski Żuraw"] == ["Sprzedaż", "VIP"] and tags["Anna Nowak"] == ["Sprzedaż"]


async def test_delete_says_how_many_contacts_lose_the_tag(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_tags(pilot)
        await go_to(pilot, screen, "VIP")
        await pilot.press("d")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert ui.static_text(question.query_one(".question")) == "Remove the tag “VIP” from 2 contacts? The contacts stay."
        await pilot.press("escape")
        assert rows(screen) == [("hurt", "2"), ("VIP", "2")]
        await pilot.press("d", "y")
        assert rows(screen) == [("hurt", "2")]
        assert screen.highlighted() == "hurt"
    tags = tags_in_file(ui, sample_db)
    assert tags["Łukasz Wójcik"] == [] and tags["Zakład Ślusarski Żuraw"] == ["hurt"]
    assert len(tags) == 4  # the contacts stay


async def test_enter_opens_the_list_of_the_tags_contacts(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("slash")
        await ui.type_text(pilot, "Anna")
        await pilot.press("enter")  # to the list, the search kept
        assert ui.shown_names(app) == ["Anna Nowak"]
        screen = await open_tags(pilot)
        await go_to(pilot, screen, "VIP")
        await pilot.press("enter")
        listing = app.screen
        assert isinstance(listing, ContactListScreen)
        await pilot.pause()
        assert listing.contact_query.tag == "VIP" and listing.contact_query.text == ""
        assert listing.query_one("#search", Input).value == ""  # the search is cleared
        assert sorted(ui.shown_names(app)) == ["Zakład Ślusarski Żuraw", "Łukasz Wójcik"]
        assert "t Tag: VIP" in ui.static_text(listing.query_one("#filters", Static))
        assert listing.query_one(VirtualTable).has_focus

        # from a card too: the card closes, the list shows the tag
        await pilot.press("1")  # all contacts again
        assert listing.contact_query == ContactQuery()
        await app.push_screen(ContactCardScreen(sample_ids["Anna Nowak"]))
        await pilot.press("f8")
        screen = app.screen
        await go_to(pilot, screen, "hurt")
        await pilot.press("enter")
        assert app.screen is listing
        await pilot.pause()
        assert sorted(ui.shown_names(app)) == ["Anna Nowak", "Zakład Ślusarski Żuraw"]
        assert len(app.screen_stack) == 2
