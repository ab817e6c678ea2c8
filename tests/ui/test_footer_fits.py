"""Every footer fits 80 columns: the contact list, the outbox, every tab of a person's and an
organization's card (the Files tab and its trash too), the contact form and the settings, at
every focus position and with a drop-down open, show all their keys whole, f1 Help last.

Keys that did not fit are hidden from the footer; they stay in help (f1) and the command
palette, and the tab's first line names those that are its main actions. (The Polish footers
are checked by tests/test_translations.py, which starts the app in Polish.)
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select
from textual.widgets._footer import FooterKey

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.store import ContactRepository, Database
from tui_crm.store.attachments import AttachmentRepository
from tui_crm.store.links import LinkRepository
from tui_crm.ui.screens.contact_card import TABS, ContactCardScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.help import HelpScreen
from tui_crm.ui.screens.outbox import OutboxScreen
from tui_crm.ui.screens.settings import SettingsScreen

ALFA, ANNA = "Alfa Sp. z o.o.", "Anna Nowak"


def footer_keys(app) -> list[tuple[str, str]]:
    return [(key.key_display, key.description) for key in app.screen.query(FooterKey)]


def assert_footer_fits(ui, app, where: str) -> None:
    """The footer's keys are all on the last line, each whole ("key label"), f1 Help last."""
    keys = footer_keys(app)
    line = ui.screen_lines(app)[-1]
    assert keys and keys[-1] == ("f1", "Help"), (where, keys)
    assert line.rstrip().endswith(" f1 Help"), f"{where}: the footer is cut: {line!r}"
    position = 0
    for key, label in keys:
        found = line.find(f" {key} {label} ", position)
        assert found >= 0, f"{where}: {key} {label} is not shown whole in {line!r}"
        position = found + len(key) + len(label) + 2


def with_links_and_files(path: Path, ids: dict[str, int], folder: Path) -> None:
    """Anna works for Alfa (both Related tabs have a row); each has a file and a trashed file,
    so the Files tab and its trash show every key they can."""
    LinkRepository(ContactRepository(Database(path))).link(ContactPersonLink(ids[ANNA], ids[ALFA]), author="seed")
    files = AttachmentRepository(Database(path))
    for name in (ALFA, ANNA):
        for file_name in ("umowa.pdf", "stara.pdf"):
            (folder / file_name).write_bytes(b"%PDF")
            record = files.attach(ids[name], folder / file_name, "", author="seed")
        files.delete(record.id, author="seed")


async def test_the_list_and_the_outbox_footers_fit(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()  # the footer is filled once the list has the focus
        assert isinstance(app.screen, ContactListScreen)
        assert_footer_fits(ui, app, "the contact list")
        await pilot.press("f3")
        assert isinstance(app.screen, OutboxScreen)
        assert_footer_fits(ui, app, "the outbox")


async def test_every_tab_of_both_cards_fits(ui, sample_db, sample_ids, make_app, tmp_path):
    with_links_and_files(sample_db, sample_ids, tmp_path)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        for name in (ALFA, ANNA):
            await app.push_screen(ContactCardScreen(sample_ids[name]))
            await pilot.pause()
            for number, (tab, _label, _todo) in enumerate(TABS, 1):
                await pilot.press(str(number))
                assert_footer_fits(ui, app, f"{name}, tab {tab}")
            assert ("x", "Export") in footer_keys(app)  # the Files tab, with a file
            await pilot.press("t")
            assert ("r", "Restore file") in footer_keys(app)  # its trash, with a file
            assert_footer_fits(ui, app, f"{name}, the file trash")
            await pilot.press("t", "escape")
            assert isinstance(app.screen, ContactListScreen)


async def test_keys_left_out_of_the_footer_are_in_help_and_named_on_the_tab(ui, sample_db, sample_ids, make_app,
                                                                             tmp_path):
    with_links_and_files(sample_db, sample_ids, tmp_path)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = ContactCardScreen(sample_ids[ALFA])
        await app.push_screen(card)
        await pilot.pause()
        assert ("c", "Copy") not in footer_keys(app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert any(line.split()[:2] == ["c", "Copy"] for line in ui.static_text(app.screen.query_one("#help-keys")).splitlines())
        await pilot.press("escape", "2")
        shown = footer_keys(app)
        assert ("*", "Primary") not in shown and ("p", "Portal") not in shown
        first_line = ui.static_text(card.query_one("#related-body"))
        assert "* makes one the primary" in first_line and "p: portal access" in first_line
        await pilot.press("f1")
        help_lines = ui.static_text(app.screen.query_one("#help-keys")).splitlines()
        for key, description in (("*", "Primary"), ("p", "Portal"), ("r", "Relate person")):
            assert any(line.split()[:1] == [key] and description in line for line in help_lines), (key, help_lines)


async def assert_fits_at_every_focus(ui, pilot, where: str) -> list[list[tuple[str, str]]]:
    """Tab through every field of the screen, back to the first; the footers seen."""
    app = pilot.app
    first, seen = app.screen.focused, []
    for _step in range(100):
        assert_footer_fits(ui, app, f"{where}, focus on {app.screen.focused}")
        seen.append(footer_keys(app))
        await pilot.press("tab")
        await pilot.pause()
        if app.screen.focused is first:
            return seen
    raise AssertionError(f"{where}: tab never came back to {first}")


async def assert_fits_with_the_menu_open(ui, pilot, select: Select, where: str) -> None:
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert select.expanded
    assert_footer_fits(ui, pilot.app, f"{where}, the drop-down open")
    assert ("esc", "Close") in footer_keys(pilot.app)
    await pilot.press("escape")
    await pilot.pause()
    assert not select.expanded


async def test_the_contact_form_footer_fits_at_every_focus(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        for key, kind in (("n", "person"), ("o", "organization")):
            await pilot.press(key)
            form = app.screen
            assert isinstance(form, ContactFormScreen)
            await pilot.press("alt+p", "alt+e", "alt+a")  # a row of each kind: their fields and ✕ too
            footers = await assert_fits_at_every_focus(ui, pilot, f"the {kind} form")
            assert len(footers) > 25
            assert footers[0][:2] == [("^s", "Save"), ("esc", "Cancel")]
            assert ("alt+p", "+Phone") in footers[0]
            await assert_fits_with_the_menu_open(ui, pilot, form.query_one("#kind", Select), f"the {kind} form")
            await pilot.press("escape")
            if app.screen is not form:
                await pilot.press("y")  # discard the empty rows
            assert isinstance(app.screen, ContactListScreen)


async def test_the_settings_footer_fits_at_every_focus(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f2")
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        footers = await assert_fits_at_every_focus(ui, pilot, "the settings")
        groups = [("n", "+Group"), ("r", "Rename"), ("d", "Delete"), ("m", "Members")]
        assert any(keys[:4] == groups for keys in footers), footers  # in the permission groups
        await assert_fits_with_the_menu_open(ui, pilot, settings.query_one("#smtp-security", Select), "the settings")
