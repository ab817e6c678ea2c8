"""The footer of every screen: key hints only.

At 80 columns the command palette hint would push the screen's own keys off the line;
f1 (help) is always shown and names ctrl+p.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__(show_command_palette=False)
