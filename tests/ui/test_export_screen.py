"""Export from the keyboard: Actions menu → Export…, choose what (the list, the basket, a tag)
and the format, type the file name, ctrl+s writes it; an existing file is overwritten only
after the user says yes."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.exchange import ExportScreen


def result_text(app) -> str:
    return str(app.screen.query_one("#export-result", Static).render())


async def finish(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_export(pilot) -> ExportScreen:
    await pilot.press("a", "x")
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def choose(ui, pilot, select_id: str, search: str) -> None:
    """Open the Select with enter, type to find the option, enter takes it."""
    pilot.app.screen.query_one(select_id, Select).focus()
    await pilot.press("enter")
    await ui.type_text(pilot, search)
    await pilot.press("enter")


async def test_the_basket_is_exported_and_an_existing_file_asks_first(ui, sample_db, sample_ids, make_app,
                                                                      tmp_path) -> None:
    target = tmp_path / "basket.vcf"
    app = make_app(sample_db)
    app.baskets.add(ui.USER, [sample_ids["Anna Nowak"], sample_ids["Łukasz Wójcik"]])
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_export(pilot)
        await choose(ui, pilot, "#export-what", "basket")
        assert screen.query_one("#export-what", Select).value == "basket"
        await ui.fill(pilot, "#export-path", str(target))
        await pilot.press("ctrl+s")
        await finish(pilot)
        assert result_text(app) == f"Exported 2 contacts to {target}."
        written = target.read_text(encoding="utf-8")
        assert "FN:Anna Nowak" in written and "FN:Łukasz Wójcik" in written and "Żuraw" not in written

        target.write_text("keep me", encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await finish(pilot)
        assert target.read_text(encoding="utf-8") == "keep me"
        assert result_text(app) == "Not exported: the file was left as it was."

        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await finish(pilot)
        assert "FN:Anna Nowak" in target.read_text(encoding="utf-8")


async def test_a_tag_to_csv_and_the_shown_list(ui, sample_db, make_app, tmp_path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("3")  # organizations only: the list shows two
        screen = await open_export(pilot)
        assert screen.query_one("#export-what", Select).value == "list"
        await choose(ui, pilot, "#export-format", "csv")
        assert screen.query_one("#export-path", Input).value.endswith("contacts.csv")  # follows the format
        listed = tmp_path / "orgs.csv"
        await ui.fill(pilot, "#export-path", str(listed))
        await pilot.press("enter")  # enter in the file name exports too
        await finish(pilot)
        rows = listed.read_text(encoding="utf-8").splitlines()
        assert len(rows) == 3 and "Alfa Sp. z o.o." in rows[1] + rows[2]

        await choose(ui, pilot, "#export-what", "tag")
        await ui.fill(pilot, "#export-tag", "vip")
        tagged = tmp_path / "vip.csv"
        await ui.fill(pilot, "#export-path", str(tagged))
        await pilot.press("ctrl+s")
        await finish(pilot)
        text = tagged.read_text(encoding="utf-8")
        assert "Wójcik" in text and "Żuraw" in text and "Nowak" not in text

        await ui.fill(pilot, "#export-path", str(tmp_path / "no-such-dir" / "x.csv"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert result_text(app) == f"No folder {tmp_path / 'no-such-dir'}."


async def test_the_file_names_extension_decides_the_format_and_a_relative_name_is_reported_in_full(
        ui, sample_db, make_app, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_export(pilot)
        assert screen.query_one("#export-format", Select).value == "vcf3"
        await ui.fill(pilot, "#export-path", "kontakty.csv")  # vCard chosen, but the name says CSV
        await pilot.press("ctrl+s")
        await finish(pilot)
        assert screen.query_one("#export-format", Select).value == "csv"
        assert result_text(app).endswith(f"to {tmp_path / 'kontakty.csv'}.")
        assert not screen.query_one("#export-progress").display
    assert (tmp_path / "kontakty.csv").read_text(encoding="utf-8").startswith("kind,")
