"""The documents screen, from the keyboard: generate a template for an organization with a
representative, see the document listed, change the templates folder, and a broken template
that says where it is broken and writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from factories import make_org, make_person
from textual.widgets import OptionList

from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.store import ContactRepository, Database
from tui_crm.store.documents import DocumentRepository
from tui_crm.store.links import LinkRepository
from tui_crm.store.settings import SettingsRepository
from tui_crm.ui.screens.documents import DocumentsScreen, FolderScreen


@pytest.fixture
def org_id(db_path: Path) -> int:
    contacts = ContactRepository(Database(db_path))
    links = LinkRepository(contacts)
    org = contacts.save(make_org("Hurtownia Łódź"), author="seed")
    prezes = contacts.save(make_person("Żaneta", "Gęślak", position="Prezes zarządu"), author="seed")
    zakupy = contacts.save(make_person("Jan", "Kowalski"), author="seed")
    links.link(ContactPersonLink(zakupy.id, org.id, role="Zakupy"), author="seed")
    links.link(ContactPersonLink(prezes.id, org.id, role="Zarząd", may_represent=True), author="seed")
    return org.id


@pytest.fixture
def templates(tmp_path: Path, db_path: Path) -> Path:
    folder = tmp_path / "szablony"
    folder.mkdir()
    (folder / "a-pismo.md").write_text(
        "Pismo do {{ organization.name }}\nPodpisuje: {{ representative.full_name }}, {{ representative.position }}\n",
        encoding="utf-8",
    )
    (folder / "b-zepsuty.md").write_text("Linia 1\nLinia 2\n{{ reprezentant.imie }}\n", encoding="utf-8")
    SettingsRepository(Database(db_path)).set("templates_folder", str(folder), author="seed")
    return folder


def template_names(screen: DocumentsScreen) -> list[str]:
    return [str(option.prompt) for option in screen.query_one("#templates", OptionList).options]


def generated_lines(screen: DocumentsScreen) -> list[str]:
    return [str(option.prompt) for option in screen.query_one("#generated", OptionList).options]


async def open_documents(pilot, org_id: int) -> DocumentsScreen:
    await pilot.app.push_screen(DocumentsScreen(org_id))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DocumentsScreen)
    return screen


async def test_enter_generates_the_document_with_the_representative(ui, db_path, org_id, templates, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_documents(pilot, org_id)
        assert template_names(screen) == ["a-pismo.md", "b-zepsuty.md"]
        assert generated_lines(screen) == ["No documents generated for this organization yet."]
        assert any("Documents of Hurtownia Łódź" in line for line in ui.screen_lines(app))
        assert any("Generate" in line for line in ui.screen_lines(app))  # the footer hint

        await pilot.press("enter")

        output = db_path.parent / "crm-documents"  # the default: beside the database
        written = sorted(output.iterdir())
        assert [p.name for p in written] == [f"a-pismo-hurtownia-lodz-{date.today().isoformat()}.md"]
        text = written[0].read_text(encoding="utf-8")
        assert text == "Pismo do Hurtownia Łódź\nPodpisuje: Żaneta Gęślak, Prezes zarządu\n"
        assert any(str(written[0]) in line for line in generated_lines(screen))
        assert any("Document written" in message for message in ui.notifications(app))

        await pilot.press("enter")  # again: a second file, the first one stays
        assert len(list(output.iterdir())) == 2
        assert written[0].read_text(encoding="utf-8") == text

    recorded = DocumentRepository(Database(db_path)).of_organization(org_id)
    assert [d.template for d in recorded] == ["a-pismo.md", "a-pismo.md"]
    assert all(d.created_by == ui.USER for d in recorded)


async def test_a_broken_template_shows_the_line_and_writes_nothing(ui, db_path, org_id, templates, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_documents(pilot, org_id)
        await pilot.press("down", "enter")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [n.message for n in errors] == ["Template “b-zepsuty.md”, line 3: unknown variable “reprezentant”"]
        assert not (db_path.parent / "crm-documents").exists()
        assert generated_lines(screen) == ["No documents generated for this organization yet."]
    assert DocumentRepository(Database(db_path)).of_organization(org_id) == []


async def test_f_changes_the_templates_folder(ui, db_path, org_id, tmp_path, make_app) -> None:
    other = tmp_path / "inne"
    other.mkdir()
    (other / "umowa.html").write_text("<p>{{ organization.name }}</p>", encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        screen = await open_documents(pilot, org_id)
        assert "pelnomocnictwo.md" in template_names(screen)  # the shipped examples by default

        await pilot.press("f")
        assert isinstance(app.screen, FolderScreen)
        await ui.fill(pilot, "#folder", str(tmp_path / "nie-ma"))
        await pilot.press("enter")
        assert isinstance(app.screen, FolderScreen)  # refused: no such folder
        assert "There is no folder" in ui.static_text(app.screen.query_one("#folder-error"))

        await ui.fill(pilot, "#folder", str(other))
        await pilot.press("enter")
        assert app.screen is screen
        assert template_names(screen) == ["umowa.html"]

    assert SettingsRepository(Database(db_path)).get("templates_folder") == str(other.resolve())



async def test_g_on_an_organization_card_opens_the_documents_and_not_on_a_person(tmp_path):
    from factories import make_org, make_person

    from tui_crm.store import ContactRepository, Database
    from tui_crm.ui.app import CrmApp
    from tui_crm.ui.screens.contact_card import ContactCardScreen
    from tui_crm.ui.screens.documents import DocumentsScreen

    path = tmp_path / "crm.json"
    repo = ContactRepository(Database(path))
    org = repo.save(make_org("Hurtownia Łódź"), author="a")
    person = repo.save(make_person(), author="a")
    app = CrmApp.open(path, user="anna")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ContactCardScreen(person.id))
        await pilot.pause()
        await pilot.press("g")
        assert isinstance(app.screen, ContactCardScreen)
        app.push_screen(ContactCardScreen(org.id))
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
