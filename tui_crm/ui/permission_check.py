"""Asking the operator's permission group before an action, with the seed's clear refusal."""

from __future__ import annotations

from textual.screen import Screen

from tui_crm.domain.permissions import PermissionDenied
from tui_crm.i18n import _


def refused(screen: Screen, permission: str) -> bool:
    """True (and the user told why, naming the setting) when the operator may not do it."""
    try:
        screen.app.permissions.check(screen.app.user, permission)
    except PermissionDenied as denied:
        screen.notify(str(denied), severity="error", title=_("Not allowed"), markup=False, timeout=10)
        return True
    return False
