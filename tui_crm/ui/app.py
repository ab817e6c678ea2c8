"""The Textual application: owns the repositories, watches the file for other sessions' writes."""

from __future__ import annotations

import traceback
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from platformdirs import user_log_path
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen, SystemModalScreen

from tui_crm import i18n
from tui_crm.domain import dictionaries as d
from tui_crm.domain.operators import OperatorError
from tui_crm.domain.schedule import local_zone
from tui_crm.i18n import _
from tui_crm.store import ContactRepository, Database, StoreError
from tui_crm.store.activities import ActivityQuery, ActivityRepository
from tui_crm.store.attachments import AttachmentRepository
from tui_crm.store.baskets import BasketRepository
from tui_crm.store.dictionaries import DictionaryRepository
from tui_crm.store.documents import DocumentRepository
from tui_crm.store.duplicate_index import DuplicateIndex
from tui_crm.store.links import LinkRepository
from tui_crm.store.operators import OperatorRepository
from tui_crm.store.outbox import OutboxRepository
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository

from .commands import BindingCommands, SystemCommands, open_palette
from .screens.activity_list import ActivityListScreen
from .screens.calendar import CalendarScreen
from .screens.contact_list import ContactListScreen
from .screens.dictionaries import DictionariesScreen
from .screens.help import HelpScreen
from .screens.operators import OperatorsScreen
from .screens.outbox import OutboxScreen
from .screens.settings import SettingsScreen

POLL_SECONDS = 0.5


