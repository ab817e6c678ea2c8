"""Command palette: every action bound on the current screen can be run by name."""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from tui_crm.i18n import translate_marked

from . import textual_strings  # noqa: F401 - puts Textual's key descriptions in the catalogue


def screen_actions(screen) -> Iterator[tuple[DOMNode, Binding, str]]:
    """(node, binding, key shown) for each enabled, described binding, one per action.

    The screen's own actions come first (with those of its panels, such as the activity
    list's), then the app's (f-keys), then the focused widget's (text editing keys, …).
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
        if not active.enabled or not binding.description or key in seen:
            continue
        seen.add(key)
        yield active.node, binding, screen.app.get_key_display(binding)


def description(binding: Binding) -> str:
    """What the key does, in the interface language (Textual's own bindings included)."""
    return translate_marked(binding.description)


class BindingCommands(Provider):
    def _commands(self) -> list[tuple[str, str, DOMNode, str]]:
        return [
            (description(binding), key, node, binding.action)
            for node, binding, key in screen_actions(self.screen)
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
