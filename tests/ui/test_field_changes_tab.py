"""The contact card's Field changes tab (6): every changed field, newest first, old → new in
words, narrowed to one field with f; fast with thousands of changes."""

from __future__ import annotations

import re
import time
from dataclasses import replace

from textual.widgets import OptionList, Static, TabbedContent

from tui_crm.domain.contact import Phone
from tui_crm.domain.operators import Operator
from tui_crm.store import create_database
from tui_crm.store.operators import OperatorRepository
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.options_menu import OptionsMenuScreen
from tui_crm.ui.widgets.field_changes import ChangesTable, FieldChanges

COLUMNS = ("when", "who", "action", "field", "change")


def rows(card: ContactCardScreen) -> list[dict[str, str]]:
    """What the tab's rows say, column by column, top to bottom."""
    changes = card.query_one(FieldChanges)
    table = changes.table
    return [dict(zip(COLUMNS, changes._cells(key), strict=True)) for key in table.row_keys]


def hint(card: ContactCardScreen) -> str:
    return str(card.query_one(".changes-hint", Static).render())


def detail(card: ContactCardScreen) -> str:
    return str(card.query_one(".changes-detail", Static).render())


async def open_changes(pilot, contact_id: int) -> ContactCardScreen:
    await pilot.app.push_screen(ContactCardScreen(contact_id))
    await pilot.pause()
    card = pilot.app.screen
    await pilot.press("6")
    assert card.query_one(TabbedContent).active == "changes"
    assert card.query_one(ChangesTable).has_focus
    return card


async def test_form_and_repository_edits_are_listed_newest_first(ui, sample_db, sample_ids, make_app):
    OperatorRepository(ui.reopen(sample_db).database).save(Operator("anna", "Anna Admin"), author="seed", new=True)
    anna_id = sample_ids["Anna Nowak"]
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_changes(pilot, anna_id)
        assert [(r["who"], r["action"], r["field"]) for r in rows(card)] == [("seed", "created", "—")]

        # an edit through the form...
        await pilot.press("e")
        assert isinstance(app.screen, ContactFormScreen)
        await ui.fill(pilot, "#last_name", "Nowak-Kowalska")
        await ui.fill(pilot, "#tags", "hurt, nowy")
        await pilot.press("ctrl+s")
        assert app.screen is card and card.query_one(TabbedContent).active == "changes"

        # ...and one by another session, which the card picks up by itself
        other = ui.reopen(sample_db)
        anna = other.get(anna_id)
        other.save(replace(anna, supplier=True, discount=12.5,
                           phones=[*anna.phones, Phone("+48601234567", "work", sms=True)]), author="anna")
        app.poll_database()
        await pilot.pause()

        shown = rows(card)
        assert [(r["who"], r["action"], r["field"]) for r in shown] == [
            ("Anna Admin", "changed", "Discount"),
            ("Anna Admin", "changed", "Phones"),
            ("Anna Admin", "changed", "Supplier"),
            ("tester", "changed", "Last name"),
            ("tester", "changed", "Tags"),
            ("seed", "created", "—"),
        ]
        assert [r["change"] for r in shown[:5]] == [
            "0 % → 12.5 %",
            "501 000 111 (mobile) → 501 000 111 (mobile); 601 234 567 (work, SMS)",
            "no → yes",
            "Nowak → Nowak-Kowalska",
            "hurt → hurt, nowy",
        ]
        assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", shown[0]["when"])  # local date and time
        assert hint(card).startswith("6 changes, newest first")
        screen = "\n".join(ui.screen_lines(app))
        assert "Nowak → Nowak-Kowalska" in screen
        # the cursor stayed on the line it was on; the line under the table shows it in full
        assert card.query_one(ChangesTable).cursor_row == 5 and detail(card) == "seed created"
        await pilot.press("home", "down")
        assert detail(card) == "Phones: 501 000 111 (mobile) → 501 000 111 (mobile); 601 234 567 (work, SMS)"

        # f: only the changes of one field (those that appear are offered)
        await pilot.press("f")
        menu = app.screen
        assert isinstance(menu, OptionsMenuScreen)
        options = menu.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt).strip() for i in range(options.option_count)]
        assert labels == ["✓  All fields", "Discount", "Last name", "Phones", "Supplier", "Tags"]
        await pilot.press("down", "down", "enter")
        assert app.screen is card
        assert [(r["field"], r["change"]) for r in rows(card)] == [("Last name", "Nowak → Nowak-Kowalska")]
        assert "field: Last name" in hint(card) and hint(card).startswith("1 change,")

        # the filter stays while the data changes, and all fields come back from the menu
        other.add_note(anna_id, "Prosi o ofertę", author="anna")
        app.poll_database()
        await pilot.pause()
        assert [r["field"] for r in rows(card)] == ["Last name"]
        await pilot.press("f", "enter")
        shown = rows(card)
        assert (shown[0]["action"], shown[0]["field"], shown[0]["change"]) == ("note added", "Notes", "Prosi o ofertę")
        assert len(shown) == 7

    # what the tab showed is what the file holds
    entries = ui.reopen(sample_db).history.of("contact", anna_id)
    assert [e.author for e in entries] == ["anna", "anna", ui.USER, "seed"]
    assert [(c.field, c.old, c.new) for c in entries[2].changes] == [
        ("last_name", "Nowak", "Nowak-Kowalska"), ("tags", ["hurt"], ["hurt", "nowy"])]


