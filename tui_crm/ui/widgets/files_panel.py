"""A contact card's Files tab: the files attached to the contact, and the dialogs that attach,
export and show one.

Keys: n attaches a file (its path typed, with the files of the typed folder suggested; → takes
the suggestion), x exports a copy, d moves it to the trash, enter shows the details; t shows
the contact's trashed files, where r restores one and X deletes it for good. Every rule (names,
where content is kept, never overwriting silently) is the store's (``app.attachments``).

Copying a file in or out may take minutes (a large scan over a slow link), so it runs in a
thread worker: the dialog stays open showing the progress and escape stops the copy. Only the
copy runs in the thread; the database write of a new record happens back on the UI thread,
which owns the database and its listeners.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.timer import Timer
from textual.widgets import DataTable, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui_crm.domain.attachments import Attachment, human_size
from tui_crm.i18n import _, format_datetime, format_number, ngettext, os_reason
from tui_crm.store import StoreError
from tui_crm.store.attachments import (
    ATTACH_ATTEMPTS,
    CancelCheck,
    ContentGone,
    CopyCancelled,
    ExportPlan,
    ExportTargetExists,
    IncomingFile,
    Progress,
)

from .footer import KeyFooter
from .tables import cell, selected_row_id

NAME_WIDTH = 22
DESCRIPTION_WIDTH = 18  # the row fits 80 columns; enter shows it all
PROGRESS_SECONDS = 0.25  # how often a running copy's progress is shown (never per chunk)
COPY_GROUP = "file-copy"

ResultT = TypeVar("ResultT")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class PathSuggester(Suggester):
    """Suggests the first file or folder of the typed folder whose name starts with what was
    typed after the last "/" (hidden ones only when a "." was typed); folders end with "/"."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the folder may change meanwhile

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        folder, prefix = os.path.split(os.path.expanduser(value))
        try:
            with os.scandir(folder or ".") as entries:
                names = sorted((entry.name, entry.is_dir()) for entry in entries
                               if entry.name.startswith(prefix) and (prefix.startswith(".") or not entry.name.startswith(".")))
        except OSError:
            return None
        for name, is_dir in names:
            rest = name[len(prefix):] + ("/" if is_dir else "")
            if rest:
                return value + rest
        return None


