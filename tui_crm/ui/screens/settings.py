"""Database-wide settings, in sections. Shared by everyone who uses the file.

To add settings, write a ``SettingsSection`` subclass (its widgets in ``compose``, what they
show now in ``values``) and append it to ``SECTIONS``; the screen loads, compares and saves.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Static

from tui_crm.domain.contact_persons import PERMISSIONS, permission_label
from tui_crm.domain.portal import default_permissions
from tui_crm.i18n import _
from tui_crm.store import StoreError
from tui_crm.store.settings import DEFAULT_PERMISSIONS, SettingsRepository

from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen


class SettingsSection(Vertical):
    """One titled group of settings."""

    DEFAULT_CLASSES = "settings-section"

    def __init__(self, settings: SettingsRepository) -> None:
        super().__init__()
        self.settings = settings

    def heading(self) -> str:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        """Setting key → the value the widgets show now; ``ValueError(message)`` if invalid."""
        raise NotImplementedError


class DefaultPermissionsSection(SettingsSection):
    def heading(self) -> str:
        return _("Default permissions for new contact persons")

    def compose(self) -> ComposeResult:
        yield Static(self.heading(), classes="section")
        granted = default_permissions(self.settings.get(DEFAULT_PERMISSIONS))
        with Grid(classes="checks", id="default-permissions"):
            for name in PERMISSIONS:
                yield Checkbox(Content(permission_label(name)), name in granted, id=f"default-permission-{name}")

    def values(self) -> dict[str, Any]:
        checked = [name for name in PERMISSIONS if self.query_one(f"#default-permission-{name}", Checkbox).value]
        return {DEFAULT_PERMISSIONS: checked}


#: The sections, top to bottom.
SECTIONS: list[type[SettingsSection]] = [DefaultPermissionsSection]


class SettingsScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._loaded: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form", can_focus=False):
            yield Static(_("Settings of this database, for everyone who uses it. ctrl+s saves."), classes="hint")
            for section in SECTIONS:
                yield section(self.app.settings)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Settings")
        self._loaded = self._values()
        first = self.query(Checkbox).first() if self.query(Checkbox) else None
        if first is not None:
            first.focus()

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for section in self.query(SettingsSection):
            values.update(section.values())
        return values

    def action_save(self) -> None:
        try:
            values = self._values()
        except ValueError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        try:
            for key, value in values.items():
                if value != self._loaded.get(key):
                    self.app.settings.set(key, value, author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        self.notify(_("Settings saved."))
        self.dismiss()

    def action_cancel(self) -> None:
        try:
            unchanged = self._values() == self._loaded
        except ValueError:
            unchanged = False
        if unchanged:
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmScreen(_("Discard your unsaved changes?"), yes=_("Discard"), no=_("Keep editing")), answered)
