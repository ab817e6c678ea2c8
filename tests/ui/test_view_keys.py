"""The f-key views replace each other instead of piling up; help (f1) and the command palette
offer the keys that work where the focus is."""

from __future__ import annotations

from textual.command import CommandInput, CommandList, CommandPalette
from textual.content import Content
from textual.widgets import OptionList, Static

from tui_crm.ui.screens.activity_list import ActivityListScreen
from tui_crm.ui.screens.calendar import CalendarScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.help import HelpScreen
from tui_crm.ui.screens.settings import SettingsScreen


async def test_switching_between_views_keeps_one_escape_from_the_list(ui, db_path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        for key in ("f4", "f5", "f4", "f5", "f6", "f5"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ActivityListScreen) and len(app.screen_stack) == 3  # default, list, view


def help_lines(ui, app) -> list[str]:
    return ui.static_text(app.screen.query_one("#help-keys")).splitlines()


def dimmed_lines(app) -> list[str]:
    """The help lines shown dimmed (keys that do nothing where the focus is now)."""
    content = app.screen.query_one("#help-keys", Static).render()
    assert isinstance(content, Content)
    text = content.plain
    return [text[span.start:span.end] for span in content.spans if "dim" in str(span.style)]


async def test_help_lists_the_keys_of_the_widgets_around_the_focus(ui, db_path, make_app) -> None:
    """Settings: the permission groups' keys (n, r, d, m) are in the footer and in help; on
    "Everyone else" r, d and m do nothing: help lists them dimmed, the palette leaves them out."""
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("f1")
        assert not any(line.split()[:1] == ["n"] for line in help_lines(ui, app))  # not where the focus is
        await pilot.press("escape")
        app.screen.query_one("#permission-groups", OptionList).focus()
        await pilot.pause()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        lines = help_lines(ui, app)
        for key, description in (("n", "New group"), ("r", "Rename"), ("d", "Delete"), ("m", "Members")):
            assert [key, *description.split()] in [line.split() for line in lines], (key, lines)
        dimmed = [line.split()[0] for line in dimmed_lines(app)]
        assert dimmed == ["r", "d", "m"]
        assert "Dimmed keys cannot be used here right now." in lines
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        hits = await palette_hits(pilot, lambda hits: any("New group" in hit for hit in hits))
        assert any("New group" in hit for hit in hits)
        assert not any(hit.startswith(("Rename", "Members")) for hit in hits)


async def test_the_palette_prompt_and_textuals_commands(ui, db_path, make_app) -> None:
    """The palette's prompt and Textual's own commands go through the catalogue (see
    tests/test_translations.py for Polish); Textual's "Keys" panel is left to f1."""
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "Search for commands…"
        hits = await palette_hits(pilot, lambda hits: any(hit.startswith("Theme") for hit in hits))
        assert any(hit.startswith("Theme") for hit in hits) and any(hit.startswith("Quit") for hit in hits)
        assert not any(hit.startswith("Keys") for hit in hits)
        await ui.type_text(pilot, "theme")
        await palette_hits(pilot, lambda hits: len(hits) == 1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)  # the themes, with their own prompt
        assert app.screen.query_one(CommandInput).placeholder == "Search for themes…"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen)


async def palette_hits(pilot, done=bool) -> list[str]:
    """The prompts the command palette shows, once its (asynchronous) search has produced them."""
    hits: list[str] = []
    for _ in range(50):
        commands = pilot.app.screen.query_one(CommandList)
        hits = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        if done(hits):
            break
        await pilot.pause(0.02)
    return hits
