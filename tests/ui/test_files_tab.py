"""A contact card's Files tab at 80x24: attach a file by typing its path, see it listed, export
a copy (asked before replacing), look at its details, delete it and restore it from the trash.
What the app did is read back from the file through a fresh repository."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import DataTable, Input, TabbedContent

from tui_crm.store import Database
from tui_crm.store.attachments import AttachmentRepository
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.widgets.files_panel import (
    AttachDialog,
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
        assert "n Attach" in footer and "x Export" in footer and "d Delete file" in footer and "f1" in footer
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
        assert app.screen is card
        assert rows(card)[0][:2] == ["umowa.pdf", "4.9 KB"]
        assert rows(card)[0][3:] == [ui.USER, "Umowa serwisowa 2…"]  # cut to fit 80 columns
        assert any("umowa.pdf" in line and "4.9 KB" in line for line in ui.screen_lines(app))
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