class CopyingDialog(ModalScreen[ResultT]):
    """A dialog whose work is a long copy, run in a thread worker so the terminal stays live.

    While it copies, the inputs are disabled, a bar and a line show the progress (a few times
    a second) and escape stops the copy; the store then removes whatever it had written. A
    second escape leaves at once (for a source that no longer answers): the copy stops by
    itself as soon as it can, since the dialog's workers are cancelled when it closes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]
    #: Said when a copy is stopped.
    CANCELLED = ""

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()  # escape was pressed: read by the copying thread
        self._copied = (0, 0)  # bytes done, total: written by the copying thread, shown by the timer
        self._ticker: Timer | None = None

    @property
    def copying(self) -> bool:
        return self._ticker is not None

    def compose_progress(self) -> ComposeResult:
        yield ProgressBar(id="copy-progress", show_percentage=False, show_eta=False)
        yield Static("", id="copy-status", markup=False)

    def on_mount(self) -> None:
        self._show_busy(False)

    def on_unmount(self) -> None:
        self._stop.set()  # the worker is cancelled too; this also stops a copy not started yet

    def start_copy(self, copy: Callable[[Progress, CancelCheck], Any]) -> None:
        """Run ``copy(progress, cancelled)`` in a thread; ``copy_done`` or ``copy_failed`` follows."""
        self._stop.clear()
        self._copied = (0, 0)
        self._ticker = self.set_interval(PROGRESS_SECONDS, self._show_progress)
        self._show_busy(True)
        self.run_worker(partial(self._copy_in_thread, copy), thread=True, group=COPY_GROUP, exit_on_error=False)

    def _copy_in_thread(self, copy: Callable[[Progress, CancelCheck], Any]) -> Any:
        worker = get_current_worker()

        def cancelled() -> bool:
            return self._stop.is_set() or worker.is_cancelled  # escape, or the dialog went away

        def progress(done: int, total: int) -> None:
            self._copied = (done, total)  # one assignment: the timer never sees half of it

        return copy(progress, cancelled)

    def _show_progress(self) -> None:
        done, total = self._copied
        # until the copy reports the size, the bar pulses (total None) and no numbers are shown
        self.query_one("#copy-progress", ProgressBar).update(total=max(total, done) or None, progress=done)
        if self._stop.is_set():
            text = _("Stopping the copy… (escape again leaves at once)")
        elif not total:
            text = _("Copying… · escape stops it")
        elif done >= total:
            text = _("Finishing…")  # flushing to the disk
        else:
            text = _("Copying… {percent} % ({done} of {total}) · escape stops it").format(
                percent=format_number(done * 100 // total), done=human_size(done), total=human_size(total))
        self.query_one("#copy-status", Static).update(text)

    def _show_busy(self, busy: bool) -> None:
        for field in self.query(Input):
            field.disabled = busy
        self.query_one("#copy-progress").display = busy
        self.query_one("#copy-status").display = busy
        for hint in self.query(".hint"):  # the status line says what escape does meanwhile
            hint.display = not busy
        if busy:
            self._show_progress()
            return
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        fields = self.query(Input)
        if fields:
            fields.first().focus()

    def action_cancel(self) -> None:
        if self.copying and not self._stop.is_set():
            self._stop.set()  # the thread stops before its next chunk; the worker's end tells
            self._show_progress()
            return
        if self.copying:  # a second escape: leave now (see the class description)
            self.notify(self.CANCELLED, markup=False)
        self.dismiss(None)

    @on(Worker.StateChanged)
    def _copy_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != COPY_GROUP or not self.copying:
            return
        if event.state == WorkerState.SUCCESS:
            self._show_busy(False)
            self.copy_done(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self._show_busy(False)
            error = event.worker.error
            if isinstance(error, CopyCancelled):
                self.dismiss(None)
                self.notify(str(error), markup=False)
            elif isinstance(error, StoreError):
                self.copy_failed(error)
            elif isinstance(error, OSError):  # the store words its own; this is only a safety net
                self.copy_failed(StoreError(_("Could not copy the file: {reason}").format(
                    reason=os_reason(error))))
            elif error is not None:
                raise error  # a bug: let the app report it as it does every other

    def copy_done(self, result: Any) -> None:
        raise NotImplementedError

    def copy_failed(self, error: StoreError) -> None:
        raise NotImplementedError


class AttachDialog(CopyingDialog[Attachment | None]):
    """Ask for a file and a description, attach it; dismisses with the record, or None."""

    CANCELLED = _("Cancelled; nothing was attached.")

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self._attempts = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog files-dialog"):
            yield Static(_("Attach a file"), classes="title")
            yield Static(_("File (→ takes the suggestion):"), markup=False)
            yield Input(id="attach-path", placeholder="~/", suggester=PathSuggester(), compact=True)
            yield Static(_("Description:"), markup=False)
            yield Input(id="attach-description", compact=True)
            yield Static("", id="attach-error", classes="error", markup=False)
            yield from self.compose_progress()
            yield Static(_("enter attaches · tab next field · escape cancels"), classes="hint", markup=False)
        yield KeyFooter()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.copying:
            return
        path = self.query_one("#attach-path", Input).value
        description = self.query_one("#attach-description", Input).value
        try:
            incoming = self.app.attachments.prepare_attach(self.contact_id, path, description)
        except StoreError as error:  # the typed text stays, to be corrected
            self.copy_failed(error)
            return
        self._attempts = 0
        self._copy(incoming)

    def _copy(self, incoming: IncomingFile) -> None:
        self._attempts += 1
        self.query_one("#attach-error", Static).update("")
        store = self.app.attachments
        self.start_copy(lambda progress, cancelled: store.store_content(incoming, progress=progress, cancelled=cancelled))

    def copy_done(self, result: Any) -> None:
        stored: IncomingFile = result
        if self._stop.is_set():  # escape came after the last chunk: give it up all the same
            try:
                self.app.attachments.discard(stored)
            except StoreError:
                pass  # unreferenced content is harmless; a later attach of it reuses it
            self.dismiss(None)
            self.notify(self.CANCELLED, markup=False)
            return
        try:  # the database write: here, on the UI thread
            record = self.app.attachments.record(stored, author=self.app.user)
        except ContentGone as error:
            if self._attempts < ATTACH_ATTEMPTS:
                self._copy(stored)
            else:
                self.copy_failed(error)
            return
        except StoreError as error:
            self.copy_failed(error)
            return
        self.dismiss(record)

    def copy_failed(self, error: StoreError) -> None:
        self.query_one("#attach-error", Static).update(str(error))


class ExportDialog(CopyingDialog[Path | None]):
    """Ask where to export a copy; asks before replacing a file. Dismisses with the path written."""

    CANCELLED = _("Cancelled; nothing was exported.")

    def __init__(self, record: Attachment) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog files-dialog"):
            yield Static(_("Export a copy of “{name}” to:").format(name=self.record.name), classes="title", markup=False)
            yield Input(str(Path("~") / self.record.name), id="export-path", suggester=PathSuggester(), compact=True)
            yield Static("", id="export-error", classes="error", markup=False)
            yield from self.compose_progress()
            yield Static(_("a folder keeps the name · enter exports · escape cancels"), classes="hint", markup=False)
        yield KeyFooter()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.copying:
            self._write(event.value, overwrite=False)

    def _write(self, target: str, *, overwrite: bool) -> None:
        assert self.record.id is not None
        try:  # every check, the question about an existing file too, before copying
            plan: ExportPlan = self.app.attachments.plan_export(self.record.id, target, overwrite=overwrite)
        except ExportTargetExists as exists:
            self._ask_to_replace(exists.path)
            return
        except StoreError as error:
            self.copy_failed(error)
            return
        self.query_one("#export-error", Static).update("")
        store = self.app.attachments
        self.start_copy(lambda progress, cancelled: store.write_export(plan, progress=progress, cancelled=cancelled))

    def _ask_to_replace(self, existing: Path) -> None:
        from ..screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(str(existing), overwrite=True)

        question = _("{path} already exists. Replace it with “{name}”?").format(path=existing, name=self.record.name)
        self.app.push_screen(ConfirmScreen(question, yes=_("Replace"), no=_("Keep it")), answered)

    def copy_done(self, result: Any) -> None:
        self.dismiss(result)  # written whole, even if escape came after the last chunk

    def copy_failed(self, error: StoreError) -> None:
        if isinstance(error, ExportTargetExists):  # it appeared while copying
            self._ask_to_replace(error.path)
            return
        self.query_one("#export-error", Static).update(str(error))


class FileDetails(ModalScreen[None]):
    """Everything about one attached file."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "dismiss(None)", _("Close"))]

    def __init__(self, record: Attachment, stored_at: Path) -> None:
        super().__init__()
        self.record = record
        self.stored_at = stored_at

    def compose(self) -> ComposeResult:
        r = self.record
        rows = [
            (_("Name"), r.name),
            (_("Size"), f"{human_size(r.size)} ({format_number(r.size)} B)"),
            (_("Added"), f"{format_datetime(r.added_at)} · {r.added_by}"),
            (_("Description"), r.description or "—"),
        ]
        if r.deleted_at:
            rows.append((_("In the trash"), f"{format_datetime(r.deleted_at)} · {r.deleted_by or '?'}"))
        rows += [(_("SHA-256"), r.sha256), (_("Kept in"), str(self.stored_at))]
        text = Content("\n").join(Content.assemble((f"{label}: ", "bold"), value) for label, value in rows)
        with Vertical(classes="dialog files-dialog"):
            yield Static(text, id="file-details")
            yield Static(_("escape closes"), classes="hint", markup=False)
        yield KeyFooter()


