"""Attached files in the store: content kept once by hash beside the database, written
atomically; records in the "files" table seen by other sessions; export never replaces a file
silently; the trash; a read-only database refuses. Read back through fresh repositories."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm.store import ContactRepository, Database, ReadOnlyError, StoreError
from tui_crm.store.attachments import (
    AttachmentError,
    AttachmentRepository,
    ContentGone,
    CopyCancelled,
    ExportTargetExists,
    files_folder,
)
from tui_crm.store.errors import NotFoundError

CONTENT = b"%PDF-1.4 umowa serwisowa\n" * 1000


class World:
    def __init__(self, path: Path) -> None:
        self.contacts = ContactRepository(Database(path))
        self.files = AttachmentRepository(self.contacts.database)


@pytest.fixture
def world(db_path: Path) -> World:
    return World(db_path)


@pytest.fixture
def org(world: World):
    return world.contacts.save(make_org("Alfa Sp. z o.o."), author="seed")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "umowa.pdf"
    path.parent.mkdir()
    path.write_bytes(CONTENT)
    return path


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_attaching_keeps_the_content_by_hash_beside_the_database(world, org, source, db_path):
    record = world.files.attach(org.id, source, "  umowa\nserwisowa ", author="anna")
    sha = hashlib.sha256(CONTENT).hexdigest()
    assert (record.name, record.size, record.sha256, record.description, record.added_by) == (
        "umowa.pdf", len(CONTENT), sha, "umowa serwisowa", "anna")
    folder = db_path.parent / "crm-files"
    assert files_folder(world.contacts.database) == folder
    assert stored_files(folder) == [folder / sha[:2] / sha]
    assert (folder / sha[:2] / sha).read_bytes() == CONTENT

    again = World(db_path)  # what another session reads from the file
    [seen] = again.files.list_of(org.id)
    assert seen == record


def test_the_same_file_attached_twice_is_stored_once(world, org, source, tmp_path, db_path):
    copy = tmp_path / "kopia.pdf"
    copy.write_bytes(CONTENT)
    first = world.files.attach(org.id, source, author="anna")
    second = world.files.attach(org.id, copy, "kopia", author="kasia")
    assert first.sha256 == second.sha256 and first.id != second.id
    assert len(stored_files(db_path.parent / "crm-files")) == 1
    assert [r.name for r in World(db_path).files.list_of(org.id)] == ["kopia.pdf", "umowa.pdf"]


def test_a_write_leaves_no_temporary_file_even_when_it_fails(world, org, source, db_path, monkeypatch):
    world.files.attach(org.id, source, author="anna")
    folder = db_path.parent / "crm-files"
    assert not [p for p in folder.rglob("*") if p.name.startswith(".")]

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    other = source.with_name("inna.pdf")
    other.write_bytes(b"something else")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(AttachmentError, match="disk is full"):
        world.files.attach(org.id, other, author="anna")
    monkeypatch.undo()
    assert len(stored_files(folder)) == 1  # no temporary file, no half content
    assert len(World(db_path).files.list_of(org.id)) == 1  # and no record


def test_large_files_are_streamed_in_chunks(world, org, tmp_path, monkeypatch):
    from tui_crm.store import attachments

    monkeypatch.setattr(attachments, "CHUNK", 1000)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(10_500))
    reads = []
    real_open = open

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def read(self, n=-1):
            reads.append(n)
            return self.handle.read(n)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def spy_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return Spy(handle) if Path(path) == big.absolute() else handle

    monkeypatch.setattr("builtins.open", spy_open)
    record = world.files.attach(org.id, big, author="anna")
    assert record.size == 10_500 and reads and all(n == 1000 for n in reads)


def test_paths_typed_by_the_user_are_explained(world, org, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "faktura.pdf").write_bytes(b"FV 1/2026")
    assert world.files.attach(org.id, "~/faktura.pdf", author="anna").size == 9  # ~ expanded

    with pytest.raises(AttachmentError, match="There is no file"):
        world.files.attach(org.id, tmp_path / "nope.pdf", author="anna")
    with pytest.raises(AttachmentError, match="is a folder"):
        world.files.attach(org.id, tmp_path, author="anna")
    with pytest.raises(AttachmentError, match="Type the path"):
        world.files.attach(org.id, "  ", author="anna")
    if os.geteuid() != 0:  # root reads everything
        secret = tmp_path / "secret.pdf"
        secret.write_bytes(b"x")
        secret.chmod(0)
        with pytest.raises(AttachmentError, match="No permission to read"):
            world.files.attach(org.id, secret, author="anna")
    with pytest.raises(AttachmentError, match="too long"):
        world.files.attach(org.id, tmp_path / "faktura.pdf", "x" * 501, author="anna")
    with pytest.raises(NotFoundError):
        world.files.attach(9999, tmp_path / "faktura.pdf", author="anna")


def test_a_read_only_database_refuses_attaching(world, org, source, db_path):
    db_path.chmod(stat.S_IRUSR)
    try:
        read_only = World(db_path)
        assert read_only.contacts.database.read_only
        with pytest.raises(ReadOnlyError, match="read-only"):
            read_only.files.attach(org.id, source, author="anna")
    finally:
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert not (db_path.parent / "crm-files").exists()


def test_export_copies_the_content_and_never_overwrites_silently(world, org, source, tmp_path, db_path):
    record = world.files.attach(org.id, source, author="anna")
    out = tmp_path / "out"
    out.mkdir()
    written = world.files.export(record.id, out)  # a folder: the original name inside it
    assert written == out / "umowa.pdf" and written.read_bytes() == CONTENT

    renamed = world.files.export(record.id, out / "kopia.pdf")
    assert renamed.read_bytes() == CONTENT

    (out / "umowa.pdf").write_bytes(b"mine")
    with pytest.raises(ExportTargetExists) as refused:
        world.files.export(record.id, out / "umowa.pdf")
    assert refused.value.path == out / "umowa.pdf"
    assert (out / "umowa.pdf").read_bytes() == b"mine"
    world.files.export(record.id, out / "umowa.pdf", overwrite=True)
    assert (out / "umowa.pdf").read_bytes() == CONTENT
    assert sorted(p.name for p in out.iterdir()) == ["kopia.pdf", "umowa.pdf"]  # no temporary files

    with pytest.raises(AttachmentError, match="There is no folder"):
        world.files.export(record.id, tmp_path / "missing" / "x.pdf")


def test_export_from_a_read_only_database_works(world, org, source, tmp_path, db_path):
    record = world.files.attach(org.id, source, author="anna")
    db_path.chmod(stat.S_IRUSR)
    try:
        target = World(db_path).files.export(record.id, tmp_path / "copy.pdf")
    finally:
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert target.read_bytes() == CONTENT


def test_damaged_content_is_not_exported(world, org, source, tmp_path):
    record = world.files.attach(org.id, source, author="anna")
    world.files.content_path(record).write_bytes(b"changed behind our back")
    with pytest.raises(AttachmentError, match="damaged"):
        world.files.export(record.id, tmp_path / "copy.pdf")
    assert not (tmp_path / "copy.pdf").exists()


def test_delete_moves_to_the_trash_and_restore_brings_back(world, org, source, db_path):
    record = world.files.attach(org.id, source, author="anna")
    other_session = World(db_path)
    assert len(other_session.files.list_of(org.id)) == 1  # its index is built now

    world.files.delete(record.id, author="kasia")
    other_session.contacts.database.poll()
    assert other_session.files.list_of(org.id) == []  # patched from the journal
    [trashed] = other_session.files.list_of(org.id, trashed=True)
    assert (trashed.deleted_by, trashed.id) == ("kasia", record.id)
    assert [r.id for r in other_session.files.trash()] == [record.id]
    assert world.files.content_path(record).is_file()  # content stays while the record is in the trash
    with pytest.raises(AttachmentError, match="already in the trash"):
        other_session.files.delete(record.id, author="anna")

    other_session.files.restore(record.id, author="anna")
    [back] = World(db_path).files.list_of(org.id)
    assert back.deleted_at is None and back.version == 3


def test_purge_removes_content_only_when_nothing_names_it(world, org, source, db_path):
    first = world.files.attach(org.id, source, author="anna")
    second = world.files.attach(org.id, source, "again", author="anna")
    with pytest.raises(AttachmentError, match="in the trash"):
        world.files.purge(first.id)
    world.files.delete(first.id, author="anna")
    world.files.purge(first.id)
    assert world.files.content_path(first).is_file()  # the second record still names it
    world.files.delete(second.id, author="anna")
    world.files.purge(second.id)
    assert not world.files.content_path(second).exists()
    assert World(db_path).files.trash() == []


def test_an_attach_after_another_sessions_purge_stores_the_content_again(world, org, source, db_path):
    first = world.files.attach(org.id, source, author="anna")
    world.files.delete(first.id, author="anna")
    world.files.purge(first.id)
    again = World(db_path).files.attach(org.id, source, author="kasia")
    assert World(db_path).files.content_path(again).read_bytes() == CONTENT


def test_files_of_a_person_are_separate(world, org, source):
    person = world.contacts.save(make_person("Anna", "Nowak"), author="seed")
    world.files.attach(person.id, source, author="anna")
    assert world.files.list_of(org.id) == [] and len(world.files.list_of(person.id)) == 1


# -- progress and cancelling (the UI copies in a worker thread) -------------------------------


@pytest.fixture
def small_chunks(monkeypatch):
    from tui_crm.store import attachments

    monkeypatch.setattr(attachments, "CHUNK", 1000)


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "skan.tif"
    path.write_bytes(os.urandom(10_500))  # 11 chunks of 1000
    return path


def left_in(folder: Path) -> list[str]:
    """Every file under ``folder``, hidden temporary ones too."""
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_attaching_reports_its_progress_chunk_by_chunk(world, org, big, small_chunks):
    seen: list[tuple[int, int]] = []
    record = world.files.attach(org.id, big, author="anna", progress=lambda done, total: seen.append((done, total)))
    assert record.size == 10_500
    assert seen == [(0, 10_500), *((n, 10_500) for n in range(1000, 10_001, 1000)), (10_500, 10_500)]


def test_a_cancelled_attach_leaves_no_temporary_file_no_content_and_no_record(world, org, big, small_chunks, db_path):
    seen: list[int] = []
    with pytest.raises(CopyCancelled, match="Cancelled; nothing was attached"):
        world.files.attach(org.id, big, author="anna", progress=lambda done, _total: seen.append(done),
                           cancelled=lambda: len(seen) > 3)  # stops after 3 chunks
    assert seen == [0, 1000, 2000, 3000]  # it did stop there, not at the end
    assert left_in(db_path.parent / "crm-files") == []
    assert World(db_path).files.list_of(org.id) == []
    assert isinstance(CopyCancelled("x"), StoreError)  # shown like every store error


def test_a_cancel_after_the_last_chunk_still_stores_nothing(world, org, big, small_chunks, db_path):
    done = []
    with pytest.raises(CopyCancelled):
        world.files.attach(org.id, big, author="anna", progress=lambda n, _total: done.append(n),
                           cancelled=lambda: bool(done) and done[-1] == 10_500)
    assert left_in(db_path.parent / "crm-files") == []
    assert World(db_path).files.list_of(org.id) == []


def test_the_record_is_written_only_after_the_content_is_stored(world, org, big, db_path):
    incoming = world.files.prepare_attach(org.id, big, "skan")
    stored = world.files.store_content(incoming)
    assert (stored.size, stored.sha256) == (10_500, hashlib.sha256(big.read_bytes()).hexdigest())
    assert World(db_path).files.list_of(org.id) == []  # the content is there, no record yet
    record = world.files.record(stored, author="anna")
    assert [r.id for r in World(db_path).files.list_of(org.id)] == [record.id]
    assert world.files.content_path(record).read_bytes() == big.read_bytes()


def test_content_purged_between_the_copy_and_the_record_is_stored_again(world, org, big, db_path, monkeypatch):
    stored = world.files.store_content(world.files.prepare_attach(org.id, big))
    (files_folder(world.contacts.database) / stored.sha256[:2] / stored.sha256).unlink()  # another session purged it
    with pytest.raises(ContentGone):
        world.files.record(stored, author="anna")
    assert World(db_path).files.list_of(org.id) == []

    real_record = world.files.record
    purged = []

    def purged_once_meanwhile(stored, **kwargs):
        if not purged:
            purged.append(True)
            (files_folder(world.contacts.database) / stored.sha256[:2] / stored.sha256).unlink()
        return real_record(stored, **kwargs)

    monkeypatch.setattr(world.files, "record", purged_once_meanwhile)
    record = world.files.attach(org.id, big, author="anna")  # copies it again by itself
    assert purged and world.files.content_path(record).read_bytes() == big.read_bytes()


def test_discarding_given_up_content_keeps_what_a_record_names(world, org, source, big):
    kept = world.files.attach(org.id, source, author="anna")
    given_up = world.files.store_content(world.files.prepare_attach(org.id, big))
    world.files.discard(given_up)
    assert not (files_folder(world.contacts.database) / given_up.sha256[:2] / given_up.sha256).exists()
    again = world.files.store_content(world.files.prepare_attach(org.id, source))
    world.files.discard(again)  # the same content as a record's: it stays
    assert world.files.content_path(kept).read_bytes() == CONTENT


def test_export_reports_progress_and_a_cancelled_export_leaves_no_target(world, org, big, small_chunks, tmp_path):
    record = world.files.attach(org.id, big, author="anna")
    out = tmp_path / "out"
    out.mkdir()
    seen: list[tuple[int, int]] = []
    written = world.files.export(record.id, out, progress=lambda done, total: seen.append((done, total)))
    assert written.read_bytes() == big.read_bytes()
    assert seen[0] == (0, 10_500) and seen[-1] == (10_500, 10_500) and len(seen) == 12

    calls = []
    with pytest.raises(CopyCancelled, match="Cancelled; nothing was exported"):
        world.files.export(record.id, out / "kopia.tif", progress=lambda done, _total: calls.append(done),
                           cancelled=lambda: len(calls) > 2)
    assert calls == [0, 1000, 2000]
    assert sorted(p.name for p in out.iterdir()) == ["skan.tif"]  # no target, no temporary file

    written.write_bytes(b"mine")  # replacing, cancelled: the old file stays as it was
    with pytest.raises(CopyCancelled):
        world.files.export(record.id, written, overwrite=True, cancelled=lambda: True)
    assert written.read_bytes() == b"mine"
    assert sorted(p.name for p in out.iterdir()) == ["skan.tif"]


def test_an_export_is_checked_before_anything_is_copied(world, org, big, tmp_path):
    record = world.files.attach(org.id, big, author="anna")
    target = tmp_path / "skan.tif"
    target.write_bytes(b"mine")
    with pytest.raises(ExportTargetExists):
        world.files.plan_export(record.id, target)
    plan = world.files.plan_export(record.id, target, overwrite=True)
    assert target.read_bytes() == b"mine"  # planning writes nothing
    assert world.files.write_export(plan) == target and target.read_bytes() == big.read_bytes()
