"""Command palette: every action bound on the current screen can be run by name, with Textual's
own commands (theme, quit, …) and the palette's prompt in the interface language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.theme import ThemeProvider

from tui_crm.i18n import _, translate_marked

from . import textual_strings  # noqa: F401 - puts Textual's key descriptions in the catalogue


class ScreenAction(NamedTuple):
    node: DOMNode
    binding: Binding
    key: str
    #: False: the key is there but does nothing now (dimmed in the footer, e.g. "Rename" on a
    #: group that cannot be renamed)
    enabled: bool


def screen_actions(screen, *, dimmed: bool = False) -> Iterator[ScreenAction]:
    """Each described binding active where the focus is, one per action; ``dimmed``: also those
    that do nothing right now.

    The screen's own actions come first (with those of its panels and of the widgets around the
    focus, such as the permission groups' in the settings), then the app's (f-keys), then the
    focused widget's (text editing keys, …).
    """
    seen: set[tuple[int, str]] = set()

    def rank(active) -> int:
        node = active.node
        if node is screen:
            return 0
        if node is screen.app:
            return 2
        return 3 if node is screen.focused else 1

    bindings = sorted(screen.active_bindings.values(), key=rank)
    for active in bindings:
        binding = active.binding
        key = (id(active.node), binding.action)
        if not (active.enabled or dimmed) or not binding.description or key in seen:
            continue
        seen.add(key)
        yield ScreenAction(active.node, binding, screen.app.get_key_display(binding), active.enabled)


def description(binding: Binding) -> str:
    """What the key does, in the interface language (Textual's own bindings included)."""
    return translate_marked(binding.description)


class BindingCommands(Provider):
    def _commands(self) -> list[tuple[str, str, DOMNode, str]]:
        return [
            (description(binding), key, node, binding.action)
            for node, binding, key, _enabled in screen_actions(self.screen)
        ]

    async def discover(self) -> Hits:
        for description, key, node, action in self._commands():
            yield DiscoveryHit(description, self._runner(node, action), help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, key, node, action in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), self._runner(node, action), text=description, help=key)

    def _runner(self, node: DOMNode, action: str):
        async def run() -> None:
            await node.run_action(action)

        return run


def open_palette(app) -> None:
    """ctrl+p: Textual's command palette, its prompt in the interface language."""
    if app.use_command_palette and not CommandPalette.is_open(app):
        app.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))


class SystemCommands(Provider):
    """Textual's app-wide commands (theme, quit, maximize, screenshot), translated.

    Textual's "Keys" panel is left out: it shows Textual's key descriptions in English, and f1
    lists the same keys in the interface language.
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], object], bool]]:
        commands = []
        for title, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if title == "Keys":
                continue
            if title == "Theme":
                callback = self._search_themes
            commands.append((translate_marked(title), translate_marked(help_text), callback, discover))
        return sorted(commands, key=lambda command: command[0].casefold())

    def _search_themes(self) -> None:
        self.app.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    async def discover(self) -> Hits:
        for title, help_text, callback, discover in self._commands():
            if discover:
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, _discover in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
