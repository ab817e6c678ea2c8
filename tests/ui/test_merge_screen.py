"""The merge screen from the keyboard: survivor and winning values chosen with keys, the rule
questions answered in dialogs, ctrl+s confirmed; what was merged is read back from the file.

The screen is pushed directly (the contact list's Actions menu and the duplicate warning push
it the same way); data is set up through repositories before the app starts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from factories import admins_group, make_org, make_person
from textual.widgets import DataTable

from tui_crm.domain.activity import Activity, to_utc_text
from tui_crm.domain.contact import Email, Phone
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.permissions import EVERYONE, PermissionGroup
from tui_crm.store import ContactRepository, Database
from tui_crm.store.activities import ActivityRepository
from tui_crm.store.links import LinkRepository
from tui_crm.store.merge import MergeService
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.merge import MergeScreen
from tui_crm.ui.screens.options_menu import OptionsMenuScreen
from tui_crm.ui.screens.trash import TrashScreen


class Files:
    """Fresh repositories on the file: what another program reads from disk now."""

    def __init__(self, path: Path) -> None:
        self.contacts = ContactRepository(Database(path))
        self.links = LinkRepository(self.contacts)
        self.activities = ActivityRepository(self.contacts, self.links, self.contacts.history)


def person(path: Path, first: str, last: str, **extra):
    return Files(path).contacts.save(make_person(first, last, **extra), author="seed")


def organization(path: Path, name: str, **extra):
    return Files(path).contacts.save(make_org(name, **extra), author="seed")


def link(path: Path, who, org, **flags) -> None:
    Files(path).links.link(ContactPersonLink(who.id, org.id, **flags), author="seed")


async def until(pilot, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


async def open_merge(pilot, *contacts) -> MergeScreen:
    await pilot.pause()
    pilot.app.push_screen(MergeScreen([c.id for c in contacts]))
    await until(pilot, lambda: isinstance(pilot.app.screen, MergeScreen) and pilot.app.screen.plan is not None)
    await pilot.pause()
    return pilot.app.screen


def table_rows(screen: MergeScreen) -> dict[str, list[str]]:
    """Field label -> the cells shown for each contact (the winner starts with ●)."""
    table = screen.query_one(DataTable)
    rows = {}
    for index in range(table.row_count):
        label, *cells = (str(cell) for cell in table.get_row_at(index))
        rows[label] = [cell.strip() for cell in cells]
    return rows


def headers(screen: MergeScreen) -> list[str]:
    return [str(column.label) for column in screen.query_one(DataTable).ordered_columns]


async def confirm_merge(pilot) -> str:
    """ctrl+s, then y on the confirmation; returns its question."""
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    question = str(pilot.app.screen._question)
    await pilot.press("y")
    return question


# -- tests ---------------------------------------------------------------------------------


async def test_chosen_values_and_united_lists_are_saved_and_links_move(ui, db_path: Path, make_app) -> None:
    alfa = organization(db_path, "Alfa")
    anna = person(db_path, "Anna", "Nowak", position="Księgowa", phones=[Phone("+48601234567", whatsapp=True)],
                  tags=["VIP"])
    ania = person(db_path, "Ania", "Nowakowa", position="Główna księgowa",
                  phones=[Phone("601 234 567", sms=True), Phone("+48501000111")], emails=[Email("ania@firma.pl")],
                  tags=["hurt"])
    link(db_path, ania, alfa, role="Księgowa")
    files = Files(db_path)
    call = files.activities.save(Activity(counterparty_id=alfa.id, person_ids=[ania.id], employee="anna",
                                          planned_at=to_utc_text(datetime(2026, 11, 25, 9, tzinfo=UTC))),
                                 author="seed").activity

    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_merge(pilot, anna, ania)
        await pilot.press("s")  # which record stays: Anna (1)
        await until(pilot, lambda: isinstance(app.screen, OptionsMenuScreen))
        await pilot.press("1")
        await until(pilot, lambda: app.screen is screen)
        assert headers(screen)[1:] == ["1 ★ Anna Nowak", "2 Ania Nowakowa"]
        assert table_rows(screen) == {
            "First name": ["● Anna", "Ania"],
            "Last name": ["● Nowak", "Nowakowa"],
            "Position": ["● Księgowa", "Główna księgowa"],
        }
        await pilot.press("down", "2")  # last name: contact 2's
        await pilot.press("down", "right")  # position: the next contact's
        assert table_rows(screen)["Last name"] == ["Nowak", "● Nowakowa"]
        assert table_rows(screen)["Position"] == ["Księgowa", "● Główna księgowa"]
        lines = "\n".join(ui.screen_lines(app))
        assert "United: 2 phones · 1 e-mail · 2 tags" in lines
        assert "Moves to the survivor: 1 organization link · 1 activity" in lines
        assert "^s Merge" in lines and "s Survivor" in lines

        question = await confirm_merge(pilot)
        assert "2 contacts become one, “Anna Nowakowa”. 1 goes to the trash with a pointer to it" in question
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))
        assert app.screen.contact_id == anna.id
        assert MergeScreen not in {type(s) for s in app.screen_stack}

    after = Files(db_path)
    survivor, merged = after.contacts.get(anna.id), after.contacts.get(ania.id)
    assert (survivor.first_name, survivor.last_name, survivor.position) == ("Anna", "Nowakowa", "Główna księgowa")
    assert [(p.number, p.whatsapp, p.sms) for p in survivor.phones] == [
        ("+48601234567", True, True), ("+48501000111", False, False)]
    assert [e.address for e in survivor.emails] == ["ania@firma.pl"]
    assert survivor.tags == ["VIP", "hurt"]
    assert merged.deleted_at and merged.merged_into == anna.id
    assert (after.links.of_person(anna.id).organization_id, after.links.of_person(anna.id).role) == (alfa.id, "Księgowa")
    assert after.activities.get(call.id).person_ids == [anna.id]


async def test_persons_of_two_organizations_are_asked_which_one_stays(ui, db_path: Path, make_app) -> None:
    alfa, beta = organization(db_path, "Alfa"), organization(db_path, "Beta")
    anna, ania = person(db_path, "Anna", "Nowak"), person(db_path, "Anna", "Nowak")
    link(db_path, anna, alfa)
    link(db_path, ania, beta)

    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_merge(pilot, anna, ania)
        assert "All their fields are the same." in "\n".join(ui.screen_lines(app))
        survivor_id = screen.plan.survivor_id
        other_org = beta.id if survivor_id == anna.id else alfa.id
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, OptionsMenuScreen))
        assert "different organizations" in "\n".join(ui.screen_lines(app))
        await pilot.press("2")  # the other one's organization (the survivor's is listed first)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))

    after = Files(db_path)
    assert after.links.of_person(survivor_id).organization_id == other_org
    assert len(after.contacts.find()) == 3  # two organizations and one person


async def test_organizations_each_with_a_primary_ask_who_stays_primary(ui, db_path: Path, make_app) -> None:
    alfa, alfa2 = organization(db_path, "Alfa"), organization(db_path, "ALFA Sp. z o.o.", supplier=True)
    anna, bogdan = person(db_path, "Anna", "Nowak"), person(db_path, "Bogdan", "Zieliński")
    link(db_path, anna, alfa)
    link(db_path, bogdan, alfa2)

    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_merge(pilot, alfa, alfa2)
        await pilot.press("s", "1")  # Alfa stays
        await until(pilot, lambda: app.screen is screen and screen.plan.survivor_id == alfa.id)
        assert table_rows(screen)["Supplier"] == ["no", "● yes"]  # the empty value does not win by default
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, OptionsMenuScreen))
        assert "who stays primary" in "\n".join(ui.screen_lines(app))
        await pilot.press("2")  # Bogdan
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ContactCardScreen))

    after = Files(db_path)
    assert [(l.person_id, l.primary) for l in after.links.of_organization(alfa.id)] == [(bogdan.id, True), (anna.id, False)]
    assert after.contacts.get(alfa.id).supplier
    assert after.contacts.get(alfa2.id).merged_into == alfa.id


async def test_an_edit_by_another_session_before_the_merge_merges_nothing(ui, db_path: Path, make_app) -> None:
    anna, ania = person(db_path, "Anna", "Nowak"), person(db_path, "Ania", "Nowak")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_merge(pilot, anna, ania)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        other_session = Files(db_path).contacts
        edited = other_session.get(ania.id)
        edited.position = "Prezes"
        other_session.save(edited, author="piotr")
        await pilot.press("y")
        await until(pilot, lambda: any("changed by piotr" in n and "Nothing was merged" in n for n in ui.notifications(app)))
        assert app.screen is screen
        await until(pilot, lambda: "Position" in table_rows(screen))  # the screen shows the new value
        assert "Prezes" in table_rows(screen)["Position"][1]

    after = Files(db_path).contacts
    assert after.get(anna.id).deleted_at is None and after.get(ania.id).deleted_at is None
    assert after.get(anna.id).version == 1 and after.get(ania.id).merged_into is None


async def test_merging_needs_the_merge_permission(ui, db_path: Path, make_app) -> None:
    anna, ania = person(db_path, "Anna", "Nowak"), person(db_path, "Ania", "Nowak")
    PermissionRepository(SettingsRepository(Database(db_path))).change(
        lambda _old: [PermissionGroup(EVERYONE, (), frozenset({"delete"})), admins_group()], author="admin")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_merge(pilot, anna, ania)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Merge contacts" in n and "Permission groups" in n for n in ui.notifications(app))
        assert app.screen is screen
    assert Files(db_path).contacts.get(ania.id).deleted_at is None


async def test_a_person_and_an_organization_cannot_be_merged(ui, db_path: Path, make_app) -> None:
    anna, alfa = person(db_path, "Anna", "Nowak"), organization(db_path, "Alfa")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        app.push_screen(MergeScreen([anna.id, alfa.id]))
        await until(pilot, lambda: any("person cannot be merged" in n for n in ui.notifications(app)))
        await until(pilot, lambda: not isinstance(app.screen, MergeScreen))


async def test_escape_leaves_without_merging(ui, db_path: Path, make_app) -> None:
    anna, ania = person(db_path, "Anna", "Nowak"), person(db_path, "Ania", "Nowak")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_merge(pilot, anna, ania)
        await pilot.press("right", "escape")
        await until(pilot, lambda: not isinstance(app.screen, MergeScreen))
    assert Files(db_path).contacts.get(ania.id).deleted_at is None


async def test_the_trash_says_what_a_merged_contact_was_merged_into(ui, db_path: Path, make_app) -> None:
    anna, ania = person(db_path, "Anna", "Nowak"), person(db_path, "Ania", "Nowak")
    files = Files(db_path)
    MergeService(files.contacts, files.links, files.activities).merge(
        anna.id, [ania.id], {}, author="seed", expected_versions={anna.id: 1, ania.id: 1})
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        app.push_screen(TrashScreen())
        await until(pilot, lambda: isinstance(app.screen, TrashScreen))
        await pilot.pause()
        assert str(app.screen.query_one(DataTable).get_row_at(0)[0]) == "Ania Nowak (merged into Anna Nowak)"
