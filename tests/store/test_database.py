"""The database file: atomic durable writes, the journal, locking, corrupt and read-only files."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import orjson
import pytest

from tui_crm.store import (
    Database,
    NewerSchemaError,
    NotADatabaseError,
    ReadOnlyError,
    StoreIOError,
)
from tui_crm.store import database as database_module


def put(db: Database, doc: dict, table: str = "things") -> int:
    with db.write() as batch:
        doc_id = batch.new_id(table)
        batch.put(table, doc_id, doc)
    return doc_id


def test_new_database_is_created_and_reopens_with_its_records(db_path: Path) -> None:
    db = Database(db_path)
    first = put(db, {"name": "Łódź"})
    second = put(db, {"name": "Kraków"})
    reopened = Database(db_path)
    assert reopened.table("things").raw_get(first) == {"name": "Łódź"}
    assert reopened.table("things").raw_get(second) == {"name": "Kraków"}
    assert first != second


def test_a_batch_is_all_or_nothing(db_path: Path) -> None:
    db = Database(db_path)
    with pytest.raises(RuntimeError):
        with db.write() as batch:
            batch.put("things", batch.new_id("things"), {"n": 1})
            raise RuntimeError("user code failed half way")
    assert len(Database(db_path).table("things")) == 0


def test_other_session_sees_a_write_after_poll(db_path: Path) -> None:
    mine, theirs = Database(db_path), Database(db_path)
    assert not mine.changed_on_disk()
    doc_id = put(theirs, {"name": "Gdańsk"})
    assert mine.changed_on_disk()
    seen = []
    mine.subscribe(seen.append)
    assert mine.poll() is True
    assert mine.table("things").raw_get(doc_id) == {"name": "Gdańsk"}
    assert seen == [[("things", doc_id, {"name": "Gdańsk"})]]
    assert mine.poll() is False


def test_ids_are_never_reused_across_sessions(db_path: Path) -> None:
    one, two = Database(db_path), Database(db_path)
    ids = {put(one, {"n": 1}), put(two, {"n": 2}), put(one, {"n": 3})}
    assert len(ids) == 3


def test_torn_last_journal_line_is_ignored_and_cut_by_next_writer(db_path: Path) -> None:
    db = Database(db_path)
    kept = put(db, {"name": "kept"})
    with open(db.journal.path, "ab") as handle:
        handle.write(b'{"seq": 2, "ops": [["things", 99, {"na')  # crash mid-append
    reopened = Database(db_path)
    assert reopened.table("things").raw_get(kept) == {"name": "kept"}
    assert reopened.table("things").raw_get(99) is None
    later = put(reopened, {"name": "later"})
    again = Database(db_path)
    assert again.table("things").raw_get(later) == {"name": "later"}
    assert b'"na\n' not in again.journal.path.read_bytes()


def test_compaction_folds_the_journal_and_other_sessions_follow(db_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(database_module, "COMPACT_AFTER_BYTES", 2_000)
    writer, follower, sleeper = Database(db_path), Database(db_path), Database(db_path)
    ids = [put(writer, {"n": n, "pad": "x" * 100}) for n in range(60)]
    assert writer.journal.path.stat().st_size < 2_000 + 400
    snapshot = orjson.loads(db_path.read_bytes())
    assert len(snapshot["things"]) >= 40  # most records now live in the snapshot
    follower.poll()
    assert [follower.table("things").raw_get(i)["n"] for i in ids] == list(range(60))
    # A session that missed compacted batches reloads the snapshot.
    sleeper.poll()
    assert len(sleeper.table("things")) == 60


def test_invalid_json_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.write_bytes(b'{"contacts": {"1": ')
    with pytest.raises(NotADatabaseError, match="not valid JSON"):
        Database(db_path)
    assert db_path.read_bytes() == b'{"contacts": {"1": '


def test_another_programs_json_is_refused(db_path: Path) -> None:
    db_path.write_text('{"_default": {"1": {"foo": "bar"}}}')
    with pytest.raises(NotADatabaseError, match="not a tui-crm database"):
        Database(db_path)
    assert db_path.read_text() == '{"_default": {"1": {"foo": "bar"}}}'


def test_newer_schema_is_refused(db_path: Path) -> None:
    Database(db_path)
    raw = orjson.loads(db_path.read_bytes())
    raw["_meta"]["1"]["schema"] = database_module.SCHEMA_VERSION + 1
    db_path.write_bytes(orjson.dumps(raw))
    with pytest.raises(NewerSchemaError, match="newer tui-crm"):
        Database(db_path)


def test_older_schema_is_migrated(db_path: Path, monkeypatch) -> None:
    Database(db_path)
    raw = orjson.loads(db_path.read_bytes())
    raw["_meta"]["1"]["schema"] = 0
    raw["things"] = {"1": {"old_name": "x"}}
    db_path.write_bytes(orjson.dumps(raw))

    def rename_field(tables: dict) -> None:
        for doc in tables["things"].values():
            doc["name"] = doc.pop("old_name")

    monkeypatch.setitem(database_module.MIGRATIONS, 0, rename_field)
    assert Database(db_path).table("things").raw_get(1) == {"name": "x"}


def test_read_only_file_opens_read_only_and_refuses_writes(db_path: Path) -> None:
    doc_id = put(Database(db_path), {"name": "x"})
    os.chmod(db_path, 0o444)
    try:
        db = Database(db_path)
        assert db.read_only
        assert db.table("things").raw_get(doc_id) == {"name": "x"}
        with pytest.raises(ReadOnlyError, match="read-only"):
            put(db, {"name": "y"})
    finally:
        os.chmod(db_path, 0o644)


def test_disk_full_changes_nothing(db_path: Path, monkeypatch) -> None:
    db = Database(db_path)
    put(db, {"name": "before"})
    journal_before = db.journal.path.read_bytes()

    def no_space(fd, data):
        os.write(fd, data[:10])  # part of the line reaches the disk, then it is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tui_crm.store.journal._write_all", no_space)
    with pytest.raises(StoreIOError, match="disk is full"):
        put(db, {"name": "lost?"})
    monkeypatch.undo()
    assert len(db.table("things")) == 1
    assert db.journal.path.read_bytes() == journal_before
    put(db, {"name": "after"})
    assert sorted(d["name"] for d in Database(db_path).table("things").all()) == ["after", "before"]