class FilesPanel(Vertical):
    """The files of one contact (or, after t, its trashed files), newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "attach", _("Attach")),
        Binding("x", "export", _("Export")),
        Binding("d,delete", "delete", _("Delete file")),
        Binding("r", "restore", _("Restore file")),
        Binding("X", "purge", _("Delete for good"), show=False),
        Binding("t", "toggle_trash", _("Files in the trash"), show=False),  # the tab's first line says so
    ]

    def __init__(self, contact_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.contact_id = contact_id
        self.showing_trash = False
        self.records: list[Attachment] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="files-body", classes="files-summary", markup=False)
        table: DataTable = DataTable(id="files-table", cursor_type="row", zebra_stripes=False)
        table.add_column(_("Name"), key="name")
        table.add_column(_("Size"), key="size")
        table.add_column(_("Added"), key="added")
        table.add_column(_("Added by"), key="by")
        table.add_column(_("Description"), key="description")
        yield table

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self.reload, init=False)
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one("#files-table", DataTable)

    def reload(self) -> None:
        table = self.table
        kept = selected_row_id(table)
        self.records = self.app.attachments.list_of(self.contact_id, trashed=self.showing_trash)
        table.clear()
        for r in self.records:
            cells = (_cut(r.name, NAME_WIDTH), human_size(r.size), format_datetime(r.added_at), r.added_by,
                     _cut(r.description, DESCRIPTION_WIDTH))
            table.add_row(*map(cell, cells), key=str(r.id))  # user text, never markup
        ids = [r.id for r in self.records]
        if kept in ids:
            table.move_cursor(row=ids.index(kept))
        self.query_one("#files-body", Static).update(self._summary())
        self.refresh_bindings()

    def _summary(self) -> str:
        count = len(self.records)
        if self.showing_trash:
            if not count:
                return _("No files of this contact in the trash. t shows the attached files.")
            return ngettext("{n} file in the trash. r restores it, X deletes it for good, t goes back.",
                            "{n} files in the trash. r restores one, X deletes it for good, t goes back.",
                            count).format(n=format_number(count))
        if not count:
            return _("No files yet. Press n to attach one (t: the trash).")
        return ngettext("{n} file; enter shows its details, t the trash.", "{n} files; enter shows details, t the trash.",
                        count).format(n=format_number(count))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that act on a file are hidden while the list shows none (an empty trash)."""
        if action in ("export", "delete", "restore", "purge") and not self.records:
            return False
        if action in ("restore", "purge"):
            return self.showing_trash
        if action in ("attach", "delete"):
            return not self.showing_trash
        return True

    def _selected(self) -> Attachment | None:
        record_id = selected_row_id(self.table)
        record = None if record_id is None else self.app.attachments.get(record_id)
        if record is None:
            self.notify(_("No file selected."), severity="warning")
        return record

    def _refuse_if_read_only(self) -> bool:
        if self.app.database.read_only:
            self.notify(_("This database is read-only: files cannot be attached or removed."), severity="warning")
            return True
        return False

    def _show(self, record_id: int | None) -> None:
        self.reload()
        ids = [r.id for r in self.records]
        if record_id in ids:
            self.table.move_cursor(row=ids.index(record_id))
        self.table.focus()

    # -- actions ---------------------------------------------------------------------------

    def action_attach(self) -> None:
        if self._refuse_if_read_only():
            return

        def attached(record: Attachment | None) -> None:
            if record is None:
                return
            self._show(record.id)
            message = _("Attached “{name}” ({size}).").format(name=record.name, size=human_size(record.size))
            twin = next((other for other in self.app.attachments.list_of(self.contact_id)
                         if other.sha256 == record.sha256 and other.id != record.id), None)
            if twin is not None:  # stored once all the same: only the record is new
                message += " " + _("The same file was attached already on {date} as “{name}”.").format(
                    date=format_datetime(twin.added_at), name=twin.name)
            self.notify(message, markup=False, severity="warning" if twin else "information")

        self.app.push_screen(AttachDialog(self.contact_id), attached)

    def action_export(self) -> None:
        record = self._selected()
        if record is None:
            return

        def exported(path: Path | None) -> None:
            if path is not None:
                self.notify(_("Exported to {path}.").format(path=path), markup=False)

        self.app.push_screen(ExportDialog(record), exported)

    def action_delete(self) -> None:
        from ..screens.confirm import ConfirmScreen

        record = self._selected()
        if record is None or record.id is None or self._refuse_if_read_only():
            return
        record_id = record.id

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.attachments.delete(record_id, author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(_("“{name}” moved to the trash (t shows it).").format(name=record.name), markup=False)

        question = _("Move “{name}” to the trash?").format(name=record.name)
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete")), answered)

    def action_toggle_trash(self) -> None:
        self.showing_trash = not self.showing_trash
        self.reload()
        self.table.focus()

    def action_restore(self) -> None:
        record = self._selected()
        if record is None or record.id is None or self._refuse_if_read_only():
            return
        try:
            self.app.attachments.restore(record.id, author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(_("“{name}” restored.").format(name=record.name), markup=False)

    def action_purge(self) -> None:
        from ..screens.confirm import ConfirmScreen

        record = self._selected()
        if record is None or record.id is None or self._refuse_if_read_only():
            return
        record_id = record.id

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.attachments.purge(record_id)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)

        question = _("Delete “{name}” for good? This cannot be undone.").format(name=record.name)
        self.app.push_screen(ConfirmScreen(question, yes=_("Delete for good")), answered)

    @on(DataTable.RowSelected, "#files-table")
    def _details(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.app.attachments.get(int(event.row_key.value))
        if record is not None:
            self.app.push_screen(FileDetails(record, self.app.attachments.content_path(record)))
