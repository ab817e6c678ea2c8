"""The database: TinyDB tables in memory, a JSON snapshot and a journal on disk.

* Opening loads the snapshot (TinyDB's JSON layout, one object per table) and replays the
  journal. A read of any record is then a dictionary look-up.
* A write takes the inter-process lock, first replays what other sessions appended, lets the
  caller check versions, appends one batch to the journal (fsync) and only then applies it in
  memory. A crash at any moment leaves the old or the new state.
* ``poll`` picks up other sessions' batches without the lock; it costs one ``stat`` when
  nothing changed.
* When the journal grows large, the writer folds it into a new snapshot (temp file, fsync,
  rename) and starts a new journal.
"""

from __future__ import annotations

import errno
import gc
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from tui_crm.i18n import _, os_reason

from .errors import (
    NewerSchemaError,
    NotADatabaseError,
    ReadOnlyError,
    StoreError,
    StoreIOError,
)
from .files import atomic_write_bytes
from .journal import Batch, Journal, JournalPosition, Op
from .snapshot import encode_snapshot, read_snapshot

APP_ID = "tui-crm"
SCHEMA_VERSION = 1
META_TABLE = "_meta"
COMPACT_AFTER_BYTES = 8 * 1024 * 1024
LOCK_TIMEOUT_SECONDS = 10.0

#: Migrations from schema N to N+1, applied in order to the raw tables when opening.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {}

ChangeListener = Callable[[list[Op]], None]

#: Tables parsed when the file is opened; the others wait until first used (see ``table``).
EAGER_TABLES = frozenset({META_TABLE, "contacts"})


