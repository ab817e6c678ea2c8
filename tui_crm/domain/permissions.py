"""Permission groups (seed 001): which operators may duplicate, delete, merge contacts and edit
the dictionaries.

Operators who are in no group belong to the built-in "Everyone" group, which allows everything
until someone restricts it: a new database is usable by one person without any set-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tui_crm.i18n import _

DUPLICATE, DELETE, MERGE, EDIT_DICTIONARIES, MANAGE_PERMISSIONS = (
    "duplicate", "delete", "merge", "edit_dictionaries", "manage_permissions")
PERMISSIONS = (DUPLICATE, DELETE, MERGE, EDIT_DICTIONARIES, MANAGE_PERMISSIONS)

#: The group of every operator who is in no other group.
EVERYONE = "everyone"


def permission_label(permission: str) -> str:
    return {
        DUPLICATE: _("Save likely duplicates"),
        DELETE: _("Delete contacts"),
        MERGE: _("Merge contacts"),
        EDIT_DICTIONARIES: _("Edit dictionaries"),
        MANAGE_PERMISSIONS: _("Edit permission groups"),
    }[permission]


class PermissionDenied(Exception):
    def __init__(self, permission: str) -> None:
        self.permission = permission
        super().__init__(
            _("Your permission group does not allow this: “{permission}”. It is set in Settings (F2) → "
              "Permission groups.").format(permission=permission_label(permission)))


@dataclass(frozen=True, slots=True)
class PermissionGroup:
    name: str
    members: tuple[str, ...] = ()
    allowed: frozenset[str] = field(default_factory=frozenset)

    def shown(self) -> str:
        return _("Everyone else") if self.name == EVERYONE else self.name

    def to_doc(self) -> dict[str, object]:
        return {"name": self.name, "members": list(self.members), "allowed": sorted(self.allowed)}

    @classmethod
    def from_doc(cls, doc: dict) -> PermissionGroup:
        return cls(str(doc["name"]), tuple(doc.get("members", [])),
                   frozenset(p for p in doc.get("allowed", []) if p in PERMISSIONS))


def default_groups() -> list[PermissionGroup]:
    return [PermissionGroup(EVERYONE, (), frozenset(PERMISSIONS))]


def groups_of(groups: Iterable[PermissionGroup], login: str) -> list[PermissionGroup]:
    """The operator's groups: those naming them, else "Everyone"."""
    groups = list(groups)
    named = [g for g in groups if g.name != EVERYONE and login in g.members]
    if named:
        return named
    return [g for g in groups if g.name == EVERYONE] or default_groups()


def is_allowed(groups: Iterable[PermissionGroup], login: str, permission: str) -> bool:
    return any(permission in group.allowed for group in groups_of(groups, login))


def check(groups: Iterable[PermissionGroup], login: str, permission: str) -> None:
    if not is_allowed(groups, login, permission):
        raise PermissionDenied(permission)


class GroupError(ValueError):
    pass


def with_group(groups: list[PermissionGroup], group: PermissionGroup, *, replacing: str | None = None) -> list[PermissionGroup]:
    """``groups`` with ``group`` added (or put in place of the one named ``replacing``)."""
    name = " ".join(group.name.split())
    if not name:
        raise GroupError(_("The name cannot be empty."))
    if name != replacing and any(g.name.casefold() == name.casefold() for g in groups):
        raise GroupError(_("“{label}” is already on the list.").format(label=name))
    if replacing == EVERYONE and name != EVERYONE:
        raise GroupError(_("The group of everyone else cannot be renamed."))
    cleaned = PermissionGroup(name, tuple(dict.fromkeys(m.strip() for m in group.members if m.strip())),
                              frozenset(group.allowed))
    if replacing is None:
        return [*groups, cleaned]
    return [cleaned if g.name == replacing else g for g in groups]


def check_change_by(old: list[PermissionGroup], new: list[PermissionGroup], login: str) -> None:
    """Only an operator who may edit permission groups changes them, and never so that they
    (and so possibly everyone) lose that right: someone must always be able to undo a change."""
    check(old, login, MANAGE_PERMISSIONS)
    if not is_allowed(new, login, MANAGE_PERMISSIONS):
        raise GroupError(_("This would take away your own right to edit permission groups; "
                           "keep “{permission}” ticked for one of your groups.").format(
                               permission=permission_label(MANAGE_PERMISSIONS)))


def without_group(groups: list[PermissionGroup], name: str) -> list[PermissionGroup]:
    if name == EVERYONE:
        raise GroupError(_("The group of everyone else cannot be deleted."))
    return [g for g in groups if g.name != name]
