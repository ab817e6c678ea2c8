"""Files attached to contacts: the content beside the database, the records in the "files" table.

Content lives in ``X-files/`` beside ``X.json``, once per distinct content, as
``X-files/ab/abcdef…`` (its SHA-256): attaching the same file twice stores it once. A file is
streamed in chunks into a hidden temporary file in that folder (hashed on the way, fsynced)
and then renamed into place, so a crash, a full disk or a vanished source leave no half
file under a hash name. The record is written after the content; if the record cannot be
written the content stays unreferenced (harmless; another attach of it reuses it).

Copies report their progress (``progress(bytes_done, total)``, once per chunk) and can be
stopped (``cancelled()`` is asked before every chunk and before the result gets its name):
a cancelled copy leaves nothing behind and raises ``CopyCancelled``. For a user interface
that copies in a worker thread, attaching comes in three steps: ``prepare_attach`` (quick
checks), ``store_content`` (the copy: touches files only, never the database, so it may
run in any thread) and ``record`` (the database write, in the thread that owns the
database); exporting in two: ``plan_export`` and ``write_export`` (any thread).

Deleting moves a record to the trash; its content stays while any record, trashed ones too,
names it. Purging a record removes the content once nothing names it any more.
"""

from __future__ import annotations

import errno
import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tui_crm.domain.attachments import (
    Attachment,
    AttachmentRuleError,
    blob_name,
    clean_description,
    clean_name,
)
from tui_crm.i18n import _, os_reason

from .database import Database
from .errors import NotFoundError, ReadOnlyError, StoreError
from .files import fsync_dir
from .journal import Op
from .timestamps import utc_now

TABLE = "files"
CONTACTS = "contacts"
CHUNK = 1024 * 1024
#: Copies of one file tried when another session keeps deleting that same content for good.
ATTACH_ATTEMPTS = 3

#: ``progress(bytes_done, total)``, called from the copying thread after every chunk.
Progress = Callable[[int, int], None]
#: Asked before every chunk: True stops the copy.
CancelCheck = Callable[[], bool]


class AttachmentError(StoreError):
    """Attaching or exporting failed; nothing was written. The message is for the user."""


class ExportTargetExists(AttachmentError):
    """The export target already exists; export again with ``overwrite=True`` to replace it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(_("{path} already exists.").format(path=path))


class CopyCancelled(AttachmentError):
    """The copy was stopped on request; nothing was written (no temporary file, no record)."""


class ContentGone(AttachmentError):
    """The stored content was deleted for good by another session between the copy and the
    record; store it again (``attach`` does so by itself)."""

    def __init__(self) -> None:
        super().__init__(_("The file was removed by another session meanwhile; attach it again."))


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file on its way in: checked by ``prepare_attach``; ``store_content`` fills in its hash."""

    contact_id: int
    source: Path
    name: str
    description: str
    sha256: str = ""  # empty until the content is stored
    size: int = 0


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """A checked export: what to copy where (``plan_export``), written by ``write_export``."""

    record: Attachment
    content: Path
    target: Path
    overwrite: bool


def files_folder(database: Database) -> Path:
    """"crm-files" beside "crm.json"."""
    return database.path.parent / (database.path.stem + "-files")


