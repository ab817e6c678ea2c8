"""Permission groups, kept as one setting so that a change to them is one write."""

from __future__ import annotations

from collections.abc import Callable

from tui_crm.domain.permissions import (
    EVERYONE,
    PermissionGroup,
    check,
    check_change_by,
    default_groups,
    is_allowed,
)

from .settings import SettingsRepository

SETTING = "permission_groups"


class PermissionRepository:
    def __init__(self, settings: SettingsRepository) -> None:
        self.settings = settings

    def groups(self) -> list[PermissionGroup]:
        stored = self.settings.get(SETTING)
        if not stored:
            return default_groups()
        groups = [PermissionGroup.from_doc(doc) for doc in stored]
        if not any(g.name == EVERYONE for g in groups):
            groups.insert(0, default_groups()[0])
        return groups

    def allowed(self, login: str, permission: str) -> bool:
        return is_allowed(self.groups(), login, permission)

    def check(self, login: str, permission: str) -> None:
        """Raise ``PermissionDenied`` (whose message names the setting) when not allowed."""
        check(self.groups(), login, permission)

    def change(self, edit: Callable[[list[PermissionGroup]], list[PermissionGroup]], *, author: str) -> None:
        """Apply ``edit`` to the groups as stored now, as one write; ``author`` must be allowed to
        edit permission groups and keep that right afterwards (``PermissionDenied``, ``GroupError``)."""

        def changed(stored: list | None) -> list[dict]:
            old = self._parse(stored)
            new = edit(old)
            check_change_by(old, new, author)
            return [g.to_doc() for g in new]

        self.settings.update(SETTING, changed, author=author)

    def _parse(self, stored: list | None) -> list[PermissionGroup]:
        if not stored:
            return default_groups()
        return [PermissionGroup.from_doc(doc) for doc in stored]
