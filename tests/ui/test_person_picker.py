"""The person picker (``l`` on an organization's Related tab): arrows right after typing, and
hits that tell namesakes apart.

What the app linked is read back with a fresh repository on the file afterwards.
"""

from __future__ import annotations

from factories import make_org, make_person
from test_contact_persons import ALFA, links_on, option_texts, screen_of, until
from textual import events
from textual.widgets import OptionList

from tui_crm.domain.contact import Address, Email, Phone
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.contact_person_form import ContactPersonFormScreen
from tui_crm.ui.screens.person_picker import ContactPickerScreen


async def burst(pilot, *keys: str) -> None:
    """Press ``keys`` without any pause in between (as a quick typist does), then let them settle.

    ``pilot.press`` waits for the app to go idle after every key, which hides what happens
    when keys arrive faster than the screen handles the messages of the previous ones.
    """
    app = pilot.app
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)
    for _ in range(5):
        await pilot.pause()


async def open_person_picker(pilot, organization_id: int) -> ContactPickerScreen:
    await screen_of(pilot, ContactListScreen)
    pilot.app.push_screen(ContactCardScreen(organization_id, tab="related"))
    await screen_of(pilot, ContactCardScreen)
    await pilot.press("l")
    return await screen_of(pilot, ContactPickerScreen)


def highlighted_id(picker: ContactPickerScreen) -> str | None:
    option = picker.query_one("#picker-hits", OptionList).highlighted_option
    return None if option is None else option.id


async def test_quick_arrows_after_typing_link_the_highlighted_person_never_new(ui, sample_db, sample_ids, make_app):
    seeded = ui.seed(sample_db, [make_person("Adam", "Łukasiewicz"), make_person("Beata", "Łukasiewicz")])
    adam, beata = seeded["Adam Łukasiewicz"], seeded["Beata Łukasiewicz"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        picker = await open_person_picker(pilot, sample_ids[ALFA])
        await ui.type_text(pilot, "lukasie")
        await pilot.pause(0.8)
        assert highlighted_id(picker) == str(adam)  # the first hit, "+ New person…" above it

        # Five quick downs: with two hits the highlight stops at the last one (it used to wrap
        # round through "+ New person…", and enter then opened the new-contact form).
        await burst(pilot, *["down"] * 5)
        assert highlighted_id(picker) == str(beata)
        await burst(pilot, "up", "up", "up", "down")  # and stops at the top end as well
        assert highlighted_id(picker) == str(adam)

        # Typing and arrows in one burst: the arrows act on the hits of what was typed.
        await burst(pilot, "ctrl+u", *"lukasiewicz", "down", "down", "down", "enter")
        await screen_of(pilot, ContactPersonFormScreen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))

    saved = links_on(sample_db).of_organization(sample_ids[ALFA])
    assert [l.person_id for l in saved] == [beata]


async def test_arrows_typed_in_one_burst_with_the_search_move_through_its_hits(ui, sample_db, sample_ids, make_app):
    names = ("Adam", "Beata", "Celina", "Dariusz", "Ewa", "Filip", "Grzegorz")
    seeded = ui.seed(sample_db, [make_person(first, "Łukasiewicz") for first in names])
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_person_picker(pilot, sample_ids[ALFA])
        await burst(pilot, *"lukasie", "down", "down", "down", "down", "down", "enter")
        await screen_of(pilot, ContactPersonFormScreen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))

    saved = links_on(sample_db).of_organization(sample_ids[ALFA])
    assert [l.person_id for l in saved] == [seeded["Filip Łukasiewicz"]]


async def test_a_refresh_with_the_same_hits_keeps_the_highlight(ui, sample_db, sample_ids, make_app):
    seeded = ui.seed(sample_db, [make_person("Adam", "Łukasiewicz"), make_person("Beata", "Łukasiewicz")])
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        picker = await open_person_picker(pilot, sample_ids[ALFA])
        await ui.type_text(pilot, "lukasie")
        await pilot.press("down")
        hits = picker.query_one("#picker-hits", OptionList)
        before = list(hits.options)
        picker._search("lukasie")  # what a late Changed message or a data refresh does
        assert list(hits.options) == before  # not rebuilt
        assert highlighted_id(picker) == str(seeded["Beata Łukasiewicz"])


async def test_namesakes_are_told_apart_by_organization_city_and_email_or_phone(ui, sample_db, sample_ids, make_app):
    seeded = ui.seed(sample_db, [
        make_org("Beta S.A."),
        make_person("Łucja", "Majewska", addresses=[Address("ul. Polna 1", "00-001", "Warszawa", "PL")],
                    emails=[Email("lucja.majewska@example.pl")], phones=[Phone("+48601000001", "mobile")]),
        make_person("Łucja", "Majewska", addresses=[Address("ul. Długa 2", "80-001", "Gdańsk", "PL")],
                    phones=[Phone("+48601000002", "mobile")]),
        make_person("Łucja", "Majewska"),
    ])
    repo = ui.reopen(sample_db)
    namesakes = sorted(i for i in repo.find() if repo.get(i).display_name == "Łucja Majewska")  # in the order saved
    links_on(sample_db).link(ContactPersonLink(namesakes[1], seeded["Beta S.A."]), author="seed")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        picker = await open_person_picker(pilot, sample_ids[ALFA])
        await ui.type_text(pilot, "majewska")
        hits = option_texts(picker, "#picker-hits")
        assert hits[0] == "+ New person…"
        assert sorted(hits[1:]) == sorted([
            "Łucja Majewska  · Warszawa · lucja.majewska@example.pl",  # the e-mail before the phone
            "Łucja Majewska  — Beta S.A. · Gdańsk · 601 000 002",  # linked elsewhere: says where
            "Łucja Majewska",  # nothing else known
        ])
        # One line each, within the 80 columns, the name never markup (plain text).
        screen = "\n".join(ui.screen_lines(app))
        assert "Łucja Majewska  · Warszawa · lucja.majewska@example.pl" in screen
        assert "Łucja Majewska  — Beta S.A. · Gdańsk · 601 000 002" in screen
        assert all(len(line) <= 80 for line in ui.screen_lines(app))


async def test_a_long_hit_is_cut_on_one_line_not_wrapped(ui, sample_db, sample_ids, make_app):
    ui.seed(sample_db, [make_person("Bartłomiej", "Brzęczyszczykiewicz-[bold]Konstantynopolitańczykowski[/]",
                                    emails=[Email("bartlomiej.brzeczyszczykiewicz@przedsiebiorstwo.example.pl")],
                                    addresses=[Address("ul. Długa 1", "00-001", "Kędzierzyn-Koźle", "PL")])])
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        picker = await open_person_picker(pilot, sample_ids[ALFA])
        await ui.type_text(pilot, "brzecz")
        [_new, hit] = option_texts(picker, "#picker-hits")
        assert hit.startswith("Bartłomiej Brzęczyszczykiewicz-[bold]Konstantynopolitańczykowski[/]  · Kędzierzyn-Koźle")
        lines = [line for line in ui.screen_lines(app) if "Bartłomiej" in line]
        assert len(lines) == 1 and "…" in lines[0]  # cut, and the markup shown as typed
        assert "[bold]" in lines[0]
        assert not any("przedsiebiorstwo" in line for line in ui.screen_lines(app))