async def test_trash_restore_and_consents_read_as_words(ui, sample_db, sample_ids, make_app):
    lukasz_id = sample_ids["Łukasz Wójcik"]
    other = ui.reopen(sample_db)
    lukasz = other.get(lukasz_id)
    other.save(replace(lukasz, consents={"email": "2025-03-01", "sms": "2025-04-02"}, tags=[]), author="anna")
    other.delete(lukasz_id, author="anna")
    other.restore(lukasz_id, author="piotr")
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        card = await open_changes(pilot, lukasz_id)
        shown = rows(card)
        assert [(r["who"], r["action"], r["field"]) for r in shown] == [
            ("piotr", "restored", "—"), ("anna", "moved to the trash", "—"), ("anna", "changed", "Consents"),
            ("anna", "changed", "Tags"), ("seed", "created", "—")]
        assert shown[2]["change"] == "e-mail since 1 Mar 2025 → e-mail since 1 Mar 2025, SMS since 2 Apr 2025"
        assert shown[3]["change"] == "VIP → —"
        await pilot.press("down")
        assert detail(card) == "anna moved to the trash"


async def test_thousands_of_changes_show_at_once(ui, tmp_path, make_app):
    """5,000 saves of one contact (10,000 changed fields): the tab opens in well under a second."""
    path = tmp_path / "busy.json"
    history = []
    for n in range(5000):
        at = f"2025-{1 + n // 500:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+00:00"
        history.append({"entity": "contact", "entity_id": 1, "at": at, "author": "anna", "action": "edited",
                        "changes": [["position", f"P{n}", f"P{n + 1}"], ["discount", n, n + 1]]})
    create_database(path, {"contacts": [{"kind": "person", "first_name": "Jan", "last_name": "Busy", "version": 5001}],
                           "history": history})
    app = make_app(path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await app.push_screen(ContactCardScreen(1))
        await pilot.pause()
        card = app.screen
        started = time.perf_counter()
        await pilot.press("6")
        elapsed = time.perf_counter() - started
        changes = card.query_one(FieldChanges)
        assert changes.table.row_count == 10_000
        assert hint(card).startswith("10,000 changes, newest first")
        newest = max(entry["at"] for entry in history)
        assert changes.shown[0].entry.at == newest
        assert any("P" in line and "→" in line for line in ui.screen_lines(app))
        assert elapsed < 1.5, elapsed
        started = time.perf_counter()
        await pilot.press("end", "f", "down", "down", "enter")  # discount, position: position
        assert changes.table.row_count == 5000
        assert time.perf_counter() - started < 1.5