class AttachmentRepository:
    """The "files" table and the content folder of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.folder = files_folder(database)
        self._by_contact: dict[int, set[int]] | None = None  # built when first asked
        self._owners: dict[int, int] = {}  # record id -> contact id
        database.subscribe(self._on_change)

    # -- reading ---------------------------------------------------------------------------

    def get(self, record_id: int) -> Attachment | None:
        doc = self.database.table(TABLE).raw_get(record_id)
        return None if doc is None else Attachment.from_doc(doc, record_id)

    def list_of(self, contact_id: int, *, trashed: bool = False) -> list[Attachment]:
        """The contact's files (or, with ``trashed``, its files in the trash), newest first."""
        found = [a for i in self._index().get(contact_id, ()) if (a := self.get(i)) is not None and a.trashed == trashed]
        return sorted(found, key=lambda a: (a.added_at, a.id or 0), reverse=True)

    def trash(self) -> list[Attachment]:
        """Every trashed file, most recently deleted first."""
        table = self.database.table(TABLE)
        found = [Attachment.from_doc(doc, i) for i, doc in table.raw_items() if doc.get("deleted_at")]
        return sorted(found, key=lambda a: (a.deleted_at or "", a.id or 0), reverse=True)

    def content_path(self, record: Attachment) -> Path:
        return self.folder / blob_name(record.sha256)

    # -- attaching -------------------------------------------------------------------------

    def attach(self, contact_id: int, path: str | os.PathLike[str], description: str = "", *, author: str,
               progress: Progress | None = None, cancelled: CancelCheck | None = None) -> Attachment:
        """Store the file at ``path`` (``~`` expanded) and record it for the contact.

        ``progress`` and ``cancelled``: see the module's description; once the content is
        stored the record is written at once (no more cancelling).
        """
        incoming = self.prepare_attach(contact_id, path, description)
        for _attempt in range(ATTACH_ATTEMPTS - 1):
            try:
                return self.record(self.store_content(incoming, progress=progress, cancelled=cancelled), author=author)
            except ContentGone:  # purged by another session between copy and record: copy it again
                continue
        return self.record(self.store_content(incoming, progress=progress, cancelled=cancelled), author=author)

    def prepare_attach(self, contact_id: int, path: str | os.PathLike[str], description: str = "") -> IncomingFile:
        """Check everything that can be checked before copying; raises what ``attach`` raises."""
        if self.database.read_only:
            raise ReadOnlyError(str(self.database.path))
        try:
            description = clean_description(description)
            source = _source_file(path)
            name = clean_name(source.name)
        except AttachmentRuleError as error:
            raise AttachmentError(str(error)) from error
        self._require_contact(contact_id)
        return IncomingFile(contact_id, source, name, description)

    def store_content(self, incoming: IncomingFile, *, progress: Progress | None = None,
                      cancelled: CancelCheck | None = None) -> IncomingFile:
        """Copy the file into the folder under its hash; returns it with ``sha256`` and ``size``.

        Touches no database state: safe to run in a worker thread. Raises ``CopyCancelled``
        (leaving no temporary file) when ``cancelled()`` turns true before the copy is named.
        """
        sha256, size = self._store_content(incoming.source, progress, cancelled)
        return replace(incoming, sha256=sha256, size=size)

    def record(self, stored: IncomingFile, *, author: str) -> Attachment:
        """Write the record of content already stored (``store_content``): the database write.

        Raises ``ContentGone`` when another session deleted that content for good meanwhile.
        """
        if not stored.sha256:
            raise ValueError("record() needs the result of store_content()")
        with self.database.write() as batch:
            self._require_contact(stored.contact_id)  # still there, now that other sessions are caught up
            if not (self.folder / blob_name(stored.sha256)).is_file():  # purged meanwhile by another session
                raise ContentGone()
            record = Attachment(stored.contact_id, stored.name, stored.size, stored.sha256, stored.description,
                                utc_now(), author)
            record.id = batch.new_id(TABLE)
            batch.put(TABLE, record.id, record.to_doc())
        return record

    def discard(self, stored: IncomingFile) -> None:
        """Remove content stored for an attach that was then given up, unless a record names it."""
        if not stored.sha256 or self.database.read_only:
            return
        with self.database.write():  # under the lock, as in ``purge``: no attach records it meanwhile
            if not any(doc.get("sha256") == stored.sha256 for _i, doc in self.database.table(TABLE).raw_items()):
                (self.folder / blob_name(stored.sha256)).unlink(missing_ok=True)

    def _require_contact(self, contact_id: int) -> None:
        doc = self.database.table(CONTACTS).raw_get(contact_id)
        if doc is None or doc.get("deleted_at"):
            raise NotFoundError(_("The contact no longer exists; nothing was attached."))

    def _store_content(self, source: Path, progress: Progress | None,
                       cancelled: CancelCheck | None) -> tuple[str, int]:
        """Copy ``source`` into the folder under its hash (unless that content is there already)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AttachmentError(_write_problem(error, self.folder)) from error
        tmp = self.folder / f".incoming-{os.getpid()}-{uuid.uuid4().hex}.tmp"
        digest, size = hashlib.sha256(), 0
        try:
            try:
                total = source.stat().st_size  # for the progress only: the copy reads to the end
                reader = open(source, "rb")  # noqa: SIM115 - opened apart: a read problem is not a write problem
            except OSError as error:
                raise AttachmentError(_read_problem(error, source)) from error
            with reader, open(tmp, "wb") as writer:
                if progress:
                    progress(0, total)
                while True:
                    _stop_if(cancelled, _("Cancelled; nothing was attached."))
                    try:
                        chunk = reader.read(CHUNK)
                    except OSError as error:
                        raise AttachmentError(_read_problem(error, source)) from error
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    writer.write(chunk)
                    if progress:
                        progress(size, max(total, size))  # the file may have grown meanwhile
                writer.flush()
                os.fsync(writer.fileno())
            _stop_if(cancelled, _("Cancelled; nothing was attached."))
            target = self.folder / blob_name(digest.hexdigest())
            if not (target.is_file() and target.stat().st_size == size):
                target.parent.mkdir(exist_ok=True)
                os.replace(tmp, target)  # atomic: the content appears whole or not at all
                fsync_dir(target.parent)
        except OSError as error:
            raise AttachmentError(_write_problem(error, self.folder)) from error
        finally:
            tmp.unlink(missing_ok=True)  # also after a cancel or any error: no half file stays
        return digest.hexdigest(), size

    # -- exporting -------------------------------------------------------------------------

    def export(self, record_id: int, target_path: str | os.PathLike[str], *, overwrite: bool = False,
               progress: Progress | None = None, cancelled: CancelCheck | None = None) -> Path:
        """Copy the file's content to ``target_path`` (a folder: the original name inside it).

        An existing file is replaced only with ``overwrite``; otherwise ``ExportTargetExists``.
        Returns the path written. Works on a read-only database too. A cancelled export
        (``CopyCancelled``) leaves the target as it was and no temporary file.
        """
        return self.write_export(self.plan_export(record_id, target_path, overwrite=overwrite),
                                 progress=progress, cancelled=cancelled)

    def plan_export(self, record_id: int, target_path: str | os.PathLike[str], *, overwrite: bool = False) -> ExportPlan:
        """Check the export before copying anything; raises what ``export`` raises, such as
        ``ExportTargetExists``, so the user is asked before the copy starts."""
        record = self.get(record_id)
        if record is None:
            raise NotFoundError(_("This file is no longer attached."))
        text = os.fspath(target_path).strip()
        if not text:
            raise AttachmentError(_("Type the path to export to."))
        target = Path(text).expanduser()
        if target.is_dir() or text.endswith(("/", os.sep)):
            target = target / record.name
        target = target.absolute()
        if not target.parent.is_dir():
            raise AttachmentError(_("There is no folder {path}.").format(path=target.parent))
        if target.is_dir():
            raise AttachmentError(_("{path} is a folder.").format(path=target))
        if target.exists() and not overwrite:
            raise ExportTargetExists(target)
        content = self.content_path(record)
        if not content.is_file():
            raise AttachmentError(_("The content of “{name}” is missing from {folder}.").format(
                name=record.name, folder=self.folder))
        return ExportPlan(record, content, target, overwrite)

    def write_export(self, plan: ExportPlan, *, progress: Progress | None = None,
                     cancelled: CancelCheck | None = None) -> Path:
        """Copy a planned export; touches no database state: safe to run in a worker thread.

        Still raises ``ExportTargetExists`` if the target appeared since the plan (without
        ``overwrite``)."""
        _copy_out(plan.content, plan.target, plan.record, overwrite=plan.overwrite, progress=progress,
                  cancelled=cancelled)
        return plan.target

    # -- trash -----------------------------------------------------------------------------

    def delete(self, record_id: int, *, author: str) -> Attachment:
        """Move the record to the trash (its content stays)."""
        return self._set_trashed(record_id, author, trashed=True)

    def restore(self, record_id: int, *, author: str) -> Attachment:
        return self._set_trashed(record_id, author, trashed=False)

    def _set_trashed(self, record_id: int, author: str, *, trashed: bool) -> Attachment:
        with self.database.write() as batch:
            record = self.get(record_id)
            if record is None:
                raise NotFoundError(_("This file is no longer attached."))
            if record.trashed and trashed:  # someone else was quicker
                raise AttachmentError(_("“{name}” is already in the trash (deleted by {user}).").format(
                    name=record.name, user=record.deleted_by or "?"))
            if not record.trashed and not trashed:
                raise AttachmentError(_("“{name}” is not in the trash.").format(name=record.name))
            record.deleted_at, record.deleted_by = (utc_now(), author) if trashed else (None, None)
            record.version += 1
            batch.put(TABLE, record_id, record.to_doc())
        return record

    def purge(self, record_id: int) -> None:
        """Remove a trashed record for good, and its content when no other record names it."""
        with self.database.write() as batch:
            record = self.get(record_id)
            if record is None:
                return
            if not record.trashed:
                raise AttachmentError(_("Only a file in the trash can be deleted for good."))
            batch.remove(TABLE, record_id)
        # A second, empty write: under the lock and caught up, so no attach can record this
        # content between our look and the removal (attach checks the content under the lock).
        with self.database.write():
            if not any(doc.get("sha256") == record.sha256 for _i, doc in self.database.table(TABLE).raw_items()):
                self.content_path(record).unlink(missing_ok=True)

    # -- the index by contact --------------------------------------------------------------

    def _index(self) -> dict[int, set[int]]:
        if self._by_contact is None:
            self._by_contact, self._owners = {}, {}
            for record_id, doc in self.database.table(TABLE).raw_items():
                self._add(record_id, doc)
        return self._by_contact

    def _add(self, record_id: int, doc: dict) -> None:
        assert self._by_contact is not None
        self._owners[record_id] = doc["contact_id"]
        self._by_contact.setdefault(doc["contact_id"], set()).add(record_id)

    def _on_change(self, ops: list[Op]) -> None:
        if self._by_contact is None:
            return
        if not ops:  # reloaded from a new snapshot
            self._by_contact = None
            return
        for table, record_id, doc in ops:
            if table != TABLE:
                continue
            owner = self._owners.pop(record_id, None)
            if owner is not None:
                self._by_contact.get(owner, set()).discard(record_id)
            if doc is not None:
                self._add(record_id, doc)


# -- files on disk ---------------------------------------------------------------------------


def _source_file(path: str | os.PathLike[str]) -> Path:
    text = os.fspath(path).strip()
    if not text:
        raise AttachmentRuleError(_("Type the path of the file to attach."))
    source = Path(text).expanduser()
    if source.is_dir():
        raise AttachmentRuleError(_("{path} is a folder; choose a file in it.").format(path=source))
    if not source.exists():
        raise AttachmentRuleError(_("There is no file {path}.").format(path=source))
    if not source.is_file():
        raise AttachmentRuleError(_("{path} is not a regular file.").format(path=source))
    return source.absolute()


def _stop_if(cancelled: CancelCheck | None, message: str) -> None:
    if cancelled is not None and cancelled():
        raise CopyCancelled(message)


def _copy_out(content: Path, target: Path, record: Attachment, *, overwrite: bool,
              progress: Progress | None = None, cancelled: CancelCheck | None = None) -> None:
    """Stream ``content`` to a hidden file beside ``target``, check its hash, then give it the
    name: replacing only with ``overwrite``, else by a hard link, which never replaces."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    digest, done = hashlib.sha256(), 0
    stopped = _("Cancelled; nothing was exported.")
    try:
        with open(content, "rb") as reader, open(tmp, "wb") as writer:
            if progress:
                progress(0, record.size)
            while True:
                _stop_if(cancelled, stopped)
                chunk = reader.read(CHUNK)
                if not chunk:
                    break
                digest.update(chunk)
                writer.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, max(record.size, done))
            writer.flush()
            os.fsync(writer.fileno())
        _stop_if(cancelled, stopped)
        if digest.hexdigest() != record.sha256:
            raise AttachmentError(_("The stored content of “{name}” is damaged; nothing was exported.").format(
                name=record.name))
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise ExportTargetExists(target) from None
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise
                if target.exists():  # no hard links on this file system (FAT, some shares)
                    raise ExportTargetExists(target) from None
                os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError as error:
        raise AttachmentError(_write_problem(error, target)) from error
    finally:
        tmp.unlink(missing_ok=True)


def _read_problem(error: OSError, path: Path) -> str:
    if error.errno in (errno.EACCES, errno.EPERM):
        return _("No permission to read {path}; nothing was attached.").format(path=path)
    return _("Could not read {path}: {reason}. Nothing was attached.").format(path=path, reason=os_reason(error))


def _write_problem(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOSPC:
        return _("The disk is full: {path} could not be written. Nothing was changed.").format(path=path)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("No permission to write {path}. Nothing was changed.").format(path=path)
    return _("Could not write {path}: {reason}. Nothing was changed.").format(path=path, reason=os_reason(error))


__all__ = [
    "ATTACH_ATTEMPTS",
    "TABLE",
    "AttachmentError",
    "AttachmentRepository",
    "CancelCheck",
    "ContentGone",
    "CopyCancelled",
    "ExportPlan",
    "ExportTargetExists",
    "IncomingFile",
    "Progress",
    "files_folder",
]
