"""The dictionaries screen: add, rename, archive, delete, reorder entries.

Left the six lists, right the entries of the highlighted one. Every change goes through
``app.dictionaries``, which applies the domain's rules under the database lock; the screen only
asks (a name, a confirmation) and shows refusals. How many records use an entry is a full scan
of a table, so it is counted for the highlighted entry only, after the cursor has been painted.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.dictionaries import (
    DICTIONARY_NAMES,
    DictionaryError,
    Entry,
    delete_entry,
    dictionary_title,
)
from tui_crm.domain.permissions import EDIT_DICTIONARIES
from tui_crm.i18n import _, format_number, ngettext
from tui_crm.store import StoreError

from ..permission_check import refused
from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen

#: ctrl+arrows are taken by some terminals (macOS Mission Control): shift+arrows do the same.
MOVE = Binding.Group(_("Move"), compact=True)


class EntryNameDialog(ModalScreen[str | None]):
    """Asks for an entry's name and saves it with ``save``; a refusal is shown under the field
    and the dialog stays open with what was typed. Dismisses with the name, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "dismiss(None)", _("Cancel")),
    ]

    def __init__(self, title: str, value: str, save: Callable[[str], None]) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="entry-dialog"):
            yield Static(self._title, classes="title", markup=False)
            yield Input(self._value, id="entry-name", compact=True)
            yield Static("", id="entry-error", classes="error", markup=False)
            yield Static(_("enter saves, escape cancels"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#entry-error", Static).display = False
        self.query_one("#entry-name", Input).focus()

    @on(Input.Submitted, "#entry-name")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        name = self.query_one("#entry-name", Input).value
        try:
            self._save(name)
        except (DictionaryError, StoreError) as error:
            message = self.query_one("#entry-error", Static)
            message.update(str(error))
            message.display = True
            return
        self.dismiss(name)


class DictionariesScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "add", _("Add")),
        Binding("e", "rename", _("Rename")),
        Binding("a", "archive", _("Archive")),
        Binding("a", "restore", _("Restore")),  # the same key on an archived entry
        Binding("d,delete", "delete", _("Delete")),
        Binding("ctrl+up,shift+up", "move(-1)", _("Move up (also shift+↑)"), group=MOVE),
        Binding("ctrl+down,shift+down", "move(1)", _("Move down (also shift+↓)"), group=MOVE),
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("left", "focus_names", _("Go to the lists"), show=False),
        Binding("right", "focus_entries", _("Go to the entries"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._name = DICTIONARY_NAMES[0]
        self._entries: list[Entry] = []
        #: (dictionary, key) -> records using it; forgotten whenever the data changes
        self._uses: dict[tuple[str, str], int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("tab or ←/→ switch between the lists; enter renames an entry."), id="dictionaries-hint")
        with Horizontal(id="dictionaries-body"):
            names = OptionList(*[Option(dictionary_title(name), id=name) for name in DICTIONARY_NAMES],
                               id="dictionary-names")
            names.border_title = _("Lists")
            yield names
            with Vertical(id="dictionary-side"):
                yield OptionList(id="dictionary-entries")
                yield Static("", id="entry-info", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Dictionaries")
        names = self.query_one("#dictionary-names", OptionList)
        names.highlighted = 0
        names.focus()
        self._load()
        self.watch(self.app, "data_version", self._data_changed, init=False)

    # -- showing ---------------------------------------------------------------------------

    def _entries_list(self) -> OptionList:
        return self.query_one("#dictionary-entries", OptionList)

    def _highlighted(self) -> Entry | None:
        index = self._entries_list().highlighted
        return self._entries[index] if index is not None and index < len(self._entries) else None

    def _data_changed(self) -> None:
        self._uses.clear()
        current = self._highlighted()
        self._load(current.key if current else None)

    def _load(self, key: str | None = None) -> None:
        """Show the entries of the chosen list, the cursor on ``key`` (or where it was)."""
        entries_list = self._entries_list()
        previous = entries_list.highlighted
        self._entries = self.app.dictionaries.entries(self._name)
        entries_list.border_title = dictionary_title(self._name)
        entries_list.set_options(Option(_entry_prompt(entry)) for entry in self._entries)
        keys = [entry.key for entry in self._entries]
        if key in keys:
            entries_list.highlighted = keys.index(key)
        elif self._entries:
            entries_list.highlighted = min(previous or 0, len(self._entries) - 1)
        self._show_info()

    def _show_info(self) -> None:
        """What the highlighted entry is, and how many records use it (counted after painting)."""
        info = self.query_one("#entry-info", Static)
        entry = self._highlighted()
        self.refresh_bindings()
        if entry is None:
            info.update(_("The list is empty. n adds an entry."))
            return
        uses = self._uses.get((self._name, entry.key))
        info.update(_info_text(entry, uses))
        if uses is None:
            self.call_after_refresh(self._count_uses, self._name, entry.key)

    def _count_uses(self, name: str, key: str) -> None:
        entry = self._highlighted()
        if name != self._name or entry is None or entry.key != key or (name, key) in self._uses:
            return  # the cursor moved on meanwhile, or it was counted already
        self._uses[(name, key)] = uses = self.app.dictionaries.uses(name, key)
        self.query_one("#entry-info", Static).update(_info_text(entry, uses))

    @on(OptionList.OptionHighlighted, "#dictionary-names")
    def _list_chosen(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id or DICTIONARY_NAMES[0]
        if name != self._name:
            self._name = name
            self._entries_list().highlighted = None
            self._load()

    @on(OptionList.OptionSelected, "#dictionary-names")
    def _list_entered(self) -> None:
        self.action_focus_entries()

    @on(OptionList.OptionHighlighted, "#dictionary-entries")
    def _entry_highlighted(self) -> None:
        self._show_info()

    @on(OptionList.OptionSelected, "#dictionary-entries")
    def _entry_entered(self) -> None:
        self.action_rename()

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ("rename", "archive", "restore", "delete", "move") or not self.is_mounted:
            return True
        entry = self._highlighted()
        if entry is None:
            return False if action == "restore" else None  # shown dimmed on an empty list
        if action == "archive":
            return not entry.archived  # an archived entry shows "restore" on the same key
        if action == "restore":
            return entry.archived
        return True

    def action_focus_names(self) -> None:
        self.query_one("#dictionary-names", OptionList).focus()

    def action_focus_entries(self) -> None:
        entries_list = self._entries_list()
        entries_list.focus()
        if entries_list.highlighted is None and self._entries:
            entries_list.highlighted = 0

    def action_add(self) -> None:
        if refused(self, EDIT_DICTIONARIES):
            return
        name, user = self._name, self.app.user

        def added(label: str | None) -> None:
            if label is not None:
                self._load(_key_of(self.app.dictionaries.entries(name), label))
                self.action_focus_entries()

        title = _("New entry in “{list}”").format(list=dictionary_title(name))
        self.app.push_screen(EntryNameDialog(title, "", lambda label: self.app.dictionaries.add(name, label, author=user)),
                             added)

    def action_rename(self) -> None:
        if refused(self, EDIT_DICTIONARIES):
            return
        entry = self._highlighted()
        if entry is None:
            return
        name, user = self._name, self.app.user

        def renamed(label: str | None) -> None:
            if label is not None:
                self._load(entry.key)

        title = _("Rename “{label}”").format(label=entry.shown())
        self.app.push_screen(
            EntryNameDialog(title, entry.shown(),
                            lambda label: self.app.dictionaries.rename(name, entry.key, label, author=user)),
            renamed)

    def action_archive(self) -> None:
        self._set_archived(True)

    def action_restore(self) -> None:
        self._set_archived(False)

    def _set_archived(self, archived: bool) -> None:
        if refused(self, EDIT_DICTIONARIES):
            return
        entry = self._highlighted()
        if entry is None:
            return
        if self._change(lambda: self.app.dictionaries.archive(self._name, entry.key, archived, author=self.app.user),
                        entry.key):
            message = (_("“{label}” is archived: no longer offered, still shown on the records that have it.")
                       if archived else _("“{label}” is offered again."))
            self.notify(message.format(label=entry.shown()), markup=False)

    def action_move(self, step: int) -> None:
        if refused(self, EDIT_DICTIONARIES):
            return
        entry = self._highlighted()
        if entry is not None:
            self._change(lambda: self.app.dictionaries.move(self._name, entry.key, step, author=self.app.user), entry.key)

    def action_delete(self) -> None:
        if refused(self, EDIT_DICTIONARIES):
            return
        entry = self._highlighted()
        if entry is None:
            return
        name = self._name
        uses = self._uses[(name, entry.key)] = self.app.dictionaries.uses(name, entry.key)
        try:
            delete_entry(self._entries, entry.key, uses)  # the rule and its message are the domain's
        except DictionaryError as error:
            self.notify(str(error), severity="error", title=_("Not deleted"), markup=False, timeout=10)
            return

        def answered(delete: bool | None) -> None:
            if delete and self._change(lambda: self.app.dictionaries.delete(name, entry.key, author=self.app.user)):
                self.notify(_("“{label}” deleted.").format(label=entry.shown()), markup=False)

        question = _("Delete “{label}” from “{list}”? No record uses it.").format(
            label=entry.shown(), list=dictionary_title(name))
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete"), no=_("Keep")), answered)

    def _change(self, change: Callable[[], None], key: str | None = None) -> bool:
        """Run one edit; a refusal (in use, renamed meanwhile, read-only file) is shown, not raised."""
        try:
            change()
        except (DictionaryError, StoreError) as error:
            self.notify(str(error), severity="error", title=_("Not changed"), markup=False, timeout=10)
            return False
        finally:
            self._load(key)
        return True


def _entry_prompt(entry: Entry) -> Content:
    """One row of the entries list; user text, never markup."""
    if entry.archived:
        return Content.assemble(entry.shown(), ("  " + _("archived"), "dim italic"))
    return Content(entry.shown())


def _info_text(entry: Entry, uses: int | None) -> str:
    if uses is None:
        used = _("Counting the records that use it…")
    elif uses:
        used = ngettext("Used by {n} record: a archives it.", "Used by {n} records: a archives it.",
                        uses).format(n=format_number(uses))
    else:
        used = _("No record uses it: d deletes it.")
    if entry.archived:
        used = ngettext("Used by {n} record.", "Used by {n} records.", uses).format(n=format_number(uses)) if uses else used
        return used + "\n" + _("Archived: not offered for new records.")
    return used


def _key_of(entries: list[Entry], label: str) -> str | None:
    """The key of the entry shown as ``label`` (the one just added)."""
    folded = " ".join(label.split()).casefold()
    return next((entry.key for entry in entries if entry.shown().casefold() == folded), None)
