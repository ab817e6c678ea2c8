"""Bulk edit from the keyboard: tick or type the fields to change, the preview counts the
contacts that will change, ctrl+s saves them and lists the ones skipped (changed meanwhile by
someone else, or not valid after the change) with the reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual.widgets import Checkbox, Select, Static

from tui_crm.domain.contact import Address
from tui_crm.store import ContactRepository, Database
from tui_crm.ui.screens.bulk_edit import BulkEditScreen, BulkResultScreen
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_list import ContactListScreen

ALFA, ANNA, LUKASZ, ZURAW = "Alfa Sp. z o.o.", "Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"
ROW = {ALFA: 0, ANNA: 1, LUKASZ: 2, ZURAW: 3}


async def open_bulk_edit(pilot, *names: str) -> BulkEditScreen:
    """Mark ``names`` in the list and choose Bulk edit in the Actions menu."""
    for name in names:
        await pilot.press("home", *["down"] * ROW[name], "space")
    await pilot.press("a", "e")
    assert isinstance(pilot.app.screen, BulkEditScreen)
    return pilot.app.screen


async def preview_text(pilot) -> str:
    """The preview line once the count (a background worker, after a short pause) is done."""
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return str(pilot.app.screen.query_one("#preview", Static).render())


def result_lines(app) -> tuple[str, str]:
    screen = app.screen
    assert isinstance(screen, BulkResultScreen)
    skipped = screen.query("#skipped-list")
    return (str(screen.query_one("#saved-count", Static).render()),
            str(skipped.first().render()) if skipped else "")


async def test_only_the_touched_fields_change_and_the_result_counts_them(ui, sample_db, sample_ids, make_app) -> None:
    before = {name: ui.reopen(sample_db).get(i) for name, i in sample_ids.items()}
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_bulk_edit(pilot, ANNA, LUKASZ)
        assert await preview_text(pilot) == "Nothing to change yet: tick a field, choose a value or type tags."
        await ui.fill(pilot, "#account_manager", "piotr")
        assert screen.query_one("#touch-account_manager", Checkbox).value  # typing ticked it
        await ui.fill(pilot, "#tags_add", "nowy, VIP")
        await ui.fill(pilot, "#tags_remove", "hurt")
        screen.query_one("#supplier", Select).value = "yes"
        screen.query_one("#consent-sms", Select).value = "yes"
        screen.query_one("#touch-city", Checkbox).focus()
        await pilot.press("space")  # ticked and left empty: the city is cleared
        assert await preview_text(pilot) == "2 of 2 contacts will change."
        await pilot.press("ctrl+s")
        assert result_lines(app) == ("2 contacts saved.", "")
        await pilot.press("escape")
        assert await preview_text(pilot) == "0 of 2 contacts will change."  # done: a second apply changes nothing
        await pilot.press("escape")  # nothing unsaved: straight back to the list
        assert isinstance(app.screen, ContactListScreen)

    repo = ui.reopen(sample_db)
    anna, lukasz = repo.get(sample_ids[ANNA]), repo.get(sample_ids[LUKASZ])
    today = date.today().isoformat()
    assert (anna.account_manager, anna.tags, anna.supplier, anna.consents) == ("piotr", ["nowy", "VIP"], True, {"sms": today})
    assert (lukasz.account_manager, lukasz.tags, lukasz.supplier) == ("piotr", ["VIP", "nowy"], True)
    assert lukasz.consents == {"email": "2025-03-01", "sms": today}  # the e-mail consent keeps its date
    assert lukasz.addresses == [Address("ul. Piotrkowska 100", "90-001", "", "PL")]
    assert anna.addresses == []  # she had none: an empty one is not added
    for name, contact in ((ANNA, anna), (LUKASZ, lukasz)):
        untouched = ("first_name", "last_name", "position", "phones", "emails", "discount", "source", "notes")
        assert [getattr(contact, f) for f in untouched] == [getattr(before[name], f) for f in untouched]
        assert (contact.version, contact.updated_by) == (before[name].version + 1, ui.USER)
    assert repo.get(sample_ids[ALFA]) == before[ALFA]
    latest = repo.history.of("contact", anna.id)[0]
    assert (latest.action, latest.author) == ("bulk_edited", ui.USER)


async def test_a_contact_changed_meanwhile_is_skipped_named_with_the_reason_and_can_be_retried(
        ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_bulk_edit(pilot, ALFA, ANNA)
        await ui.fill(pilot, "#account_manager", "kasia")
        assert await preview_text(pilot) == "2 of 2 contacts will change."
        other = ContactRepository(Database(sample_db))  # another session saves Anna after the preview
        other.save(replace(other.get(sample_ids[ANNA]), position="Księgowa"), author="piotr")

        await pilot.press("ctrl+s")
        assert result_lines(app) == ("1 contact saved.", f"• {ANNA}: piotr changed it meanwhile.")
        await pilot.press("escape")
        assert await preview_text(pilot) == "1 of 2 contacts will change."  # counted on piotr's version
        await pilot.press("ctrl+s")
        assert result_lines(app) == ("1 contact saved.", "")

    repo = ui.reopen(sample_db)
    anna = repo.get(sample_ids[ANNA])
    assert (anna.position, anna.account_manager, anna.version) == ("Księgowa", "kasia", 3)  # both kept
    assert repo.get(sample_ids[ALFA]).account_manager == "kasia"


async def test_invalid_values_skip_the_contact_and_contradictions_are_refused(ui, sample_db, sample_ids, make_app) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_bulk_edit(pilot, ALFA)
        await ui.fill(pilot, "#tags_add", "VIP")
        await ui.fill(pilot, "#tags_remove", "vip")
        await preview_text(pilot)
        error = screen.query_one("#bulk-error", Static)
        assert error.display and "both added and removed" in str(error.render())
        await pilot.press("ctrl+s")
        assert app.screen is screen  # nothing applied
        await ui.fill(pilot, "#tags_remove", "")
        await ui.fill(pilot, "#postal_code", "abc")
        assert await preview_text(pilot) == "1 of 1 contact will change."
        await pilot.press("ctrl+s")
        assert result_lines(app) == ("0 contacts saved.", f"• {ALFA}: Enter the postal code as 00-000.")
        await pilot.press("escape", "escape")  # the edit was not saved: leaving asks first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert isinstance(app.screen, ContactListScreen)
    alfa = ui.reopen(sample_db).get(sample_ids[ALFA])
    assert (alfa.tags, alfa.version) == ([], 1)
