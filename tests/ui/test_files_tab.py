"""A contact card's Files tab at 80x24: attach a file by typing its path, see it listed, export
a copy (asked before replacing), look at its details, delete it and restore it from the trash.
Copies run in a thread: the dialog shows their progress and escape stops them.
What the app did is read back from the file through a fresh repository."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, ProgressBar, Static, TabbedContent

from tui_crm.store import Database
from tui_crm.store import attachments as attachments_module
from tui_crm.store.attachments import AttachmentRepository
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.widgets.files_panel import (
    COPY_GROUP,
    PROGRESS_SECONDS,
    AttachDialog,
    CopyingDialog,
    ExportDialog,
    FileDetails,
    PathSuggester,
)

CONTENT = b"%PDF-1.4 umowa serwisowa " * 200  # 5,000 bytes


def stored(db_path: Path) -> AttachmentRepository:
    return AttachmentRepository(Database(db_path))


def rows(card) -> list[list[str]]:
    table = card.query_one("#files-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def copies_done(pilot) -> None:
    """Wait until the dialogs' copying threads have ended and the app has handled their end."""
    workers = [w for w in pilot.app.workers if w.group == COPY_GROUP]
    for _ in range(500):
        if all(w.is_finished for w in workers):
            break
        await asyncio.sleep(0.01)
    assert all(w.is_finished for w in workers), "a copy did not end"
    await pilot.pause()
    await pilot.pause()


