"""The contact list, driven from the keyboard: search, quick filters, tags, sorting, navigation,
other sessions' writes, a read-only file, help and the command palette."""

from __future__ import annotations

import re

from textual.widgets import OptionList

from tui_crm.domain.contact import ContactKind
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.help import HelpScreen
from tui_crm.ui.screens.tag_picker import TagPickerScreen
from tui_crm.ui.widgets.virtual_table import VirtualTable

ALL = ["Alfa Sp. z o.o.", "Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"]


# -- search --------------------------------------------------------------------------------


async def test_search_as_you_type_narrows_and_widens(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        assert isinstance(app.screen, ContactListScreen)
        assert ui.shown_names(app) == ALL
        assert ui.count_label(app) == "4 contacts"

        await pilot.press("slash")
        await ui.type_text(pilot, "no")
        assert ui.shown_names(app) == ["Anna Nowak"]
        assert ui.count_label(app) == "1 contact of 4"
        # back to "n" (Rynek, Nowak, Kierownik, Poznań): all four again, so the narrowing
        # cache must not have kept the result for "no"
        await pilot.press("backspace")
        assert ui.shown_names(app) == ALL
        await pilot.press("backspace")

        await ui.type_text(pilot, "lodz")
        assert ui.shown_names(app) == ["Łukasz Wójcik"]  # only he lives in Łódź
        assert ui.count_label(app) == "1 contact of 4"

        # escape in the search field clears it: everything again
        await pilot.press("escape")
        assert ui.shown_names(app) == ALL
        assert ui.count_label(app) == "4 contacts"


async def test_search_with_diacritics_phone_and_no_match(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("slash")
        await ui.type_text(pilot, "ŁÓDŹ")
        assert ui.shown_names(app) == ["Łukasz Wójcik"]

        await pilot.press("escape", "slash")  # escape leaves the search box: / goes back to it
        await ui.type_text(pilot, "501 000")  # part of Anna's number, typed as people do
        assert ui.shown_names(app) == ["Anna Nowak"]

        await pilot.press("escape", "slash")
        await ui.type_text(pilot, "#hurt")
        assert ui.shown_names(app) == ["Anna Nowak", "Zakład Ślusarski Żuraw"]

        await pilot.press("escape", "slash")
        await ui.type_text(pilot, "qqqq")
        assert ui.shown_names(app) == []
        assert ui.count_label(app) == "0 contacts of 4"
        assert app.screen.query_one(VirtualTable).cursor_key is None
        # e on an empty list says so instead of crashing
        await pilot.press("down", "e")
        assert "No contact selected." in ui.notifications(app)
        assert isinstance(app.screen, ContactListScreen)


async def test_escape_in_the_search_clears_it_and_gives_the_keys_back_to_the_list(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        search = app.screen.query_one("#search")
        await pilot.press("slash")
        await ui.type_text(pilot, "anna")
        assert search.has_focus and ui.shown_names(app) == ["Anna Nowak"]

        await pilot.press("escape")  # one press: the text is gone and the list has the keys
        assert search.value == "" and not search.has_focus
        assert app.screen.query_one(VirtualTable).has_focus
        assert ui.shown_names(app) == ALL

        await pilot.press("2")  # a quick filter, not a search for "2"
        assert search.value == ""
        assert ui.shown_names(app) == ["Anna Nowak", "Łukasz Wójcik"]
        await pilot.press("escape")  # on the list: nothing to clear, the filter stays
        assert ui.shown_names(app) == ["Anna Nowak", "Łukasz Wójcik"]


async def test_search_lodz_in_demo_data(ui, demo_db, demo_docs, make_app):
    """Generated data: "lodz" finds exactly the contacts whose folded text contains it."""
    expected = {
        i
        for i, doc in enumerate(demo_docs, 1)
        if any(
            "lodz" in ui.folded(text)
            for text in [
                doc.get("first_name", "") + " " + doc.get("last_name", ""),
                doc.get("name", ""),
                *(a["city"] for a in doc.get("addresses", [])),
                *(a["street"] for a in doc.get("addresses", [])),
                *(e["address"] for e in doc.get("emails", [])),
            ]
        )
    }
    assert expected, "the demo data should have someone in Łódź"
    app = make_app(demo_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        assert ui.count_label(app) == f"{ui.DEMO_COUNT} contacts"
        await pilot.press("slash")
        await ui.type_text(pilot, "lodz")
        assert set(ui.shown_ids(app)) == expected
        assert ui.count_label(app) == f"{len(expected)} contact{'s' if len(expected) > 1 else ''} of {ui.DEMO_COUNT}"
        assert any("Łódź" in line for line in ui.screen_lines(app))
        # enter leaves the search for the table, a second enter opens the card of the first hit
        await pilot.press("enter")
        assert app.screen.query_one(VirtualTable).has_focus
        first = ui.shown_ids(app)[0]
        await pilot.press("enter")
        assert isinstance(app.screen, ContactCardScreen)
        assert app.screen.contact_id == first
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)
        assert set(ui.shown_ids(app)) == expected  # the search is still applied


# -- quick filters, tags -------------------------------------------------------------------


async def test_quick_filters_in_demo_data(ui, demo_db, demo_docs, make_app):
    persons = sum(d["kind"] == ContactKind.PERSON for d in demo_docs)
    organizations = sum(d["kind"] == ContactKind.ORGANIZATION for d in demo_docs)
    suppliers = sum(bool(d.get("supplier")) for d in demo_docs)
    assert persons and organizations and suppliers
    app = make_app(demo_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("2")
        assert len(ui.shown_ids(app)) == persons
        assert all(app.contacts.get(i).is_person for i in ui.shown_ids(app))
        assert ui.count_label(app) == f"{persons} contacts of {ui.DEMO_COUNT}"

        await pilot.press("3")
        assert len(ui.shown_ids(app)) == organizations
        assert not any(app.contacts.get(i).is_person for i in ui.shown_ids(app))

        await pilot.press("4")
        assert len(ui.shown_ids(app)) == suppliers
        assert all(app.contacts.get(i).supplier for i in ui.shown_ids(app))

        await pilot.press("1")
        assert len(ui.shown_ids(app)) == ui.DEMO_COUNT
        assert ui.count_label(app) == f"{ui.DEMO_COUNT} contacts"


async def test_quick_filter_combines_with_search(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("slash")
        await ui.type_text(pilot, "hurt")
        assert ui.shown_names(app) == ["Anna Nowak", "Zakład Ślusarski Żuraw"]
        await pilot.press("enter")  # back to the table: digits are filters again, not text
        await pilot.press("3")
        assert ui.shown_names(app) == ["Zakład Ślusarski Żuraw"]
        await pilot.press("2")
        assert ui.shown_names(app) == ["Anna Nowak"]
        assert app.screen.query_one("#search").value == "hurt"


async def _pick_tag(pilot, tag: str) -> None:
    app = pilot.app
    await pilot.press("t")
    assert isinstance(app.screen, TagPickerScreen)
    options = app.screen.query_one(OptionList)
    assert options.has_focus
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    assert tag in ids, ids
    for _ in range(options.option_count + 1):
        if options.highlighted is not None and options.get_option_at_index(options.highlighted).id == tag:
            break
        await pilot.press("down")
    await pilot.press("enter")


async def test_tag_filter_via_picker(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("t")
        picker = app.screen
        assert isinstance(picker, TagPickerScreen)
        prompts = [str(picker.query_one(OptionList).get_option_at_index(i).prompt) for i in range(3)]
        assert prompts == ["(no tag filter)", "hurt  (2)", "VIP  (2)"]
        await pilot.press("escape")  # cancelled: nothing changes
        assert isinstance(app.screen, ContactListScreen)
        assert ui.shown_names(app) == ALL

        await pilot.press("2")  # a quick filter first; a tag replaces it
        await _pick_tag(pilot, "VIP")
        assert isinstance(app.screen, ContactListScreen)
        assert ui.shown_names(app) == ["Łukasz Wójcik", "Zakład Ślusarski Żuraw"]
        assert "Tag: VIP" in ui.static_text(app.screen.query_one("#filters"))
        assert ui.count_label(app) == "2 contacts of 4"

        await _pick_tag(pilot, "")  # "(no tag filter)"
        assert ui.shown_names(app) == ALL
        assert "Tag: VIP" not in ui.static_text(app.screen.query_one("#filters"))


# -- sorting -------------------------------------------------------------------------------


def header(app) -> str:
    table = app.screen.query_one(VirtualTable)
    return table.render_line(0).text


async def test_sort_keys_cycle_and_reverse(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        # name, with Polish collation: Ł right after L, well before Z
        assert ui.shown_names(app) == ALL
        assert "Name ▲" in header(app)

        await pilot.press("S")  # reverse the current column
        assert ui.shown_names(app) == list(reversed(ALL))
        assert "Name ▼" in header(app)

        await pilot.press("s")  # next column: type, ascending, then name
        assert ui.shown_names(app) == ["Alfa Sp. z o.o.", "Zakład Ślusarski Żuraw", "Anna Nowak", "Łukasz Wójcik"]
        # the 5-cell Type column crops its label: "Ty… ▲"
        assert re.search(r"Ty\S* ▲", header(app)) and "▼" not in header(app)

        await pilot.press("S")
        assert ui.shown_names(app) == ["Łukasz Wójcik", "Anna Nowak", "Zakład Ślusarski Żuraw", "Alfa Sp. z o.o."]

        await pilot.press("s")  # phone: by first number, contacts without one last
        assert ui.shown_names(app) == ["Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw", "Alfa Sp. z o.o."]
        assert "Phone ▲" in header(app)


async def test_cursor_stays_on_contact_when_sorting(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "down")
        assert ui.cursor_name(app) == "Łukasz Wójcik"
        await pilot.press("S")
        assert ui.cursor_name(app) == "Łukasz Wójcik"
        await pilot.press("enter")
        assert isinstance(app.screen, ContactCardScreen)
        assert "Łukasz Wójcik" in ui.static_text(app.screen.query_one("#card-header"))
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Łukasz Wójcik"
        assert app.screen.query_one(VirtualTable).has_focus


# -- other sessions, read-only -------------------------------------------------------------


async def test_other_sessions_save_appears_after_poll(ui, sample_db, make_app):
    from factories import make_person

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        assert ui.count_label(app) == "4 contacts"
        other = ui.reopen(sample_db)  # another session on the same file
        other.save(make_person("Bożena", "Kowalska"), author="piotr")
        anna = other.get(ui.by_name(other, "Anna Nowak").id)
        other.delete(anna.id, author="piotr")

        await pilot.pause(0.7)  # the app polls the file every 0.5 s
        assert "Bożena Kowalska" in ui.shown_names(app)
        assert "Anna Nowak" not in ui.shown_names(app)
        assert ui.count_label(app) == "4 contacts"
        assert any("Bożena Kowalska" in line for line in ui.screen_lines(app))


async def test_other_session_edit_refreshes_row_text(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        assert any("501 000 111" in line for line in ui.screen_lines(app))
        other = ui.reopen(sample_db)
        anna = ui.by_name(other, "Anna Nowak")
        anna.phones[0].number = "+48502999888"
        other.save(anna, author="piotr")
        app.poll_database()
        await pilot.pause()
        lines = ui.screen_lines(app)
        assert any("502 999 888" in line for line in lines)
        assert not any("501 000 111" in line for line in lines)


async def test_read_only_database_opens_and_refuses_changes(ui, sample_db, sample_ids, make_app):
    import os

    from tui_crm.ui.screens.trash import TrashScreen

    ui.reopen(sample_db).delete(sample_ids["Alfa Sp. z o.o."], author="anna")
    os.chmod(sample_db, 0o444)
    try:
        app = make_app(sample_db)
        async with app.run_test(size=ui.SIZE) as pilot:
            assert app.database.read_only
            assert isinstance(app.screen, ContactListScreen)
            assert ui.shown_names(app) == ALL[1:]
            assert "read-only" in app.sub_title
            assert any("read-only" in message for message in ui.notifications(app))

            app.clear_notifications()
            for key in ("n", "o", "e", "c", "d"):
                await pilot.press(key)
                assert isinstance(app.screen, ContactListScreen), key
            assert ui.notifications(app).count("This database is read-only: nothing can be changed.") == 5

            # the card opens (looking is fine), but adding a note or an activity is refused too
            await pilot.press("enter")
            assert isinstance(app.screen, ContactCardScreen)
            app.clear_notifications()
            await pilot.press("n", "a")
            assert isinstance(app.screen, ContactCardScreen)
            assert ui.notifications(app) == ["This database is read-only: nothing can be changed."] * 2

            # the trash can be looked at; restoring is refused with a sentence, not a traceback
            await pilot.press("escape", "T")
            assert isinstance(app.screen, TrashScreen)
            app.clear_notifications()
            await pilot.press("r")
            assert isinstance(app.screen, TrashScreen)
            assert app.screen.query_one("#trash").row_count == 1
            [message] = ui.notifications(app)
            assert "read-only" in message
            assert app.is_running and app._exception is None
        assert app.return_code in (None, 0)
    finally:
        os.chmod(sample_db, 0o644)
    repo = ui.reopen(sample_db)
    assert ui.live_names(repo) == set(ALL[1:])
    assert [c.display_name for c in repo.trash()] == ["Alfa Sp. z o.o."]


async def test_f1_help_lists_the_list_keys(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = ui.static_text(app.screen.query_one("#help-keys"))
        for key, description in [
            ("n", "New person"),
            ("o", "New org."),
            ("e", "Edit"),
            ("/", "Search"),
            ("s", "Sort"),
            ("t", "Filter by tag"),
            ("2", "Persons only"),
        ]:
            assert any(line.split()[:1] == [key] and description in line for line in text.splitlines()), (key, text)
        assert "Trash" in text
        # a: import and export are easy to find (the footer has the short label)
        assert any(line.split()[:1] == ["a"] and "Actions: basket, import, export" in line for line in text.splitlines())
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)
        assert "a Import/exp." in ui.screen_lines(app)[-1]

        # on the form, help lists the form's keys
        await pilot.press("n")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = ui.static_text(app.screen.query_one("#help-keys"))
        assert "Save" in text and "+Phone" in text and "Remove row" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "ContactFormScreen"


async def _palette_hits(pilot, done=bool) -> list[str]:
    """The prompts the command palette shows, once its (asynchronous) search has produced them."""
    from textual.command import CommandList

    hits: list[str] = []
    for _ in range(50):
        commands = pilot.app.screen.query_one(CommandList)
        hits = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        if done(hits):
            break
        await pilot.pause(0.02)
    return hits


async def test_command_palette_lists_and_runs_screen_actions(ui, sample_db, make_app):
    from textual.command import CommandPalette

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        # discovery (nothing typed yet) lists the list's actions with their keys
        hits = await _palette_hits(pilot)
        assert any("New person" in hit for hit in hits) and any("Trash" in hit for hit in hits)
        await ui.type_text(pilot, "persons only")
        hits = await _palette_hits(pilot, lambda hits: len(hits) == 1)
        assert "Persons only" in hits[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen)
        assert ui.shown_names(app) == ["Anna Nowak", "Łukasz Wójcik"]
