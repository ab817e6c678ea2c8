"""Import from the keyboard: Actions menu → Import…, type the path, see the preview (counts and
the skipped/failed records with their reason), ctrl+s imports; a CSV's columns are mapped to
fields with the keyboard and the mapping is remembered for the next file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select, Static

from tui_crm.store import ContactRepository, Database
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.app import CrmApp
from tui_crm.ui.screens.exchange import MAPPING_SETTING, ImportScreen

VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Kowalski\r\nN:Kowalski;Jan;;;\r\n"
    "EMAIL:jan.kowalski@example.pl\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Nowak\r\nN:Nowak;Anna;;;\r\n"
    "EMAIL:anna.nowak@example.com\r\nTEL:+48501000111\r\nEND:VCARD\r\n"
)
#: "Correo" and "Ciudad" are no names the guess knows: the user maps them
CSV_HEADER = "Given Name,Surname,Correo,Ciudad\r\n"


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def settle(pilot) -> None:
    """After the preview's short delay, the background worker and the screen update."""
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_import(ui, pilot, path: Path) -> ImportScreen:
    await pilot.press("a", "i")
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    await ui.type_text(pilot, str(path))
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def test_vcard_preview_then_import_skips_the_duplicate(ui, sample_db, make_app, tmp_path) -> None:
    cards = tmp_path / "new.vcf"
    cards.write_text(VCARDS, encoding="utf-8")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_import(ui, pilot, cards)
        assert text_of(app, "#import-status") == "vCard file."
        assert text_of(app, "#import-summary").startswith("Would import 1, skip 1, 0 failed")
        report = text_of(app, "#import-report-lines")
        assert "line 7: would skip Anna Nowak: Likely duplicate of Anna Nowak" in report
        assert "Jan Kowalski" not in {c.display_name for c in map(ui.reopen(sample_db).get, ui.reopen(sample_db).find())}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#import-summary") == "Imported 1, skipped 1, 0 failed."
        assert "skipped Anna Nowak" in text_of(app, "#import-report-lines")
        await pilot.press("escape")
        assert not isinstance(app.screen, ImportScreen)
    names = [c.display_name for c in map(ui.reopen(sample_db).get, ui.reopen(sample_db).find())]
    assert names.count("Jan Kowalski") == 1
    assert names.count("Anna Nowak") == 1  # the duplicate was not added


async def test_clear_errors_for_a_missing_or_unknown_file(ui, sample_db, make_app, tmp_path) -> None:
    odd = tmp_path / "picture.bin"
    odd.write_bytes(b"\x89PNG\x00\x01\x02")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_import(ui, pilot, tmp_path / "nothing.vcf")
        assert text_of(app, "#import-status") == f"No file at {tmp_path / 'nothing.vcf'}."
        await ui.fill(pilot, "#import-path", str(odd))
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#import-status").startswith("Unknown format")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Give a file first: type its path and press enter." in ui.notifications(app)
    assert len(ui.reopen(sample_db).find()) == 4


async def test_an_empty_file_or_a_stray_carriage_return_is_explained_not_a_crash(ui, sample_db, make_app,
                                                                                  tmp_path) -> None:
    empty, stray = tmp_path / "empty.csv", tmp_path / "stray.csv"
    empty.write_bytes(b"")
    # a lone CR (an old Mac file, or one pasted into a cell) ends a line like LF does
    stray.write_bytes(b"first_name,last_name\rJan,Kowalski\rAnna,Wi\xc5\x9bniewska\r")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_import(ui, pilot, empty)
        assert text_of(app, "#import-status").startswith("No contacts found in the file")
        assert not screen.query_one("#import-progress").display
        await ui.fill(pilot, "#import-path", str(stray))
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#import-status") == "CSV file, 2 columns."
        assert text_of(app, "#import-summary").startswith("Would import 2, skip 0, 0 failed")
        await pilot.press("ctrl+s")
        await settle(pilot)
    names = {c.display_name for c in map(ui.reopen(sample_db).get, ui.reopen(sample_db).find())}
    assert {"Jan Kowalski", "Anna Wiśniewska"} <= names


async def test_read_only_database_refuses_to_import(ui, sample_db, tmp_path) -> None:
    cards = tmp_path / "new.vcf"
    cards.write_text(VCARDS, encoding="utf-8")
    app = CrmApp(ContactRepository(Database(sample_db, read_only=True)), user=ui.USER)
    app.animation_level = "none"
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_import(ui, pilot, cards)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "This database is read-only: nothing can be imported." in ui.notifications(app)
    assert len(ui.reopen(sample_db).find()) == 4


