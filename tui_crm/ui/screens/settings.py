"""Database-wide settings, in sections. Shared by everyone who uses the file.

To add settings, write a ``SettingsSection`` subclass (its widgets in ``compose``, what they
show now in ``values``) and append it to ``SECTIONS``; the screen loads, compares and saves
(each changed value as its own setting, unless the section saves itself: ``save``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui_crm.domain import permissions as p
from tui_crm.domain.contact_persons import PERMISSIONS, permission_label
from tui_crm.domain.portal import default_permissions
from tui_crm.i18n import _, ngettext
from tui_crm.store import StoreError
from tui_crm.store.delivery import (
    GATEWAY_PASSWORD_ENV,
    GATEWAY_SETTING,
    SECURITIES,
    SMTP_PASSWORD_ENV,
    SMTP_SETTING,
    GatewaySettings,
    SmtpSettings,
)
from tui_crm.store.permissions import SETTING as PERMISSION_GROUPS
from tui_crm.store.settings import DEFAULT_PERMISSIONS, SettingsRepository

from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen
from .permission_groups import GroupMembersDialog, GroupNameDialog


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

    def save(self, changed: dict[str, Any], *, author: str) -> None:
        """Store the changed ``values``; raises ``StoreError`` or ``ValueError(message)``."""
        for key, value in changed.items():
            self.settings.set(key, value, author=author)


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


GroupEdit = Callable[[list[p.PermissionGroup]], list[p.PermissionGroup]]


def _named(groups: list[p.PermissionGroup], name: str) -> p.PermissionGroup:
    for group in groups:
        if group.name == name:
            return group
    raise p.GroupError(_("The group “{name}” no longer exists.").format(name=name))


def _changing(name: str, change: Callable[[p.PermissionGroup], p.PermissionGroup]) -> GroupEdit:
    """An edit of the group called ``name``."""
    return lambda groups: p.with_group(groups, change(_named(groups, name)), replacing=name)


class PermissionGroupsSection(SettingsSection):
    """Which operators may save likely duplicates, delete, merge and edit dictionaries (seed 001).

    The section edits a copy of the groups and remembers each edit; ctrl+s replays the edits onto
    the groups as stored then, in one write, so another session's changes to other groups (or
    other members) made meanwhile are kept. An edit that no longer fits (a group deleted meanwhile)
    is refused with its reason and nothing is saved.
    """

    BINDINGS = [
        Binding("n", "add_group", _("New group")),
        Binding("r", "rename_group", _("Rename")),
        Binding("d,delete", "delete_group", _("Delete")),
        Binding("m", "edit_members", _("Members")),
    ]

    def __init__(self, settings: SettingsRepository) -> None:
        super().__init__(settings)
        self._groups: list[p.PermissionGroup] | None = None  # the copy being edited
        self._edits: list[GroupEdit] = []

    def heading(self) -> str:
        return _("Permission groups")

    def compose(self) -> ComposeResult:
        yield Static(self.heading(), classes="section")
        yield Static(_("n adds a group, r renames it, d deletes it, m chooses its members; tick what it may do. "
                       "Operators in no group are in “Everyone else”."), classes="hint")
        with Horizontal(id="permission-groups-body"):
            yield OptionList(id="permission-groups", compact=True)
            with Vertical(id="permission-group-side"):
                yield Static("", id="permission-group-members", markup=False)
                with Grid(classes="checks", id="group-permissions"):
                    for permission in p.PERMISSIONS:
                        yield Checkbox(Content(p.permission_label(permission)), id=f"group-permission-{permission}")

    def on_mount(self) -> None:
        self._show()

    # -- the copy being edited ---------------------------------------------------------------

    def _working(self) -> list[p.PermissionGroup]:
        if self._groups is None:
            self._groups = self.app.permissions.groups()
        return self._groups

    def values(self) -> dict[str, Any]:
        return {PERMISSION_GROUPS: [group.to_doc() for group in self._working()]}

    def save(self, changed: dict[str, Any], *, author: str) -> None:
        edits = list(self._edits)

        def replay(groups: list[p.PermissionGroup]) -> list[p.PermissionGroup]:
            for edit in edits:
                groups = edit(groups)
            return groups

        self.app.permissions.change(replay, author=author)

    def _apply(self, edit: GroupEdit, select: str | None = None) -> None:
        """Apply ``edit`` to the copy (raises ``GroupError`` when it will not do) and show it."""
        self._groups = edit(self._working())
        self._edits.append(edit)
        self._show(select)

    def _try(self, edit: GroupEdit, select: str | None = None) -> bool:
        try:
            self._apply(edit, select)
        except p.GroupError as error:
            self.notify(str(error), severity="error", title=_("Not changed"), markup=False)
            return False
        return True

    # -- showing -----------------------------------------------------------------------------

    def _list(self) -> OptionList:
        return self.query_one("#permission-groups", OptionList)

    def highlighted(self) -> p.PermissionGroup | None:
        index = self._list().highlighted
        groups = self._working()
        return groups[index] if index is not None and index < len(groups) else None

    def _show(self, select: str | None = None) -> None:
        """The groups (the cursor on ``select``, or where it was), then the highlighted one."""
        groups = self._working()
        listed = self._list()
        previous = listed.highlighted
        listed.set_options(Option(_group_prompt(group)) for group in groups)
        names = [group.name for group in groups]
        if select in names:
            listed.highlighted = names.index(select)
        elif groups:
            listed.highlighted = min(previous or 0, len(groups) - 1)
        self._show_group()

    def _show_group(self) -> None:
        group = self.highlighted()
        if group is None:
            return
        if group.name == p.EVERYONE:
            members = _("Everyone else: the operators who are in no other group.")
        elif group.members:
            members = _("Members: {logins}").format(logins=", ".join(group.members))
        else:
            members = _("No members yet: m chooses them.")
        self.query_one("#permission-group-members", Static).update(members)
        with self.prevent(Checkbox.Changed):
            for permission in p.PERMISSIONS:
                self.query_one(f"#group-permission-{permission}", Checkbox).value = permission in group.allowed
        self.screen.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#permission-groups")
    def _group_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_group()

    @on(Checkbox.Changed)
    def _permission_ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        group = self.highlighted()
        checkbox_id = event.checkbox.id or ""
        if group is None or not checkbox_id.startswith("group-permission-"):
            return
        permission, allowed = checkbox_id.removeprefix("group-permission-"), event.value

        def tick(g: p.PermissionGroup) -> p.PermissionGroup:
            return replace(g, allowed=g.allowed | {permission} if allowed else g.allowed - {permission})

        self._try(_changing(group.name, tick), group.name)

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rename_group", "delete_group", "edit_members") and self.is_mounted:
            group = self.highlighted()
            return None if group is None or group.name == p.EVERYONE else True  # dimmed on "Everyone else"
        return True

    def action_add_group(self) -> None:
        def accept(name: str) -> None:
            self._apply(lambda groups: p.with_group(groups, p.PermissionGroup(name)), name)

        self.app.push_screen(GroupNameDialog(_("New permission group (it allows nothing until ticked)"), "", accept),
                             lambda _name: self._list().focus())

    def action_rename_group(self) -> None:
        group = self.highlighted()
        if group is None or group.name == p.EVERYONE:
            return

        def accept(name: str) -> None:
            self._apply(_changing(group.name, lambda g: replace(g, name=name)), name)

        self.app.push_screen(GroupNameDialog(_("Rename “{name}”").format(name=group.name), group.name, accept))

    def action_delete_group(self) -> None:
        group = self.highlighted()
        if group is not None and group.name != p.EVERYONE and self._try(lambda groups: p.without_group(groups, group.name)):
            self.notify(_("“{name}” will be deleted when you save (ctrl+s); its members join “Everyone else”.")
                        .format(name=group.name), markup=False)

    def action_edit_members(self) -> None:
        group = self.highlighted()
        if group is None or group.name == p.EVERYONE:
            return

        def chosen(members: tuple[str, ...] | None) -> None:
            if members is not None:
                self._try(_changing(group.name, lambda g: replace(g, members=members)), group.name)

        title = _("Members of “{name}”").format(name=group.name)
        self.app.push_screen(GroupMembersDialog(title, self.app.operators.all(), group.members), chosen)


def _group_prompt(group: p.PermissionGroup) -> Content:
    if group.name == p.EVERYONE:
        return Content(group.shown())
    count = ngettext("{n} member", "{n} members", len(group.members)).format(n=len(group.members))
    return Content.assemble(group.shown(), (f" ({count})", "dim"))


class SendingSection(SettingsSection):
    """Where messages go out: the SMTP server and an HTTP SMS gateway. Passwords are never stored
    here: they come from the environment or the system keyring."""

    def heading(self) -> str:
        return _("Sending messages")

    def compose(self) -> ComposeResult:
        smtp = SmtpSettings.from_value(self.settings.get(SMTP_SETTING))
        gateway = GatewaySettings.from_value(self.settings.get(GATEWAY_SETTING))
        yield Static(self.heading(), classes="section")
        yield Static(_("Passwords are not kept in the database: set {smtp} / {gateway} or store them in the "
                       "system keyring.").format(smtp=SMTP_PASSWORD_ENV, gateway=GATEWAY_PASSWORD_ENV),
                     classes="hint", markup=False)
        security = [(_("STARTTLS"), "starttls"), (_("SSL"), "ssl"), (_("none (local server)"), "none")]
        fields = [
            (_("SMTP server"), Input(smtp.host, id="smtp-host", compact=True)),
            (_("Port"), Input(str(smtp.port), id="smtp-port", compact=True, type="integer")),
            (_("Security"), Select(security, value=smtp.security if smtp.security in SECURITIES else "starttls",
                                   allow_blank=False, id="smtp-security", compact=True)),
            (_("SMTP user"), Input(smtp.user, id="smtp-user", compact=True)),
            (_("Sender"), Input(smtp.sender, id="smtp-sender", compact=True, placeholder="biuro@firma.pl")),
            (_("SMS gateway"), Input(gateway.url, id="gateway-url", compact=True,
                                     placeholder="https://…/send?to={to}&text={text}")),
            (_("Gateway user"), Input(gateway.user, id="gateway-user", compact=True)),
        ]
        for label, widget in fields:
            with Horizontal(classes="form-line"):
                yield Static(label, classes="label")
                yield widget

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def values(self) -> dict[str, Any]:
        port = self._text("smtp-port") or "587"
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError(_("The SMTP port must be a number from 1 to 65535."))
        url = self._text("gateway-url")
        if url and "{to}" not in url:
            raise ValueError(_("The SMS gateway address must contain {to} (and usually {text})."))
        smtp = SmtpSettings(host=self._text("smtp-host"), port=int(port),
                            security=str(self.query_one("#smtp-security", Select).value), user=self._text("smtp-user"),
                            sender=self._text("smtp-sender"))
        return {SMTP_SETTING: smtp.to_value(),
                GATEWAY_SETTING: GatewaySettings(url=url, user=self._text("gateway-user")).to_value()}


#: The sections, top to bottom.
SECTIONS: list[type[SettingsSection]] = [DefaultPermissionsSection, PermissionGroupsSection, SendingSection]


class SettingsScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Back")),
    ]
    #: 80 columns: with the permission groups' keys the Polish footer would cut f1 Help
    FOOTER_LABELS: ClassVar[dict[str, str]] = {"add_group": _("+Group")}

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
            changes = [(section, {key: value for key, value in section.values().items() if value != self._loaded.get(key)})
                       for section in self.query(SettingsSection)]
        except ValueError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
            return
        try:
            for section, changed in changes:
                if changed:
                    section.save(changed, author=self.app.user)
        except (StoreError, ValueError, p.PermissionDenied) as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False, timeout=10)
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
