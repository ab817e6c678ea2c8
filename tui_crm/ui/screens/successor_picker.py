"""Choose who becomes the primary contact when the primary one leaves (unlink, move, trash)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.i18n import _

from .contact_person_form import contact_name


class SuccessorPickerScreen(ModalScreen[int | None]):
    """Dismisses with the chosen person's id, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, question: str, candidates: list[tuple[int, str]]) -> None:
        super().__init__()
        self._question = question
        self._candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._question, markup=False, classes="title")
            yield OptionList(*[Option(Content(name), id=str(person_id)) for person_id, name in self._candidates], id="successors")
            yield Static(_("enter chooses · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id))


def successor_picker(app, person_id: int) -> SuccessorPickerScreen | None:
    """The chooser to show before ``person_id`` leaves their organization, or None when no
    choice is needed (not the primary contact, or nobody else left)."""
    candidates = app.links.successor_candidates(person_id)
    if not candidates:
        return None
    return picker_for(app, app.links.of_person(person_id), candidates)


def picker_for(app, leaving: ContactPersonLink, candidates: list[ContactPersonLink]) -> SuccessorPickerScreen:
    """The chooser among ``candidates`` for the primary contact ``leaving`` leaves behind."""
    question = _("“{person}” is the primary contact of “{organization}”. Who becomes the primary contact instead?").format(
        person=contact_name(app, leaving.person_id), organization=contact_name(app, leaving.organization_id)
    )
    return SuccessorPickerScreen(question, [(c.person_id, contact_name(app, c.person_id)) for c in candidates])
