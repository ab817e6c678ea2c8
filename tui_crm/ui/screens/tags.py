"""The tags screen (F8): every tag with its number of contacts; rename, merge, delete a tag
everywhere, or open the list of its contacts.

Tags that differ only in case or spacing are one tag (as on a contact), shown under their most
used spelling. Every change is one write by ``TagService``: each contact touched gets a new
version and a field-history entry. The screen only asks (a name, a confirmation) and reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static

from tui_crm.domain.collation import sort_key
from tui_crm.domain.tags import TagError, clean_tag_name, grouped_counts, tag_key
from tui_crm.i18n import _, format_number, language, ngettext
from tui_crm.store import StoreError
from tui_crm.store.tags import TagService

from ..widgets.footer import KeyFooter
from ..widgets.virtual_table import Column, VirtualTable
from .confirm import ConfirmScreen


class TagNameDialog(ModalScreen[str | None]):
    """Asks for a tag name; an unusable one is explained under the field and the dialog stays.
    Dismisses with the cleaned name, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, title: str, value: str, hint: str = "") -> None:
        super().__init__()
        self._title, self._value, self._hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tag-name-dialog"):
            yield Static(self._title, classes="title", markup=False)
            yield Input(self._value, id="tag-name", compact=True)
            yield Static("", id="tag-name-error", classes="error", markup=False)
            yield Static(self._hint or _("enter saves, escape cancels"), classes="hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#tag-name-error", Static).display = False
        self.query_one("#tag-name", Input).focus()

    @on(Input.Submitted, "#tag-name")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            name = clean_tag_name(event.value)
        except TagError as error:
            message = self.query_one("#tag-name-error", Static)
            message.update(str(error))
            message.display = True
            return
        self.dismiss(name)


def contacts_text(count: int) -> str:
    return ngettext("{n} contact", "{n} contacts", count).format(n=format_number(count))


class TagsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("space", "mark", _("Mark")),
        Binding("r", "rename", _("Rename")),
        Binding("m", "merge", _("Merge marked")),
        Binding("d,delete", "delete", _("Delete")),
        Binding("enter", "open_contacts", _("Show its contacts"), show=False),  # the hint says so
    ]

    def __init__(self) -> None:
        super().__init__()
        #: (tag as shown, contacts), in the language's alphabetical order
        self.tags: list[tuple[str, int]] = []
        #: tag keys (``tag_key``) of the marked tags: they survive a reload
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="tags-hint", markup=False)
        yield VirtualTable([Column("tag", _("Tag"), None, min_width=10), Column("count", _("Contacts"), 10, align="right")],
                           self._cells, id="tags-table")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Tags")
        self.watch(self.app, "data_version", lambda: self._load(), init=False)
        self._load()
        self.table.focus()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#tags-table", VirtualTable)

    # -- showing ---------------------------------------------------------------------------

    def _load(self, cursor_tag: str | None = None) -> None:
        """Count the tags again; the cursor stays on its tag (or goes to ``cursor_tag``)."""
        table = self.table
        current = self.highlighted()
        wanted = tag_key(cursor_tag) if cursor_tag else tag_key(current) if current else None
        counts = grouped_counts(self.app.contacts.tag_counts())
        self.tags = sorted(counts.items(), key=lambda item: sort_key(item[0], language()))
        keys = [tag_key(tag) for tag, _count in self.tags]
        self.marked &= set(keys)
        table.set_rows(range(len(self.tags)), keep_cursor_key=False)
        table.marked = {row for row, key in enumerate(keys) if key in self.marked}
        table.refresh_rows()
        if wanted in keys:
            table.cursor_row = keys.index(wanted)
        elif current is not None:
            table.cursor_row = min(self._row_before(current), len(keys) - 1)
        self._show_hint()

    def _row_before(self, tag: str) -> int:
        """Where a tag that is gone used to be: the row of the first tag after it."""
        key = sort_key(tag, language())
        return next((row for row, (other, _n) in enumerate(self.tags) if sort_key(other, language()) > key), len(self.tags))

    def _show_hint(self) -> None:
        hint = self.query_one("#tags-hint", Static)
        if not self.tags:
            hint.update(_("No contact has a tag yet. Tags are typed on the contact form."))
            return
        text = ngettext("{n} tag", "{n} tags", len(self.tags)).format(n=format_number(len(self.tags)))
        if self.marked:
            text += " · " + ngettext("{n} marked", "{n} marked", len(self.marked)).format(n=format_number(len(self.marked)))
        hint.update(text + " · " + _("enter shows a tag's contacts; space marks tags to merge"))

    def _cells(self, row: int) -> Sequence[str]:
        tag, count = self.tags[row]  # an IndexError is a LookupError: a blank row
        return tag, format_number(count)

    def highlighted(self) -> str | None:
        row = self.table.cursor_row
        return self.tags[row][0] if 0 <= row < len(self.tags) else None

    def _count(self, tag: str) -> int:
        key = tag_key(tag)
        return next((count for other, count in self.tags if tag_key(other) == key), 0)

    def _existing(self, name: str) -> str | None:
        """The tag shown for ``name`` if there is one (any case, any spacing)."""
        key = tag_key(name)
        return next((tag for tag, _count in self.tags if tag_key(tag) == key), None)

    # -- actions ---------------------------------------------------------------------------

    def action_mark(self) -> None:
        tag = self.highlighted()
        if tag is None:
            return
        self.marked ^= {tag_key(tag)}
        self.table.toggle_mark(self.table.cursor_row)
        self.table.action_cursor_down()
        self._show_hint()

    @on(VirtualTable.Selected, "#tags-table")
    def _selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_open_contacts()

    def action_open_contacts(self) -> None:
        """Back to the contact list, showing only the tag's contacts (screens opened over the
        list close, unless one holds unsaved changes)."""
        from .contact_list import ContactListScreen

        tag = self.highlighted()
        if tag is None:
            return
        stack = self.app.screen_stack
        lists = [screen for screen in stack if isinstance(screen, ContactListScreen)]
        if not lists:
            return
        above = stack[stack.index(lists[-1]) + 1:]
        if any(getattr(screen, "has_unsaved_changes", lambda: False)() for screen in above):
            self.notify(_("A screen under this one has unsaved changes: close it first."), severity="warning")
            return
        for _screen in above:
            self.app.pop_screen()
        lists[-1].show_tag(tag)

    def action_rename(self) -> None:
        tag = self.highlighted()
        if tag is not None and not self._refuse_if_read_only():
            self._rename(tag)

    def action_merge(self) -> None:
        if self._refuse_if_read_only():
            return
        marked = [tag for tag, _count in self.tags if tag_key(tag) in self.marked]
        if len(marked) < 2:
            self.notify(_("Mark the tags to merge with space (at least two), then press m."), severity="warning")
            return
        self._merge(marked)

    def action_delete(self) -> None:
        tag = self.highlighted()
        if tag is not None and not self._refuse_if_read_only():
            self._delete(tag)

    def _refuse_if_read_only(self) -> bool:
        if self.app.database.read_only:
            self.notify(_("This database is read-only: nothing can be changed."), severity="warning")
            return True
        return False

    # -- flows that ask the user -----------------------------------------------------------

    @work(exclusive=True, group="tags")
    async def _rename(self, tag: str) -> None:
        title = _("Rename the tag “{tag}” on {contacts}").format(tag=tag, contacts=contacts_text(self._count(tag)))
        name = await self.app.push_screen_wait(TagNameDialog(title, tag))
        if name is None or name == tag:
            return
        existing = self._existing(name)
        if existing is not None and tag_key(existing) != tag_key(tag):
            question = _("The tag “{new}” already exists ({contacts}). Merge “{old}” into it?").format(
                new=existing, contacts=contacts_text(self._count(existing)), old=tag)
            if not await self.app.push_screen_wait(ConfirmScreen(question, yes=_("Merge"), no=_("Cancel"))):
                return
        changed = self._change(lambda service: service.rename(tag, name, author=self.app.user))
        if changed is not None:
            message = ngettext("“{old}” is now “{new}” on {n} contact.", "“{old}” is now “{new}” on {n} contacts.", changed)
            self.notify(message.format(old=tag, new=name, n=format_number(changed)), markup=False)
            self.marked.discard(tag_key(tag))
            self._load(name)

    @work(exclusive=True, group="tags")
    async def _merge(self, tags: list[str]) -> None:
        largest = max(tags, key=self._count)
        title = _("Merge {tags} into one tag named:").format(tags=", ".join(f"“{tag}”" for tag in tags))
        hint = _("One of their names or a new one; enter merges, escape cancels.")
        name = await self.app.push_screen_wait(TagNameDialog(title, largest, hint))
        if name is None:
            return
        changed = self._change(lambda service: service.merge(tags, name, author=self.app.user))
        if changed is not None:
            message = ngettext("{count} tags merged into “{tag}” on {n} contact.",
                               "{count} tags merged into “{tag}” on {n} contacts.", changed)
            self.notify(message.format(count=format_number(len(tags)), tag=name, n=format_number(changed)), markup=False)
            self.marked.clear()
            self.table.clear_marks()
            self._load(name)

    @work(exclusive=True, group="tags")
    async def _delete(self, tag: str) -> None:
        question = _("Remove the tag “{tag}” from {contacts}? The contacts stay.").format(
            tag=tag, contacts=contacts_text(self._count(tag)))
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes=_("Remove"), no=_("Keep"))):
            return
        changed = self._change(lambda service: service.delete(tag, author=self.app.user))
        if changed is not None:
            message = ngettext("The tag “{tag}” was removed from {n} contact.",
                               "The tag “{tag}” was removed from {n} contacts.", changed)
            self.notify(message.format(tag=tag, n=format_number(changed)), markup=False)
            self.marked.discard(tag_key(tag))
            self._load()

    def _change(self, change) -> int | None:
        """Run one change; a refusal (read-only file, a bad name) is shown, not raised."""
        try:
            return change(TagService(self.app.contacts))
        except (TagError, StoreError) as error:
            self.notify(str(error), severity="error", title=_("Not changed"), markup=False, timeout=10)
            return None