async def test_csv_columns_are_mapped_with_the_keyboard_and_remembered(ui, sample_db, make_app, tmp_path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(CSV_HEADER + "Ewa,Zielińska,ewa@example.pl,Gdańsk\r\n", encoding="utf-8")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_import(ui, pilot, first)
        assert text_of(app, "#import-status") == "CSV file, 4 columns."
        assert [screen.query_one(f"#map-{n}", Select).value for n in range(4)] == ["first_name", "last_name", "", ""]
        await pilot.press("tab", "tab", "tab", "tab")  # path → duplicates → Given Name → Surname → Correo
        assert app.focused is screen.query_one("#map-2", Select)
        await pilot.press("enter")
        await ui.type_text(pilot, "emails")
        await pilot.press("enter")
        assert screen.query_one("#map-2", Select).value == "emails"
        await settle(pilot)
        assert text_of(app, "#import-summary").startswith("Would import 1, skip 0, 0 failed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#import-summary") == "Imported 1, skipped 0, 0 failed."
    ewa = ui.by_name(ui.reopen(sample_db), "Ewa Zielińska")
    assert [e.address for e in ewa.emails] == ["ewa@example.pl"]
    assert ewa.addresses == []  # Ciudad stayed ignored
    remembered = SettingsRepository(Database(sample_db)).get(MAPPING_SETTING)
    assert remembered["Correo"] == "emails" and remembered["Ciudad"] == ""

    second = tmp_path / "second.csv"
    second.write_text(CSV_HEADER + "Olga,Mazur,olga@example.pl,Kraków\r\n", encoding="utf-8")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_import(ui, pilot, second)
        assert screen.query_one("#map-2", Select).value == "emails"  # remembered from the last import


async def test_merge_into_the_existing_contact_is_chosen_with_the_keyboard(ui, sample_db, make_app, tmp_path) -> None:
    cards = tmp_path / "new.vcf"
    cards.write_text(VCARDS.replace("anna.nowak@example.com", "anna@nowak.pl"), encoding="utf-8")  # a new e-mail
    before = ui.by_name(ui.reopen(sample_db), "Anna Nowak")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_import(ui, pilot, cards)
        await pilot.press("tab")  # path → duplicates
        assert app.focused is screen.query_one("#import-duplicates", Select)
        await pilot.press("enter")
        await ui.type_text(pilot, "merge")
        await pilot.press("enter")
        assert screen.query_one("#import-duplicates", Select).value == "merge"
        await settle(pilot)
        assert text_of(app, "#import-summary").startswith("Would import 1, merge 1 into existing contacts, skip 0")
        assert "line 7: would merge Anna Nowak into #" in text_of(app, "#import-report-lines")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#import-summary") == "Imported 1, merged 1 into existing contacts, skipped 0, 0 failed."
    anna = ui.by_name(ui.reopen(sample_db), "Anna Nowak")
    assert anna.id == before.id and anna.version == before.version + 1
    assert [e.address for e in anna.emails] == ["anna.nowak@example.com", "anna@nowak.pl"]


async def test_merging_on_import_needs_the_merge_permission(ui, sample_db, make_app, tmp_path) -> None:
    from factories import admins_group

    from tui_crm.domain.permissions import DELETE, EVERYONE, PermissionGroup
    from tui_crm.store import Database
    from tui_crm.store.permissions import PermissionRepository
    from tui_crm.store.settings import SettingsRepository

    PermissionRepository(SettingsRepository(Database(sample_db))).change(
        lambda _old: [PermissionGroup(EVERYONE, (), frozenset({DELETE})), admins_group()], author="admin")
    cards = tmp_path / "new.vcf"
    cards.write_text(VCARDS.replace("anna.nowak@example.com", "anna@nowak.pl"), encoding="utf-8")
    before = ui.reopen(sample_db).count()
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_import(ui, pilot, cards)
        await pilot.press("tab", "enter")
        await ui.type_text(pilot, "merge")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("Merge contacts" in n for n in ui.notifications(app))
        assert app.screen is screen
    assert ui.reopen(sample_db).count() == before  # nothing imported, nothing merged
