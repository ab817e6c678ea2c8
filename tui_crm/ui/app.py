"""The Textual application: owns the repositories, watches the file for other sessions' writes."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from tui_crm import i18n
from tui_crm.i18n import _
from tui_crm.store import ContactRepository, Database, StoreError

from .commands import BindingCommands
from .screens.contact_list import ContactListScreen
from .screens.help import HelpScreen

POLL_SECONDS = 0.5


def styles_dir() -> Path:
    """``tui_crm/styles`` inside an installed wheel, ``styles/`` beside the package in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "styles"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent.parent / "styles"


class CrmApp(App[None]):
    TITLE = "tui-crm"
    CSS_PATH = sorted(styles_dir().glob("*.tcss"))
    COMMANDS = App.COMMANDS | {BindingCommands}
    BINDINGS = [
        Binding("f1", "help", _("Help"), priority=True),
        Binding("question_mark", "help", _("Help"), show=False),
    ]

    #: Bumped whenever the data changed (ours or another session's); screens watch it.
    data_version: reactive[int] = reactive(0)

    def __init__(self, contacts: ContactRepository, *, user: str) -> None:
        super().__init__()
        self.contacts = contacts
        self.database = contacts.database
        self.user = user
        self.database.subscribe(lambda _ops: self._bump())

    @classmethod
    def open(cls, path: Path, *, user: str) -> CrmApp:
        database = Database(path)
        return cls(ContactRepository(database, i18n.language()), user=user)

    def on_mount(self) -> None:
        self.sub_title = f"{self.database.path.name} · {self.user}"
        if self.database.read_only:
            self.sub_title += " · " + _("read-only")
            self.notify(_("This database is read-only: you can look, but not change anything."), severity="warning")
        self.push_screen(ContactListScreen())
        self.set_interval(POLL_SECONDS, self.poll_database)

    def poll_database(self) -> None:
        """Pick up other sessions' writes (one stat when nothing changed)."""
        try:
            self.database.poll()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)

    def _bump(self) -> None:
        self.data_version += 1

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
