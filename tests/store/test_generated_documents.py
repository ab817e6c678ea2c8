"""Generating a document writes a whole new file or nothing, and is recorded per organization."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from factories import make_org

from tui_crm.domain.documents import SHIPPED_TEMPLATES, TemplateProblem, build_context
from tui_crm.store import Database, ReadOnlyError
from tui_crm.store.documents import (
    DocumentError,
    DocumentRepository,
    default_documents_folder,
    documents_folder,
    generate_document,
    templates_folder,
)
from tui_crm.store.settings import SettingsRepository

TODAY = date(2026, 11, 25)


@pytest.fixture
def context() -> dict:
    return build_context(make_org("Hurtownia Łódź", id=1), [], {}, "anna", TODAY)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    folder = tmp_path / "szablony"
    folder.mkdir()
    path = folder / "umowa.md"
    path.write_text("Umowa z {{ organization.name }}\n", encoding="utf-8")
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "dokumenty"
    folder.mkdir()
    return folder


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())  # hidden temporary files included


def test_writes_the_rendered_document(template, out, context) -> None:
    path = generate_document(template, out, context)
    assert path == out / "umowa-hurtownia-lodz-2026-11-25.md"
    assert path.read_text(encoding="utf-8") == "Umowa z Hurtownia Łódź\n"
    assert files(out) == [path.name]


def test_a_failing_template_writes_nothing(template, out, context) -> None:
    template.write_text("Umowa\n" + "x" * 100_000 + "\n{{ nieznana }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        generate_document(template, out, context)
    assert caught.value.line == 3
    assert files(out) == []


def test_a_failing_write_leaves_no_file(template, out, context, monkeypatch) -> None:
    def full_disk(fd, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(DocumentError, match="disk is full"):
        generate_document(template, out, context)
    assert files(out) == []


def test_never_overwrites_an_existing_file(template, out, context) -> None:
    existing = out / "umowa-hurtownia-lodz-2026-11-25.md"
    existing.write_text("podpisana wersja", encoding="utf-8")
    second = generate_document(template, out, context)
    third = generate_document(template, out, context)
    assert (second.name, third.name) == ("umowa-hurtownia-lodz-2026-11-25-2.md", "umowa-hurtownia-lodz-2026-11-25-3.md")
    assert existing.read_text(encoding="utf-8") == "podpisana wersja"
    assert third.read_text(encoding="utf-8") == "Umowa z Hurtownia Łódź\n"


def test_without_hard_links_it_still_never_overwrites(template, out, context, monkeypatch) -> None:
    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    (out / "umowa-hurtownia-lodz-2026-11-25.md").write_text("stara", encoding="utf-8")
    path = generate_document(template, out, context)
    assert path.name == "umowa-hurtownia-lodz-2026-11-25-2.md" and "Hurtownia" in path.read_text(encoding="utf-8")
    assert (out / "umowa-hurtownia-lodz-2026-11-25.md").read_text(encoding="utf-8") == "stara"
    assert len(files(out)) == 2


def test_a_read_only_folder_is_refused(template, out, context) -> None:
    out.chmod(0o555)
    try:
        with pytest.raises(DocumentError, match="read-only"):
            generate_document(template, out, context)
        assert files(out) == []
    finally:
        out.chmod(0o755)


def test_a_missing_folder_is_refused_unless_asked_to_create_it(template, tmp_path, context) -> None:
    missing = tmp_path / "nie-ma"
    with pytest.raises(DocumentError, match="does not exist"):
        generate_document(template, missing, context)
    assert not missing.exists()
    assert generate_document(template, missing, context, create_folder=True).parent == missing


def test_generated_documents_are_recorded_per_organization(template, out, context, db_path) -> None:
    documents = DocumentRepository(Database(db_path))
    first = documents.generate(1, template, out, context, author="anna")
    second = documents.generate(1, template, out, context, author="bogdan")
    documents.record(2, "inna.md", out / "inna.md", author="anna")
    again = DocumentRepository(Database(db_path))  # another session, from the file
    listed = again.of_organization(1)
    assert [d.path for d in listed] == [second.path, first.path]  # newest first
    assert listed[0].template == "umowa.md" and listed[0].created_by == "bogdan" and listed[0].created_at
    assert Path(listed[1].path).read_text(encoding="utf-8") == "Umowa z Hurtownia Łódź\n"
    assert [d.template for d in again.of_organization(2)] == ["inna.md"]


def test_a_read_only_database_writes_no_document(template, out, context, db_path) -> None:
    Database(db_path)
    documents = DocumentRepository(Database(db_path, read_only=True))
    with pytest.raises(ReadOnlyError):
        documents.generate(1, template, out, context, author="anna")
    assert files(out) == []


def test_folders_default_to_the_shipped_templates_and_beside_the_database(db_path, tmp_path) -> None:
    database = Database(db_path)
    settings = SettingsRepository(database)
    assert templates_folder(settings) == SHIPPED_TEMPLATES
    assert documents_folder(settings, database) == default_documents_folder(database) == tmp_path / "crm-documents"
    settings.set("templates_folder", str(tmp_path), author="anna")
    settings.set("documents_folder", str(tmp_path / "out"), author="anna")
    assert templates_folder(settings) == tmp_path
    assert documents_folder(settings, database) == tmp_path / "out"


def test_a_document_that_cannot_be_recorded_is_removed_again(template, out, context, db_path, monkeypatch) -> None:
    from tui_crm.store import StoreIOError

    documents = DocumentRepository(Database(db_path))

    def busy(*args, **kwargs):
        raise StoreIOError("busy")

    monkeypatch.setattr(documents, "record", busy)
    with pytest.raises(StoreIOError):
        documents.generate(1, template, out, context, author="anna")
    assert files(out) == []
