"""Files attached to contacts: the content beside the database, the records in the "files" table.

Content lives in ``X-files/`` beside ``X.json``, once per distinct content, as
``X-files/ab/abcdef…`` (its SHA-256): attaching the same file twice stores it once. A file is
streamed in chunks into a hidden temporary file in that folder (hashed on the way, fsynced)
and then renamed into place, so a crash, a full disk or a vanished source leave no half
file under a hash name. The record is written after the content; if the record cannot be
written the content stays unreferenced (harmless; another attach of it reuses it).

Deleting moves a record to the trash; its content stays while any record, trashed ones too,
names it. Purging a record removes the content once nothing names it any more.
"""

from __future__ import annotations

import errno
import hashlib
import os
import uuid
from pathlib import Path

from tui_crm.domain.attachments import (
    Attachment,
    AttachmentRuleError,
    blob_name,
    clean_description,
    clean_name,
)
from tui_crm.i18n import _

from .database import Database
from .errors import NotFoundError, ReadOnlyError, StoreError
from .files import fsync_dir
from .journal import Op
from .timestamps import utc_now

TABLE = "files"
CONTACTS = "contacts"
CHUNK = 1024 * 1024


class AttachmentError(StoreError):
    """Attaching or exporting failed; nothing was written. The message is for the user."""


class ExportTargetExists(AttachmentError):
    """The export target already exists; export again with ``overwrite=True`` to replace it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(_("{path} already exists.").format(path=path))


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

    def attach(self, contact_id: int, path: str | os.PathLike[str], description: str = "", *, author: str) -> Attachment:
        """Store the file at ``path`` (``~`` expanded) and record it for the contact."""
        if self.database.read_only:
            raise ReadOnlyError(str(self.database.path))
        try:
            description = clean_description(description)
            source = _source_file(path)
            name = clean_name(source.name)
        except AttachmentRuleError as error:
            raise AttachmentError(str(error)) from error
        self._require_contact(contact_id)
        sha256, size = self._store_content(source)
        with self.database.write() as batch:
            self._require_contact(contact_id)  # still there, now that other sessions are caught up
            if not (self.folder / blob_name(sha256)).is_file():  # purged meanwhile by another session
                sha256, size = self._store_content(source)
            record = Attachment(contact_id, name, size, sha256, description, utc_now(), author)
            record.id = batch.new_id(TABLE)
            batch.put(TABLE, record.id, record.to_doc())
        return record

    def _require_contact(self, contact_id: int) -> None:
        doc = self.database.table(CONTACTS).raw_get(contact_id)
        if doc is None or doc.get("deleted_at"):
            raise NotFoundError(_("The contact no longer exists; nothing was attached."))

    def _store_content(self, source: Path) -> tuple[str, int]:
        """Copy ``source`` into the folder under its hash (unless that content is there already)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AttachmentError(_write_problem(error, self.folder)) from error
        tmp = self.folder / f".incoming-{os.getpid()}-{uuid.uuid4().hex}.tmp"
        digest, size = hashlib.sha256(), 0
        try:
            try:
                reader = open(source, "rb")  # noqa: SIM115 - opened apart: a read problem is not a write problem
            except OSError as error:
                raise AttachmentError(_read_problem(error, source)) from error
            with reader, open(tmp, "wb") as writer:
                while True:
                    try:
                        chunk = reader.read(CHUNK)
                    except OSError as error:
                        raise AttachmentError(_read_problem(error, source)) from error
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            target = self.folder / blob_name(digest.hexdigest())
            if not (target.is_file() and target.stat().st_size == size):
                target.parent.mkdir(exist_ok=True)
                os.replace(tmp, target)  # atomic: the content appears whole or not at all
                fsync_dir(target.parent)
        except OSError as error:
            raise AttachmentError(_write_problem(error, self.folder)) from error
        finally:
            tmp.unlink(missing_ok=True)
        return digest.hexdigest(), size

    # -- exporting -------------------------------------------------------------------------

    def export(self, record_id: int, target_path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Copy the file's content to ``target_path`` (a folder: the original name inside it).

        An existing file is replaced only with ``overwrite``; otherwise ``ExportTargetExists``.
        Returns the path written. Works on a read-only database too.
        """
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
        _copy_out(content, target, record, overwrite=overwrite)
        return target

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


def _copy_out(content: Path, target: Path, record: Attachment, *, overwrite: bool) -> None:
    """Stream ``content`` to a hidden file beside ``target``, check its hash, then give it the
    name: replacing only with ``overwrite``, else by a hard link, which never replaces."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with open(content, "rb") as reader, open(tmp, "wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
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
    return _("Could not read {path}: {reason}. Nothing was attached.").format(path=path, reason=error.strerror or error)


def _write_problem(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOSPC:
        return _("The disk is full: {path} could not be written. Nothing was changed.").format(path=path)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("No permission to write {path}. Nothing was changed.").format(path=path)
    return _("Could not write {path}: {reason}. Nothing was changed.").format(path=path, reason=error.strerror or error)


__all__ = ["TABLE", "AttachmentError", "AttachmentRepository", "ExportTargetExists", "files_folder"]
