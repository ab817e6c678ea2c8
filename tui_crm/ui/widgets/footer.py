"""The footer of every screen: key hints only.

At 80 columns the command palette hint would push the screen's own keys off the line;
f1 (help) is always shown and names ctrl+p.

A screen may give a key a shorter label in the footer than its description, which help (f1)
and the command palette show whole: ``FOOTER_LABELS = {action: label}`` on the screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__(show_command_palette=False)

    def compose(self) -> ComposeResult:
        labels: dict[str, str] = getattr(self.screen, "FOOTER_LABELS", {})
        for widget in super().compose():
            if labels and isinstance(widget, FooterKey) and widget.action in labels:
                widget.tooltip = widget.description
                widget.description = labels[widget.action]
            yield widget
