"""The footer of every screen: key hints only.

At 80 columns the command palette hint would push the screen's own keys off the line;
f1 (help) is always shown and names ctrl+p.

A screen may give a key a shorter label in the footer than its description, which help (f1)
and the command palette show whole: ``FOOTER_LABELS = {action: label}`` on the screen.
Keys of Textual's own widgets are shown in the interface language (see ``textual_strings``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui_crm.i18n import _, translate_marked

#: Short footer labels of Textual's own keys, by their English description: "esc Dismiss menu"
#: (an open drop-down) would push f1 off a full footer.
TEXTUAL_FOOTER_LABELS = {
    "Dismiss menu": _("Close"),
}


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__(show_command_palette=False)

    def compose(self) -> ComposeResult:
        labels: dict[str, str] = getattr(self.screen, "FOOTER_LABELS", {})
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                label = labels.get(widget.action) or TEXTUAL_FOOTER_LABELS.get(widget.description)
                if label:
                    widget.tooltip = translate_marked(widget.description)
                    widget.description = label
                else:
                    widget.description = translate_marked(widget.description)
            yield widget