class MemoryTable(Table):
    """A TinyDB table whose writes touch one document, not the whole table.

    TinyDB's own ``_update_table`` copies the table twice per write (~45 ms at 100k records);
    with an in-memory storage we can change the one entry in place.
    """

    def put(self, doc_id: int, doc: dict[str, Any]) -> None:
        self._raw().__setitem__(str(doc_id), doc)
        self.clear_cache()

    def remove_id(self, doc_id: int) -> None:
        self._raw().pop(str(doc_id), None)
        self.clear_cache()

    def raw_get(self, doc_id: int) -> dict[str, Any] | None:
        """The stored document itself (no copy): callers must not change it."""
        return self._read_table().get(str(doc_id))

    def raw_items(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for key, doc in self._read_table().items():
            yield int(key), doc

    def _raw(self) -> dict[str, Any]:
        return self._storage.read().setdefault(self.name, {})


class WriteBatch:
    """Collects the changes of one write; they commit together or not at all."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.ops: list[Op] = []

    def new_id(self, table: str) -> int:
        return self._database._allocate_id(table)

    def put(self, table: str, doc_id: int, doc: dict[str, Any]) -> None:
        self.ops.append((table, doc_id, doc))

    def remove(self, table: str, doc_id: int) -> None:
        self.ops.append((table, doc_id, None))


class Database:
    """One tui-crm database file, shared safely by several processes."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser().resolve()
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"))
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._mutex = threading.RLock()
        self._db = TinyDB(storage=MemoryStorage)
        self._db.table_class = MemoryTable
        self._tables: dict[str, MemoryTable] = {}
        #: tables not parsed yet: doc id -> JSON text (from the snapshot) or doc (from the journal)
        self._deferred: dict[str, dict[str, bytes | dict[str, Any]]] = {}
        self._used: set[str] = set(EAGER_TABLES)  # tables ever asked for: parsed on every (re)load
        self._listeners: list[ChangeListener] = []
        self._watchers: list[ChangeListener] = []  # told after every listener (indexes) is up to date
        self._last_seq = 0
        self._last_ids: dict[str, int] = {}
        self._position: JournalPosition | None = None
        self.read_only = read_only or not self._writable()
        self._file_lock = None if self.read_only else FileLock(self._lock_path, timeout=LOCK_TIMEOUT_SECONDS)
        self._open()

    # -- reading ---------------------------------------------------------------------------

    def table(self, name: str) -> MemoryTable:
        table = self._tables.get(name)
        if table is None:
            with self._mutex:
                self._used.add(name)
                self._parse_deferred(name)
                table = self._tables[name] = self._db.table(name, cache_size=0)  # type: ignore[assignment]
        return table

    def _parse_deferred(self, name: str) -> None:
        docs = self._deferred.pop(name, None)
        if docs is None:
            return
        try:
            with paused_gc():
                parsed = {key: orjson.loads(doc) if isinstance(doc, bytes) else doc for key, doc in docs.items()}
        except orjson.JSONDecodeError as error:
            raise NotADatabaseError(
                _("{path} is damaged (table {table}: {reason}); the database was not changed.").format(
                    path=self.path, table=name, reason=error)) from error
        self._db.storage.read()[name] = parsed

    def subscribe(self, listener: ChangeListener, *, after_indexes: bool = False) -> None:
        """``listener(ops)`` runs after every batch applied in memory, ours or another session's.

        ``after_indexes``: run after every other listener (the repositories' indexes), whenever
        those subscribed: for whoever reads the data back, such as the screens.
        """
        (self._watchers if after_indexes else self._listeners).append(listener)

    def changed_on_disk(self) -> bool:
        """Cheap check (one stat) whether another session has written since we last looked."""
        info = self.journal.stat()
        position = self._position
        return info is not None and (
            position is None or info.st_ino != position.inode or info.st_size > position.offset
        )

    def poll(self) -> bool:
        """Apply other sessions' committed batches. Returns whether anything changed."""
        if not self.changed_on_disk():
            return False
        with self._mutex:
            return self._catch_up()

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[WriteBatch]:
        """Run one atomic write: ``with db.write() as batch: ... batch.put(...)``.

        Inside the block the in-memory state is current (other sessions' writes replayed),
        so version checks made there are reliable; raising inside the block writes nothing.
        """
        if self.read_only:
            raise ReadOnlyError(str(self.path))
        with self._mutex, self._locked():
            self._catch_up()
            batch = WriteBatch(self)
            yield batch
            if batch.ops:
                self._commit(batch.ops)
                if self._position and self._position.offset > COMPACT_AFTER_BYTES:
                    self._compact()

    def compact(self) -> None:
        """Fold the journal into a new snapshot now."""
        with self._mutex, self._locked():
            self._catch_up()
            self._compact()

    # -- internals -------------------------------------------------------------------------

    def _writable(self) -> bool:
        """False for a file the user marked read-only, even when root could write it anyway."""
        folder = self.path.parent
        if self.path.exists():
            no_write_bits = self.path.stat().st_mode & 0o222 == 0
            return not no_write_bits and os.access(self.path, os.W_OK) and os.access(folder, os.W_OK)
        return os.access(folder, os.W_OK)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        assert self._file_lock is not None
        try:
            self._file_lock.acquire()
        except Timeout as error:
            raise StoreIOError(
                _("The database is busy (another session holds its lock); try again.")
            ) from error
        except OSError as error:
            raise StoreIOError(_describe_os_error(error, self._lock_path)) from error
        try:
            yield
        finally:
            self._file_lock.release()

    def _open(self) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            if self.read_only:
                raise StoreIOError(_("Cannot create the database {path}: the folder is read-only.").format(path=self.path))
            with self._locked():
                if not self.path.exists() or self.path.stat().st_size == 0:
                    self._write_snapshot({META_TABLE: {"1": self._meta()}})
                    self.journal.create(0)
        self._load()

    def _load(self) -> None:
        """Read the snapshot and replay the journal (under the mutex)."""
        try:
            with paused_gc():  # millions of new objects: the collector would triple the time
                raw = read_snapshot(self.path, defer=lambda name: name not in self._used)
        except orjson.JSONDecodeError as error:
            raise NotADatabaseError(
                _("{path} is not a tui-crm database (it is not valid JSON: {reason}). The file was left as it is.").format(
                    path=self.path, reason=error
                )
            ) from error
        except OSError as error:
            raise StoreIOError(_describe_os_error(error, self.path)) from error
        meta = _read_meta(raw, self.path)
        deferred = {name: docs for name, docs in raw.items() if name not in self._used}
        if int(meta.get("schema", 0)) < SCHEMA_VERSION:  # migrations see every table parsed
            for name, docs in deferred.items():
                raw[name] = {key: orjson.loads(doc) if isinstance(doc, bytes) else doc for key, doc in docs.items()}
            deferred = {}
        for name in deferred:
            del raw[name]
        self._migrate(raw, meta)
        self._db.storage.write(raw)
        self._deferred = deferred
        self._tables.clear()
        self._last_seq = int(meta.get("last_seq", 0))
        self._last_ids = {name: int(value) for name, value in meta.get("last_ids", {}).items()}
        for name, docs in [*raw.items(), *deferred.items()]:
            if name != META_TABLE and docs:
                self._last_ids[name] = max(self._last_ids.get(name, 0), max(map(int, docs)))
        self._position = None
        if self.journal.stat() is None:
            if not self.read_only:
                with self._locked():
                    if self.journal.stat() is None:
                        self.journal.create(self._last_seq)
            if self.journal.stat() is None:
                return
        self._catch_up(notify=False)

    def _migrate(self, raw: dict[str, Any], meta: dict[str, Any]) -> None:
        schema = int(meta.get("schema", 0))
        while schema < SCHEMA_VERSION:
            MIGRATIONS[schema](raw)
            schema += 1
        meta["schema"] = SCHEMA_VERSION

    def _catch_up(self, notify: bool = True) -> bool:
        try:
            base_seq, batches, position = self.journal.read(self._position)
        except FileNotFoundError:
            return False
        except ValueError as error:
            raise NotADatabaseError(
                _("{path} is damaged or not a tui-crm journal; the database was not changed.").format(path=self.journal.path)
            ) from error
        replaced = self._position is not None and position.inode != self._position.inode
        if replaced and base_seq > self._last_seq:
            # Another session compacted batches we never saw: start again from its snapshot.
            self._load()
            if notify:
                self._notify([])
            return True
        changed = False
        for batch in batches:
            if batch.seq <= self._last_seq:
                continue  # already in the snapshot (a crash between snapshot and new journal)
            self._apply(batch, notify)
            changed = True
        self._position = position
        return changed

    def _commit(self, ops: list[Op]) -> None:
        assert self._position is not None
        batch = Batch(self._last_seq + 1, ops)
        try:
            self._position = self.journal.append(batch, self._position)
        except OSError as error:
            raise StoreIOError(_describe_os_error(error, self.journal.path)) from error
        self._apply(batch, notify=True)

    def _apply(self, batch: Batch, notify: bool) -> None:
        for table_name, doc_id, doc in batch.ops:
            deferred = self._deferred.get(table_name)
            if deferred is not None:  # nobody reads it yet: no need to parse it now
                if doc is None:
                    deferred.pop(str(doc_id), None)
                else:
                    deferred[str(doc_id)] = doc
            elif doc is None:
                self.table(table_name).remove_id(doc_id)
            else:
                self.table(table_name).put(doc_id, doc)
            if doc_id > self._last_ids.get(table_name, 0):
                self._last_ids[table_name] = doc_id
        self._last_seq = batch.seq
        if notify:
            self._notify(batch.ops)

    def _notify(self, ops: list[Op]) -> None:
        for listener in [*self._listeners, *self._watchers]:
            listener(ops)

    def _allocate_id(self, table: str) -> int:
        self._last_ids[table] = self._last_ids.get(table, 0) + 1
        return self._last_ids[table]

    def _meta(self) -> dict[str, Any]:
        return {"app": APP_ID, "schema": SCHEMA_VERSION, "last_seq": self._last_seq, "last_ids": dict(self._last_ids)}

    def _compact(self) -> None:
        tables = {name: docs for name, docs in self._db.storage.read().items() if name != META_TABLE}
        tables.update(self._deferred)  # written back as they are: JSON text or docs
        tables[META_TABLE] = {"1": self._meta()}
        try:
            self._write_snapshot(tables)
            self.journal.create(self._last_seq)
        except OSError as error:
            raise StoreIOError(_describe_os_error(error, self.path)) from error
        self._position = None
        self._catch_up(notify=False)

    def _write_snapshot(self, tables: dict[str, Any]) -> None:
        try:
            atomic_write_bytes(self.path, encode_snapshot(tables))
        except OSError as error:
            raise StoreIOError(_describe_os_error(error, self.path)) from error


@contextmanager
def joined(database: Database, batch: WriteBatch | None) -> Iterator[WriteBatch]:
    """``batch`` when a caller's write is under way (the change joins it), else a write of its own."""
    if batch is not None:
        yield batch
    else:
        with database.write() as own:
            yield own


@contextmanager
def paused_gc(*, freeze: bool = True) -> Iterator[None]:
    """Suspend the cyclic garbage collector while allocating many long-lived objects.

    ``freeze=False`` for objects that do not outlive the work (an import's planned records):
    frozen objects are never examined again, so cyclic garbage among them would stay.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # The loaded records hold no reference cycles and live as long as the database:
        # move them out of the collector's sight, or its first pass walks them all (~0.3 s).
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _read_meta(raw: Any, path: Path) -> dict[str, Any]:
    meta = raw.get(META_TABLE, {}).get("1") if isinstance(raw, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != APP_ID:
        raise NotADatabaseError(
            _("{path} is not a tui-crm database (another program's file?). The file was left as it is.").format(path=path)
        )
    schema = meta.get("schema")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise NewerSchemaError(
            _("{path} was written by a newer tui-crm (schema {found}, this version knows {known}). Upgrade tui-crm to open it.").format(
                path=path, found=schema, known=SCHEMA_VERSION
            )
        )
    return meta


def _describe_os_error(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOSPC:
        return _("The disk is full: {path} could not be written. Nothing was changed.").format(path=path)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("No permission to write {path}. Nothing was changed.").format(path=path)
    return _("Could not write {path}: {reason}. Nothing was changed.").format(path=path, reason=os_reason(error))


def create_database(path: str | os.PathLike[str], tables: dict[str, list[dict[str, Any]]]) -> None:
    """Write a new database holding ``tables`` (lists of documents, ids from 1) in one go.

    Used for demo and benchmark data: 100,000 contacts are written as one snapshot instead of
    100,000 journal batches. Refuses to replace an existing file.
    """
    target = Path(path).expanduser().resolve()
    if target.exists() and target.stat().st_size > 0:
        raise StoreError(_("{path} already exists; choose another file or remove it first.").format(path=target))
    raw: dict[str, Any] = {name: {str(i): doc for i, doc in enumerate(docs, 1)} for name, docs in tables.items()}
    meta = {"app": APP_ID, "schema": SCHEMA_VERSION, "last_seq": 0, "last_ids": {n: len(d) for n, d in tables.items()}}
    raw[META_TABLE] = {"1": meta}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, encode_snapshot(raw))
        Journal(target.with_name(target.name + ".journal")).create(0)
    except OSError as error:
        raise StoreIOError(_describe_os_error(error, target)) from error