def styles_dir() -> Path:
    """``tui_crm/styles`` inside an installed wheel, ``styles/`` beside the package in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "styles"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent.parent / "styles"


#: keys that move the focus: run before the keys typed after them (see ``CrmApp.on_event``)
FOCUS_KEYS = ("tab", "shift+tab")


class CrmApp(App[None]):
    TITLE = "tui-crm"
    CSS_PATH = sorted(styles_dir().glob("*.tcss"))
    COMMANDS: ClassVar[set] = {SystemCommands, BindingCommands}  # Textual's system commands, translated
    BINDINGS = [
        Binding("f1", "help", _("Help"), priority=True),
        Binding("question_mark", "help", _("Help"), show=False),
        Binding("f2", "settings", _("Settings"), show=False),  # listed in help (f1) and the palette
        Binding("f3", "outbox", _("Outbox"), show=False),
        Binding("f4", "activities", _("Activities"), show=False),
        Binding("f5", "calendar", _("Calendar"), show=False),
        Binding("f6", "dictionaries", _("Dictionaries"), show=False),
        Binding("f7", "operators", _("Operators"), show=False),
        Binding("f8", "tags", _("Tags"), show=False),
        Binding("f9", "duplicates_report", _("Duplicates report"), show=False),
    ]

    #: Bumped whenever the data changed (ours or another session's); screens watch it.
    data_version: reactive[int] = reactive(0)

    def __init__(self, contacts: ContactRepository, *, user: str) -> None:
        super().__init__()
        self.contacts = contacts
        self.duplicates = DuplicateIndex(contacts)  # built when first asked; follows changes before screens refresh
        self.database = contacts.database
        self.settings = SettingsRepository(self.database)
        self.outbox = OutboxRepository(self.database)
        self.documents = DocumentRepository(self.database)
        self.history = contacts.history
        self.operators = OperatorRepository(self.database)
        self.permissions = PermissionRepository(self.settings)
        self.dictionaries = DictionaryRepository(self.database)
        self.baskets = BasketRepository(self.database)
        self.attachments = AttachmentRepository(self.database)  # reads its table when first asked
        self._count_dictionary_uses()
        self._count_operator_uses()
        self.zone = local_zone()
        self.user = user
        self.database.subscribe(lambda _ops: self._bump(), after_indexes=True)

    # Links and activities are read from the file when first needed, not before the first screen.

    @cached_property
    def links(self) -> LinkRepository:
        return LinkRepository(self.contacts, self.settings)

    @cached_property
    def activities(self) -> ActivityRepository:
        return ActivityRepository(self.contacts, self.links, self.history)

    @classmethod
    def open(cls, path: Path, *, user: str) -> CrmApp:
        database = Database(path)
        return cls(ContactRepository(database, i18n.language()), user=user)

    def _count_dictionary_uses(self) -> None:
        uses, contacts = self.dictionaries.count_uses, self.contacts
        uses(d.ACTIVITY_KINDS, lambda keys: self.activities.usage("kind", keys))
        uses(d.ACTIVITY_PRIORITIES, lambda keys: self.activities.usage("priority", keys))
        uses(d.ACTIVITY_CATEGORIES, lambda keys: self.activities.usage("category", keys))
        uses(d.PHONE_TYPES, lambda keys: contacts.count_matching(
            lambda doc: any(p.get("type", "mobile") in keys for p in doc.get("phones", []))))
        uses(d.ACQUISITION_SOURCES, lambda keys: contacts.count_matching(lambda doc: doc.get("source") in keys))
        uses(d.CONTACT_ROLES, lambda keys: self.links.role_uses(keys))

    def _count_operator_uses(self) -> None:
        """What keeps an operator from being deleted: activities, contacts and groups naming them."""
        uses, contacts = self.operators.count_uses, self.contacts
        uses(lambda login: len(self.activities.find(ActivityQuery(employee=login))))
        uses(lambda login: contacts.count_matching(lambda doc: doc.get("account_manager") == login))
        uses(lambda login: sum(login in group.members for group in self.permissions.groups()))

    def on_mount(self) -> None:
        try:
            self.operators.ensure(self.user)
        except (StoreError, OperatorError):
            pass  # an odd login still works; it is just not offered in the employee lists
        self.sub_title = f"{self.database.path.name} · {self.user}"
        if self.database.read_only:
            self.sub_title += " · " + _("read-only")
            self.notify(_("This database is read-only: you can look, but not change anything."), severity="warning")
        self.push_screen(ContactListScreen())
        self.set_interval(POLL_SECONDS, self.poll_database)
        if not self.database.read_only and self.outbox.to_retry(failed=False):
            from .screens.outbox import retry_waiting

            # messages left waiting by an earlier session (not those a server refused: the user
            # decides); only the operator's own outcomes are announced, a colleague's show in F3
            self.call_after_refresh(lambda: retry_waiting(self, failed=False, announce_for=self.user))

    async def on_event(self, event: events.Event) -> None:
        """Keys of one burst (a fast typist over SSH, pasted keystrokes) reach the app together.
        Textual hands each to the focused widget's queue, where a tab's focus change comes after
        the letters typed behind it were already handed to the same widget: they would land in
        the field being left. A tab is therefore run here, at once, through the same bindings
        (a widget that keeps tab to itself still does), before the next key is handed on."""
        if (isinstance(event, events.Key) and not event.is_forwarded and event.key in FOCUS_KEYS
                and self.focused is not None and not isinstance(self.screen, SystemModalScreen)):
            if await self._check_bindings(event.key, priority=True) or await self._check_bindings(event.key):
                event.stop()
                return
        await super().on_event(event)

    def poll_database(self) -> None:
        """Pick up other sessions' writes (one stat when nothing changed)."""
        try:
            self.database.poll()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)

    def _bump(self) -> None:
        self.data_version += 1

    def _handle_exception(self, error: Exception) -> None:
        self._crash = getattr(error, "error", error)  # a WorkerFailed carries the real error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """An unexpected bug: the details go to a log file, the user gets one clear sentence.

        Every save is already durable on disk, so stopping here loses no saved data.
        """
        log = user_log_path("tui-crm", appauthor=False) / "crash.log"
        details = "".join(traceback.format_exception(getattr(self, "_crash", None) or Exception("unknown")))
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"--- {datetime.now().isoformat()} ---\n{details}\n")
            where = str(log)
        except OSError:
            where = _("(the log file could not be written)")
        message = _("tui-crm stopped after an unexpected error. Your saved data is safe. Details: {log}").format(log=where)
        self._exit_renderables.append(Text(message))
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        """Quit, but never silently drop a form with unsaved changes (ctrl+q works anywhere)."""
        from .screens.confirm import ConfirmScreen

        if not any(getattr(screen, "has_unsaved_changes", lambda: False)() for screen in self.screen_stack):
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        question = _("A form has unsaved changes. Quit and lose them?")
        self.push_screen(ConfirmScreen(question, yes=_("Quit"), no=_("Keep editing")), answered)

    def action_command_palette(self) -> None:
        open_palette(self)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_settings(self) -> None:
        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_outbox(self) -> None:
        if not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen())

    def action_activities(self) -> None:
        self._open_view(ActivityListScreen)

    def action_calendar(self) -> None:
        self._open_view(CalendarScreen)

    def action_dictionaries(self) -> None:
        self._open_view(DictionariesScreen)

    def action_tags(self) -> None:
        from .screens.tags import TagsScreen

        self._open_view(TagsScreen)

    def action_duplicates_report(self) -> None:
        from .screens.duplicates_report import DuplicatesReportScreen

        self._open_view(DuplicatesReportScreen)

    def action_operators(self) -> None:
        self._open_view(OperatorsScreen)

    def _open_view(self, view: type[Screen]) -> None:
        """Open one of the f-key views. Going from one such view to another replaces it, so
        f4 f5 f4 f5 does not pile up screens that escape then has to close one by one."""
        from .screens.duplicates_report import DuplicatesReportScreen
        from .screens.tags import TagsScreen

        if isinstance(self.screen, view):
            return
        views = (ActivityListScreen, CalendarScreen, DictionariesScreen, OperatorsScreen, TagsScreen,
                 DuplicatesReportScreen)
        unsaved = getattr(self.screen, "has_unsaved_changes", lambda: False)()
        if isinstance(self.screen, views) and not unsaved:  # a note being typed is never dropped
            self.switch_screen(view())
        else:
            self.push_screen(view())