async def until(pilot, condition, what: str) -> None:
    """Let the app run until ``condition()`` holds (a copy runs in a thread: no fixed sleep)."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


async def open_files_tab(pilot, contact_id: int) -> ContactCardScreen:
    await pilot.app.push_screen(ContactCardScreen(contact_id))
    await pilot.pause()
    await pilot.press("7")
    card = pilot.app.screen
    assert card.query_one(TabbedContent).active == "files"
    assert card.query_one("#files-table", DataTable).has_focus
    return card


async def test_attach_list_export_and_delete_a_file(ui, sample_db, sample_ids, make_app, tmp_path):
    source = tmp_path / "in" / "umowa.pdf"
    source.parent.mkdir()
    source.write_bytes(CONTENT)
    out = tmp_path / "out"
    out.mkdir()
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        footer = ui.screen_lines(app)[-1]
        assert "n Attach" in footer and "f1" in footer
        assert "x Export" not in footer and "d Delete file" not in footer  # no file to act on yet
        assert "e Edit" not in footer  # the card's own keys make room

        # attach: a mistyped path is explained and the dialog keeps what was typed
        await pilot.press("n")
        assert isinstance(app.screen, AttachDialog)
        await ui.fill(pilot, "#attach-path", str(source.parent / "umowa.pd"))
        await pilot.press("enter")
        assert isinstance(app.screen, AttachDialog)
        assert "There is no file" in str(app.screen.query_one("#attach-error").render())
        path_input = app.screen.query_one("#attach-path", Input)
        assert path_input._suggestion == str(source)  # the folder's file is suggested...
        await pilot.press("right")  # ...and → takes it
        assert path_input.value == str(source)
        await pilot.press("tab")
        await ui.type_text(pilot, "Umowa serwisowa 2026")
        await pilot.press("enter")
        await copies_done(pilot)
        assert app.screen is card
        assert rows(card)[0][:2] == ["umowa.pdf", "4.9 KB"]
        assert rows(card)[0][3:] == [ui.USER, "Umowa serwisowa 2…"]  # cut to fit 80 columns
        assert any("umowa.pdf" in line and "4.9 KB" in line for line in ui.screen_lines(app))
        footer = ui.screen_lines(app)[-1]
        assert "x Export" in footer and "d Delete file" in footer and footer.rstrip().endswith("f1 Help")
        [record] = stored(sample_db).list_of(org_id)
        assert (record.name, record.size, record.description) == ("umowa.pdf", 5000, "Umowa serwisowa 2026")

        # details
        await pilot.press("enter")
        assert isinstance(app.screen, FileDetails)
        assert any(record.sha256 in line for line in ui.screen_lines(app))
        await pilot.press("escape")
        assert app.screen is card

        # export into a folder keeps the name; a second export asks before replacing
        await pilot.press("x")
        assert isinstance(app.screen, ExportDialog)
        await ui.fill(pilot, "#export-path", str(out))
        await pilot.press("enter")
        await copies_done(pilot)
        assert app.screen is card
        assert (out / "umowa.pdf").read_bytes() == CONTENT
        (out / "umowa.pdf").write_bytes(b"mine")
        await pilot.press("x")
        await ui.fill(pilot, "#export-path", str(out / "umowa.pdf"))
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, ExportDialog) and (out / "umowa.pdf").read_bytes() == b"mine"
        await pilot.press("enter", "y")
        await copies_done(pilot)
        assert app.screen is card
        assert (out / "umowa.pdf").read_bytes() == CONTENT

        # delete (asked), then the trash shows it and r restores it
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert rows(card) == []
        assert stored(sample_db).list_of(org_id) == []
        assert stored(sample_db).list_of(org_id, trashed=True)[0].deleted_by == ui.USER
        await pilot.press("t")
        assert [r[0] for r in rows(card)] == ["umowa.pdf"]
        assert "r Restore file" in ui.screen_lines(app)[-1]
        await pilot.press("r", "t")
        assert [r[0] for r in rows(card)] == ["umowa.pdf"]
        assert stored(sample_db).list_of(org_id)[0].deleted_at is None


async def test_another_sessions_attachment_appears(ui, sample_db, sample_ids, make_app, tmp_path):
    org_id = sample_ids["Alfa Sp. z o.o."]
    photo = tmp_path / "zdjecie.jpg"
    photo.write_bytes(b"JPEG")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        assert rows(card) == []
        stored(sample_db).attach(org_id, photo, "wizytówka", author="anna")
        app.poll_database()
        await pilot.pause()
        assert rows(card)[0][0] == "zdjecie.jpg" and rows(card)[0][3] == "anna"


async def test_keys_for_a_file_are_hidden_while_there_is_none(ui, sample_db, sample_ids, make_app, tmp_path):
    """No files, an empty trash: x, d, r and X have nothing to act on, so the footer leaves them out."""
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        footer = ui.screen_lines(app)[-1]
        assert "n Attach" in footer and "x Export" not in footer and "d Delete file" not in footer
        await pilot.press("t")
        assert "No files of this contact in the trash" in str(card.query_one("#files-body").render())
        footer = ui.screen_lines(app)[-1]
        assert "x Export" not in footer and "r Restore" not in footer and footer.rstrip().endswith("f1 Help")
        await pilot.press("x", "r", "X")
        assert app.screen is card and ui.notifications(app) == []  # nothing opened, nothing complained

        photo = tmp_path / "zdjecie.jpg"  # another session attaches a file, then trashes it
        photo.write_bytes(b"JPEG")
        other = stored(sample_db)
        other.delete(other.attach(org_id, photo, "", author="anna").id, author="anna")
        app.poll_database()
        await pilot.pause()
        footer = ui.screen_lines(app)[-1]
        assert "x Export" in footer and "r Restore file" in footer  # the keys come back with a file


async def test_a_read_only_database_refuses_attaching(ui, sample_db, sample_ids, make_app):
    sample_db.chmod(stat.S_IRUSR)
    try:
        app = make_app(sample_db)
        async with app.run_test(size=ui.SIZE) as pilot:
            await open_files_tab(pilot, sample_ids["Anna Nowak"])
            await pilot.press("n")
            assert isinstance(app.screen, ContactCardScreen)
            assert any("read-only" in message for message in ui.notifications(app))
    finally:
        sample_db.chmod(stat.S_IRUSR | stat.S_IWUSR)


async def test_the_path_suggester_offers_the_typed_folders_files(tmp_path, monkeypatch):
    (tmp_path / "faktura.pdf").write_bytes(b"x")
    (tmp_path / "folder").mkdir()
    (tmp_path / ".ukryty").write_bytes(b"x")
    suggester = PathSuggester()
    assert await suggester.get_suggestion(f"{tmp_path}/fa") == f"{tmp_path}/faktura.pdf"
    assert await suggester.get_suggestion(f"{tmp_path}/fo") == f"{tmp_path}/folder/"
    assert await suggester.get_suggestion(f"{tmp_path}/") == f"{tmp_path}/faktura.pdf"  # hidden ones not offered
    assert await suggester.get_suggestion(f"{tmp_path}/.u") == f"{tmp_path}/.ukryty"
    assert await suggester.get_suggestion(f"{tmp_path}/zz") is None
    monkeypatch.setenv("HOME", str(tmp_path))
    assert await suggester.get_suggestion("~/fa") == "~/faktura.pdf"


# -- copying in a thread: progress, escape, errors ----------------------------------------------

CHUNK = 1000
BIG = 20 * CHUNK  # 20 chunks: long enough to be seen half way


class Gate:
    """Wraps a store copy so that its thread waits at a chosen point until the test lets it go:
    the copy is as slow as the test needs, without a big file or a sleep."""

    def __init__(self, stop_when) -> None:
        self.stop_when = stop_when  # (bytes done, total) -> wait here?
        self.reached = threading.Event()
        self.released = threading.Event()
        self.chunks = 0

    def progress(self, progress):
        def wrapped(done: int, total: int) -> None:
            progress(done, total)
            self.chunks += 1
            if not self.reached.is_set() and self.stop_when(done, total):
                self.reached.set()
                assert self.released.wait(10), "the test never released the copy"
        return wrapped

    def wrap(self, method):
        def gated(*args, progress, **kwargs):
            return method(*args, progress=self.progress(progress), **kwargs)
        return gated


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(attachments_module, "CHUNK", CHUNK)


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "skan.tif"
    path.write_bytes(os.urandom(BIG))
    return path


def status(app) -> str:
    return str(app.screen.query_one("#copy-status", Static).render())


def everything_in(folder: Path) -> list[str]:
    """Every file, hidden temporary ones too."""
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def test_attaching_shows_the_progress_with_the_inputs_disabled(ui, sample_db, sample_ids, make_app, scan,
                                                                     small_chunks, monkeypatch):
    org_id = sample_ids["Alfa Sp. z o.o."]
    shown = []
    real_show = CopyingDialog._show_progress
    monkeypatch.setattr(CopyingDialog, "_show_progress", lambda self: (shown.append(1), real_show(self)))
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        gate = Gate(lambda done, total: done == total // 2)
        monkeypatch.setattr(app.attachments, "store_content", gate.wrap(app.attachments.store_content))
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(scan))
        await pilot.press("enter")
        await until(pilot, gate.reached.is_set, "the copy half way")
        await until(pilot, lambda: "50 %" in status(app), "the progress shown")

        dialog = app.screen
        assert isinstance(dialog, AttachDialog)  # the dialog stays while it copies...
        assert status(app).startswith("Copying… 50 % (9.8 KB of 20 KB)")
        assert any("Copying… 50 %" in line for line in ui.screen_lines(app))  # ...and fits 80x24
        assert dialog.query_one("#copy-progress", ProgressBar).percentage == 0.5
        assert all(field.disabled for field in dialog.query(Input))
        assert not dialog.query_one(".hint").display  # the status line says what escape does
        assert "esc Cancel" in ui.screen_lines(app)[-1]
        assert stored(sample_db).list_of(org_id) == []  # no record before the content is stored
        await pilot.press("enter", "x")  # typing does nothing meanwhile
        assert dialog.query_one("#attach-path", Input).value == str(scan)

        gate.released.set()
        await copies_done(pilot)
        assert app.screen is card
        assert rows(card)[0][:2] == ["skan.tif", "20 KB"]
        [record] = stored(sample_db).list_of(org_id)
        assert stored(sample_db).content_path(record).read_bytes() == scan.read_bytes()
        assert not [n for n in everything_in(sample_db.parent / "crm-files") if n.startswith(".")]
        assert gate.chunks == 21 and len(shown) < gate.chunks  # progress shown by a timer, not per chunk
        assert any("Attached “skan.tif”" in message for message in ui.notifications(app))


async def test_the_progress_shows_no_numbers_before_the_size_is_known(ui, sample_db, sample_ids, make_app, scan,
                                                                     monkeypatch):
    """The first line of an attach said "0 % (0 B of 0 B)" until the copy reported the size."""
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        started, go = threading.Event(), threading.Event()
        real_store = app.attachments.store_content

        def slow_to_start(*args, **kwargs):  # a source that takes a while to answer
            started.set()
            assert go.wait(10), "the test never let the copy start"
            return real_store(*args, **kwargs)

        monkeypatch.setattr(app.attachments, "store_content", slow_to_start)
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(scan))
        await pilot.press("enter")
        await until(pilot, started.is_set, "the copy started")
        await pilot.pause(2 * PROGRESS_SECONDS)  # the progress timer has shown it again meanwhile
        assert status(app) == "Copying… · escape stops it"
        assert any("Copying… · escape stops it" in line for line in ui.screen_lines(app))
        assert app.screen.query_one("#copy-progress", ProgressBar).total is None  # it pulses: no size yet

        go.set()
        await copies_done(pilot)
        assert app.screen is card and rows(card)[0][0] == "skan.tif"


async def test_escape_stops_an_attach_and_leaves_nothing(ui, sample_db, sample_ids, make_app, scan, small_chunks,
                                                         monkeypatch):
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        gate = Gate(lambda done, total: done == 3 * CHUNK)
        monkeypatch.setattr(app.attachments, "store_content", gate.wrap(app.attachments.store_content))
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(scan))
        await pilot.press("enter")
        await until(pilot, gate.reached.is_set, "the copy under way")
        assert [n for n in everything_in(sample_db.parent / "crm-files") if n.startswith(".incoming")]

        await pilot.press("escape")
        assert isinstance(app.screen, AttachDialog)  # it waits for the thread to stop...
        assert "Stopping the copy" in status(app)
        gate.released.set()
        await copies_done(pilot)
        assert app.screen is card  # ...then closes
        assert "Cancelled; nothing was attached." in ui.notifications(app)
        assert gate.chunks == 4  # it stopped at the next chunk, not at the end
        assert everything_in(sample_db.parent / "crm-files") == []  # no temporary file, no content
        assert stored(sample_db).list_of(org_id) == [] and rows(card) == []


async def test_a_second_escape_leaves_at_once_and_the_copy_still_cleans_up(ui, sample_db, sample_ids, make_app,
                                                                          scan, small_chunks, monkeypatch):
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        gate = Gate(lambda done, total: done == 3 * CHUNK)  # a source that stopped answering
        monkeypatch.setattr(app.attachments, "store_content", gate.wrap(app.attachments.store_content))
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(scan))
        await pilot.press("enter")
        await until(pilot, gate.reached.is_set, "the copy under way")
        await pilot.press("escape", "escape")
        assert app.screen is card  # not waiting for the thread
        assert "Cancelled; nothing was attached." in ui.notifications(app)

        gate.released.set()  # the source answers again: the thread stops and removes its file
        folder = sample_db.parent / "crm-files"
        await until(pilot, lambda: everything_in(folder) == [], "the temporary file removed")
        await pilot.pause(0.05)
        assert gate.chunks == 4 and everything_in(folder) == []
        assert stored(sample_db).list_of(org_id) == [] and rows(card) == []


async def test_escape_after_the_last_chunk_still_attaches_nothing(ui, sample_db, sample_ids, make_app, scan,
                                                                  monkeypatch):
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        copied, released = threading.Event(), threading.Event()
        real = app.attachments.store_content

        def stored_then_waits(*args, **kwargs):
            result = real(*args, **kwargs)  # the content is in place, the record not yet written
            copied.set()
            assert released.wait(10)
            return result

        monkeypatch.setattr(app.attachments, "store_content", stored_then_waits)
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(scan))
        await pilot.press("enter")
        await until(pilot, copied.is_set, "the content stored")
        await pilot.press("escape")
        released.set()
        await copies_done(pilot)
        assert app.screen is card
        assert "Cancelled; nothing was attached." in ui.notifications(app)
        assert stored(sample_db).list_of(org_id) == []
        assert everything_in(sample_db.parent / "crm-files") == []  # the given-up content removed


async def test_a_failing_copy_is_explained_and_keeps_the_dialog(ui, sample_db, sample_ids, make_app, scan,
                                                                 monkeypatch):
    org_id = sample_ids["Alfa Sp. z o.o."]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_files_tab(pilot, org_id)
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(scan))
        await pilot.press("tab")
        await ui.type_text(pilot, "skan umowy")

        def full_disk(*_args):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(attachments_module.os, "fsync", full_disk)
        await pilot.press("enter")
        await copies_done(pilot)
        monkeypatch.undo()
        dialog = app.screen
        assert isinstance(dialog, AttachDialog)
        assert "The disk is full" in str(dialog.query_one("#attach-error", Static).render())
        assert not any(field.disabled for field in dialog.query(Input))  # corrected and tried again
        assert dialog.query_one("#attach-path", Input).has_focus
        assert dialog.query_one("#attach-description", Input).value == "skan umowy"
        assert not dialog.query_one("#copy-progress").display
        assert stored(sample_db).list_of(org_id) == []
        assert everything_in(sample_db.parent / "crm-files") == []

        await pilot.press("enter")  # the disk has room again
        await copies_done(pilot)
        assert [r.description for r in stored(sample_db).list_of(org_id)] == ["skan umowy"]


async def test_escape_stops_an_export_and_keeps_the_file_it_would_replace(ui, sample_db, sample_ids, make_app,
                                                                         scan, small_chunks, tmp_path, monkeypatch):
    org_id = sample_ids["Alfa Sp. z o.o."]
    stored(sample_db).attach(org_id, scan, author="anna")
    out = tmp_path / "out"
    out.mkdir()
    (out / "skan.tif").write_bytes(b"mine")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_files_tab(pilot, org_id)
        gate = Gate(lambda done, total: done == total // 2)
        monkeypatch.setattr(app.attachments, "write_export", gate.wrap(app.attachments.write_export))
        await pilot.press("x")
        await ui.fill(pilot, "#export-path", str(out))
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)  # asked before anything is copied
        assert not gate.chunks
        await pilot.press("y")
        await until(pilot, gate.reached.is_set, "the export half way")
        await until(pilot, lambda: "50 %" in status(app), "the progress shown")
        assert isinstance(app.screen, ExportDialog) and app.screen.query_one("#export-path", Input).disabled

        await pilot.press("escape")
        gate.released.set()
        await copies_done(pilot)
        assert app.screen is card
        assert "Cancelled; nothing was exported." in ui.notifications(app)
        assert everything_in(out) == ["skan.tif"] and (out / "skan.tif").read_bytes() == b"mine"

        await pilot.press("x")  # a new export to a new name runs to the end
        await ui.fill(pilot, "#export-path", str(out / "kopia.tif"))
        await pilot.press("enter")
        await until(pilot, gate.reached.is_set, "the export under way")
        await copies_done(pilot)
        assert app.screen is card
        assert (out / "kopia.tif").read_bytes() == scan.read_bytes()
        assert everything_in(out) == ["kopia.tif", "skan.tif"]


async def test_attaching_the_same_file_again_says_when_it_was_attached_before(ui, sample_db, sample_ids, make_app,
                                                                              tmp_path):
    org_id = sample_ids["Alfa Sp. z o.o."]
    first = tmp_path / "umowa.pdf"
    first.write_bytes(CONTENT)
    again = tmp_path / "umowa-kopia.pdf"
    again.write_bytes(CONTENT)
    stored(sample_db).attach(org_id, first, author="ewa")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_files_tab(pilot, org_id)
        await pilot.press("n")
        await ui.fill(pilot, "#attach-path", str(again))
        await pilot.press("enter")
        await copies_done(pilot)
        assert any("The same file was attached already" in n and "“umowa.pdf”" in n for n in ui.notifications(app))
