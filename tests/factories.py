"""Small builders of domain objects for tests."""

from __future__ import annotations

from tui_crm.domain.contact import Contact, ContactKind


def make_person(first: str = "Łukasz", last: str = "Wójcik", **extra) -> Contact:
    return Contact(kind=ContactKind.PERSON, first_name=first, last_name=last, **extra)


def make_org(name: str = "Zakład Ślusarski Żuraw", **extra) -> Contact:
    return Contact(kind=ContactKind.ORGANIZATION, name=name, **extra)


def admins_group():
    """A group that keeps "admin" (who sets up restrictions in tests) able to edit the groups."""
    from tui_crm.domain.permissions import MANAGE_PERMISSIONS, PermissionGroup

    return PermissionGroup("Admins", ("admin",), frozenset({MANAGE_PERMISSIONS}))
