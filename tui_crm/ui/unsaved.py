"""Forms never drop typing silently: escape (and ctrl+q, see the app) ask first."""

from __future__ import annotations

from tui_crm.i18n import _

from .screens.confirm import ConfirmScreen


class GuardsUnsavedChanges:
    """Mixin for a form screen that dismisses with None when cancelled."""

    def has_unsaved_changes(self) -> bool:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.has_unsaved_changes():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = ConfirmScreen(_("Discard your unsaved changes?"), yes=_("Discard"), no=_("Keep editing"))
        self.app.push_screen(question, answered)
