"""Import contacts from a vCard/CSV file (with a preview and, for CSV, a column mapping) and
export the shown list, the basket or a tag to one.

The work itself lives in ``store/exchange.py``; this screen only asks, shows and calls it.
Reading and checking a big file runs in a thread worker (the UI stays responsive, a progress
bar moves); the one write of an import runs on the UI thread, as every other write does.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Header, Input, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker

from tui_crm.domain import csv_exchange
from tui_crm.domain.dictionaries import CONTACT_ROLES, Entry
from tui_crm.domain.permissions import MERGE
from tui_crm.i18n import _, format_number, ngettext, os_reason
from tui_crm.store import ContactQuery, StoreError
from tui_crm.store.exchange import (
    ADD_DUPLICATES,
    MERGE_DUPLICATES,
    SKIP_DUPLICATES,
    ImportResult,
    detect_format,
    export_contacts,
    no_contacts_message,
    plan_text,
    read_text,
    report_lines,
    summary,
    write_import,
)
from tui_crm.store.links import LinkRepository

from ..permission_check import refused
from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen

#: settings key: CSV column name (stripped) -> field, merged over every import
MAPPING_SETTING = "csv_mapping"
PREVIEW_DELAY = 0.2  # seconds of quiet after a mapping change before the preview is redone
KNOWN_SUFFIXES = (".vcf", ".vcard", ".csv")


def expand(path_text: str) -> Path:
    return Path(os.path.expandvars(path_text.strip())).expanduser().absolute()  # messages name the real place


class FileProblem(Exception):
    """Why a file cannot be imported, in words for the user."""


def load_import_file(path: Path) -> tuple[str, str]:
    """(text, format) of the file, or FileProblem saying what is wrong."""
    if not path.exists():
        raise FileProblem(_("No file at {path}.").format(path=path))
    if path.is_dir():
        raise FileProblem(_("{path} is a folder: give a .vcf or .csv file.").format(path=path))
    try:
        text = read_text(path)
    except OSError as error:
        raise FileProblem(_("Cannot read {path}: {reason}").format(path=path, reason=os_reason(error))) from None
    fmt = detect_format(path, text)
    if not text.strip() or (fmt == "csv" and not any(column.strip() for column in csv_exchange.read_header(text))):
        raise FileProblem(no_contacts_message())
    looks_like_csv = "\x00" not in text and len(csv_exchange.read_header(text)) >= 2
    if path.suffix.lower() not in KNOWN_SUFFIXES and fmt == "csv" and not looks_like_csv:
        raise FileProblem(_("Unknown format: give a vCard (.vcf) or CSV (.csv) file."))
    return text, fmt


class ImportScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "import", _("Import"), priority=True),
        Binding("escape", "close", _("Close")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.fmt = ""
        self.columns: list[str] = []
        self.plan: ImportResult | None = None
        self._round = 0  # bumped for every new preview: an older one arriving late is dropped
        self._timer: Timer | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="import-form", classes="exchange-form"):
            with Horizontal(classes="exchange-line"):
                yield Label(_("File"), classes="exchange-label")
                yield Input(id="import-path", placeholder=_("path of a .vcf or .csv file, enter reads it"),
                            compact=True)
            with Horizontal(classes="exchange-line"):
                yield Label(_("Duplicates"), classes="exchange-label")
                yield Select([(_("skip likely duplicates"), SKIP_DUPLICATES), (_("add them anyway"), ADD_DUPLICATES),
                              (_("merge into the existing contact"), MERGE_DUPLICATES)],
                             value=SKIP_DUPLICATES, allow_blank=False, id="import-duplicates", compact=True)
            yield Static(_("Type the path and press enter to see what would be imported."), id="import-status",
                         markup=False)
            yield Static(_("Columns of the file → fields (enter opens a list, type to search):"),
                         id="mapping-title")
            mapping = VerticalScroll(id="import-mapping")
            mapping.can_focus = False  # tab goes straight to the fields; a focused one scrolls into view
            yield mapping
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary", markup=False)
            with VerticalScroll(id="import-report"):
                yield Static("", id="import-report-lines", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Import contacts")
        self._bar = self.query_one("#import-progress", ProgressBar)  # updated from the worker thread
        self._bar.display = False  # shown while a file is read or written
        self._show_mapping(False)
        self.query_one("#import-path", Input).focus()

    def _show_mapping(self, shown: bool) -> None:
        self.query_one("#mapping-title").display = shown
        self.query_one("#import-mapping").display = shown

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_class(error, "error")

    # -- reading the file ------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    async def _path_entered(self) -> None:
        await self.load(self.query_one("#import-path", Input).value)

    async def load(self, path_text: str) -> None:
        self.plan, self.text, self.fmt, self.columns = None, "", "", []
        self._round += 1
        self.query_one("#import-summary", Static).update("")
        self.query_one("#import-report-lines", Static).update("")
        mapping_box = self.query_one("#import-mapping", VerticalScroll)
        await mapping_box.remove_children()
        self._show_mapping(False)
        if not path_text.strip():
            self._status(_("Type the path of a .vcf or .csv file."), error=True)
            return
        try:
            self.text, self.fmt = load_import_file(expand(path_text))
        except FileProblem as problem:
            self._status(str(problem), error=True)
            return
        if self.fmt == "csv":
            self.columns = csv_exchange.read_header(self.text)
            remembered = self.app.settings.get(MAPPING_SETTING) or {}
            guessed = csv_exchange.guess_mapping(self.columns, remembered=remembered)
            options = [(csv_exchange.field_title(field), field)
                       for field in (csv_exchange.IGNORE, *self._fields(guessed))]
            rows = []
            for n, column in enumerate(self.columns):
                rows.append(Horizontal(
                    Label(column.strip() or _("(no name)"), classes="mapping-column", markup=False),
                    Select(options, value=guessed[column], allow_blank=False, id=f"map-{n}", compact=True,
                           classes="mapping-field"),
                    classes="exchange-line"))
            await mapping_box.mount_all(rows)
            self._show_mapping(True)
            self._status(ngettext("CSV file, {n} column.", "CSV file, {n} columns.", len(self.columns)).format(
                n=format_number(len(self.columns))))
        else:
            self._status(_("vCard file."))
        self._preview()

    @staticmethod
    def _fields(guessed: dict[str, str]) -> list[str]:
        """Every field, plus numbered address parts a remembered mapping may hold."""
        extra = [f for f in guessed.values() if f and f not in csv_exchange.FIELDS]
        return [*csv_exchange.FIELDS, *dict.fromkeys(extra)]

    def mapping(self) -> dict[str, str] | None:
        if self.fmt != "csv":
            return None
        return {column: self.query_one(f"#map-{n}", Select).value for n, column in enumerate(self.columns)}

    def _on_duplicate(self) -> str:
        return self.query_one("#import-duplicates", Select).value

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        if not self.text:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, self._preview)

    # -- the preview (a dry run) -----------------------------------------------------------

    def _preview(self) -> None:
        if not self.text:
            return
        self._round += 1
        self.plan = None
        self.query_one("#import-summary", Static).update(_("Reading the file…"))
        self._start_bar()
        self._plan_in_background(self._round, self.mapping(), self._on_duplicate(), self._roles(), write=False)

    def _start_bar(self) -> None:
        self._bar.update(total=None, progress=0)
        self._bar.display = True

    @work(thread=True, exclusive=True, group="import")
    def _plan_in_background(self, round_: int, mapping: dict[str, str] | None, on_duplicate: str,
                            roles: list[Entry], *, write: bool) -> None:
        worker = get_current_worker()
        bar = self._bar

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            plan = plan_text(self.app.contacts, self.text, self.fmt, mapping=mapping, duplicates=self.app.duplicates,
                             on_duplicate=on_duplicate, progress=progress, roles=roles)
        except (StoreError, ValueError) as error:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, round_, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._write if write else self._show_plan, round_, plan)

    def _failed(self, round_: int, message: str) -> None:
        self._busy = False
        if round_ == self._round:
            self.query_one("#import-summary", Static).update(message)
            self._bar.display = False  # no half-full bar beside a refusal

    def _show_plan(self, round_: int, plan: ImportResult) -> None:
        if round_ != self._round:
            return
        plan.dry_run = True
        self.plan = plan
        self._show_result(plan, hint=_("ctrl+s imports."))

    def _show_result(self, result: ImportResult, hint: str = "") -> None:
        self._bar.display = False  # the work is done: the summary says what came of it
        self.query_one("#import-summary", Static).update(f"{summary(result)} {hint}".strip())
        lines = report_lines(result)
        self.query_one("#import-report-lines", Static).update("\n".join(lines))

    # -- importing -------------------------------------------------------------------------

    def action_import(self) -> None:
        if self.app.database.read_only:
            self.notify(_("This database is read-only: nothing can be imported."), severity="error")
            return
        if not self.text:
            self.notify(_("Give a file first: type its path and press enter."), severity="warning")
            return
        if self._busy:
            return
        if self._on_duplicate() == MERGE_DUPLICATES and refused(self, MERGE):
            return
        self._busy = True
        self._round += 1
        self.query_one("#import-summary", Static).update(_("Importing…"))
        # Planned again: someone may have added a contact since the preview.
        self._start_bar()
        self._plan_in_background(self._round, self.mapping(), self._on_duplicate(), self._roles(), write=True)

    def _roles(self) -> list[Entry]:
        """The roles dictionary, read here: the plan runs in a worker thread."""
        return self.app.dictionaries.entries(CONTACT_ROLES)

    def _write(self, round_: int, plan: ImportResult) -> None:
        if round_ != self._round:
            self._busy = False
            return
        # the write runs here, on the app's thread (the indexes and every screen follow it): say
        # so on screen first, as it holds the keys for a moment with a big file
        count = len(plan.contacts) + len(plan.merges)
        self.query_one("#import-summary", Static).update(
            ngettext("Writing {n} contact…", "Writing {n} contacts…", count).format(n=format_number(count)))
        self.call_after_refresh(self._write_now, round_, plan)

    def _write_now(self, round_: int, plan: ImportResult) -> None:
        self._busy = False
        if round_ != self._round:
            return
        try:
            write_import(self.app.contacts, plan, author=self.app.user, links=self.app.links,
                         dictionaries=self.app.dictionaries)
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not imported"), markup=False)
            self.query_one("#import-summary", Static).update(_("Nothing was imported."))
            self._bar.display = False
            return
        self.plan = None
        self._remember_mapping()
        self._show_result(plan)
        self.notify(summary(plan), markup=False)

    def _remember_mapping(self) -> None:
        mapping = self.mapping()
        if not mapping:
            return
        chosen = {column.strip(): field for column, field in mapping.items() if column.strip()}
        try:
            self.app.settings.update(MAPPING_SETTING, lambda old: {**(old or {}), **chosen}, author=self.app.user)
        except StoreError as error:
            self.notify(str(error), severity="warning", title=_("Mapping not remembered"), markup=False)

    def action_close(self) -> None:
        self.workers.cancel_group(self, "import")
        self.dismiss()


# -- export ------------------------------------------------------------------------------------

LIST, BASKET, TAG = "list", "basket", "tag"
FORMAT_CHOICES = {"vcf3": ("vcf", "3.0"), "vcf4": ("vcf", "4.0"), "csv": ("csv", "3.0")}


class ExportScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "export", _("Export"), priority=True),
        Binding("escape", "close", _("Close")),
    ]

    def __init__(self, shown_ids: list[int], *, basket_shown: bool = False) -> None:
        super().__init__()
        self.shown_ids = list(shown_ids)
        self.basket_shown = basket_shown
        self._busy = False

    def compose(self) -> ComposeResult:
        basket = len(self.app.baskets.ids(self.app.user))
        what = [
            (ngettext("the list as shown ({n} contact)", "the list as shown ({n} contacts)", len(self.shown_ids))
             .format(n=format_number(len(self.shown_ids))), LIST),
            (ngettext("the basket ({n} contact)", "the basket ({n} contacts)", basket)
             .format(n=format_number(basket)), BASKET),
            (_("the contacts with a tag"), TAG),
        ]
        tags = sorted(self.app.contacts.tag_counts())
        yield Header()
        with Vertical(id="export-form", classes="exchange-form"):
            with Horizontal(classes="exchange-line"):
                yield Label(_("Export"), classes="exchange-label")
                yield Select(what, value=BASKET if self.basket_shown else LIST, allow_blank=False, id="export-what",
                             compact=True)
            with Horizontal(classes="exchange-line", id="export-tag-line"):
                yield Label(_("Tag"), classes="exchange-label")
                yield Input(id="export-tag", placeholder=_("a tag (suggested as you type)"), compact=True,
                            suggester=SuggestFromList(tags, case_sensitive=False) if tags else None)
            with Horizontal(classes="exchange-line"):
                yield Label(_("Format"), classes="exchange-label")
                yield Select([(_("vCard 3.0 (.vcf)"), "vcf3"), (_("vCard 4.0 (.vcf)"), "vcf4"), (_("CSV (.csv)"), "csv")],
                             value="vcf3", allow_blank=False, id="export-format", compact=True)
            with Horizontal(classes="exchange-line"):
                yield Label(_("File"), classes="exchange-label")
                yield Input(str(Path("~") / (_("contacts") + ".vcf")), id="export-path", compact=True)
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="export-result", markup=False)
            yield Static(_("tab moves · enter opens a list · ctrl+s (or enter in the file name) exports"),
                         classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Export contacts")
        self._bar = self.query_one("#export-progress", ProgressBar)  # updated from the worker thread
        self._bar.display = False  # shown once an export starts
        self.query_one("#export-tag-line").display = False
        self.query_one("#export-what", Select).focus()

    @on(Select.Changed, "#export-what")
    def _what_changed(self, event: Select.Changed) -> None:
        self.query_one("#export-tag-line").display = event.value == TAG

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """The file name follows the format while it has one of ours."""
        path = self.query_one("#export-path", Input)
        suffix = "." + FORMAT_CHOICES[str(event.value)][0]
        stem, dot, old = path.value.rpartition(".")
        if dot and "." + old.lower() in KNOWN_SUFFIXES and "." + old.lower() != suffix:
            path.value = stem + suffix

    @on(Input.Submitted, "#export-path")
    def _path_entered(self) -> None:
        self.action_export()

    def _result(self, text: str, error: bool = False) -> None:
        if not self._busy:
            self._bar.display = False
        result = self.query_one("#export-result", Static)
        result.update(text)
        result.set_class(error, "error")

    def chosen_ids(self) -> list[int] | None:
        """The contacts to export, or None with the reason shown."""
        what = self.query_one("#export-what", Select).value
        if what == LIST:
            return self.shown_ids
        if what == BASKET:
            basket = self.app.baskets.ids(self.app.user)
            return [i for i in self.app.contacts.find(ContactQuery()) if i in basket]
        tag = self.query_one("#export-tag", Input).value.strip()
        if not tag:
            self._result(_("Type the tag whose contacts to export."), error=True)
            return None
        known = {t.casefold(): t for t in self.app.contacts.tag_counts()}
        return self.app.contacts.find(ContactQuery(tag=known.get(tag.casefold(), tag)))

    def action_export(self) -> None:
        if self._busy:
            return
        ids = self.chosen_ids()
        if ids is None:
            return
        if not ids:
            self._result(_("Nothing to export: no contact was chosen."), error=True)
            return
        path_text = self.query_one("#export-path", Input).value
        if not path_text.strip():
            self._result(_("Type the name of the file to write."), error=True)
            return
        target = expand(path_text)
        if target.is_dir():
            self._result(_("{path} is a folder: add a file name.").format(path=target), error=True)
            return
        if not target.parent.is_dir():
            self._result(_("No folder {path}.").format(path=target.parent), error=True)
            return
        choice = self._format_of_name(target)
        fmt, version = FORMAT_CHOICES[choice]
        if target.exists():
            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self._start(ids, target, fmt, version)
                else:
                    self._result(_("Not exported: the file was left as it was."))

            self.app.push_screen(ConfirmScreen(_("{path} exists. Overwrite it?").format(path=target),
                                               yes=_("Overwrite")), answered)
            return
        self._start(ids, target, fmt, version)

    def _format_of_name(self, target: Path) -> str:
        """The chosen format, unless the file's name says another one (kontakty.csv is CSV): the
        name wins, and the choice is changed to show it."""
        format_select = self.query_one("#export-format", Select)
        choice = str(format_select.value)
        named = {".csv": "csv", ".vcf": "vcf", ".vcard": "vcf"}.get(target.suffix.lower())
        if named and named != FORMAT_CHOICES[choice][0]:
            choice = "csv" if named == "csv" else "vcf3"
            with format_select.prevent(Select.Changed):
                format_select.value = choice
        return choice

    def _start(self, ids: list[int], target: Path, fmt: str, version: str) -> None:
        self._busy = True
        self._result(_("Exporting…"))
        self._bar.update(total=len(ids), progress=0)
        self._bar.display = True
        # the repositories are fetched here: the export runs in a worker thread
        self._export_in_background(ids, target, fmt, version, self.app.links,
                                   self.app.dictionaries.entries(CONTACT_ROLES))

    @work(thread=True, exclusive=True, group="export")
    def _export_in_background(self, ids: list[int], target: Path, fmt: str, version: str, links: LinkRepository,
                              roles: list[Entry]) -> None:
        bar = self._bar

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            count = export_contacts(self.app.contacts, ids, target, fmt, vcard_version=version, progress=progress,
                                    links=links, roles=roles)
        except StoreError as error:
            self.app.call_from_thread(self._finished, str(error), True)
        except OSError as error:
            self.app.call_from_thread(self._finished, _("Cannot write {path}: {reason}").format(
                path=error.filename or target, reason=os_reason(error)), True)
        else:
            self.app.call_from_thread(self._finished, ngettext(
                "Exported {n} contact to {path}.", "Exported {n} contacts to {path}.", count).format(
                n=format_number(count), path=target), False)

    def _finished(self, text: str, error: bool) -> None:
        self._busy = False
        self._result(text, error)
        self._bar.display = False  # done: the line above says what came of it
        if not error:
            self.notify(text, markup=False)

    def action_close(self) -> None:
        self.dismiss()
