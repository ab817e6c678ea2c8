"""Generated documents: rendering a template into a new file, and the record of what was made.

A document is rendered completely in memory first; only then is a file written, in one step
(a hidden temporary file, fsynced, given its name by a hard link, which never replaces an
existing file). A template error, a missing or read-only folder or a full disk therefore never
leave a half-written document behind. Each document generated for an organization is recorded
in the "documents" table, so the organization's card can list them.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from tui_crm.domain.documents import (
    SHIPPED_TEMPLATES,
    GeneratedDocument,
    output_name,
    render_template,
)
from tui_crm.i18n import _, os_reason

from .contacts import utc_now
from .database import Database
from .errors import ReadOnlyError, StoreError
from .files import atomic_write_bytes, fsync_dir
from .settings import SettingsRepository

TABLE = "documents"
TEMPLATES_FOLDER = "templates_folder"
DOCUMENTS_FOLDER = "documents_folder"
#: "umowa-x-2026-11-25.md", "umowa-x-2026-11-25-2.md", … up to this suffix.
MAX_SUFFIX = 999


class DocumentError(StoreError):
    """The document could not be written; nothing was written. The message is for the user."""


# -- folders ---------------------------------------------------------------------------------


def templates_folder(settings: SettingsRepository) -> Path:
    """The folder the user picked (setting "templates_folder"), else the shipped examples."""
    value = settings.get(TEMPLATES_FOLDER)
    return Path(value).expanduser() if value else SHIPPED_TEMPLATES


def default_documents_folder(database: Database) -> Path:
    """"crm-documents" beside "crm.json"."""
    return database.path.parent / (database.path.stem + "-documents")


def documents_folder(settings: SettingsRepository, database: Database) -> Path:
    """Where documents are written (setting "documents_folder"), else the default folder."""
    value = settings.get(DOCUMENTS_FOLDER)
    return Path(value).expanduser() if value else default_documents_folder(database)


# -- writing ---------------------------------------------------------------------------------


def generate_document(template_path: Path, output_folder: Path, context: dict[str, Any], *,
                      filename: str | None = None, create_folder: bool = False) -> Path:
    """Render ``template_path`` with ``context`` and write it as a new file in ``output_folder``.

    The name is ``filename`` or ``output_name(template, organization, today)`` taken from the
    context; when a file of that name exists, "-2", "-3", … is added: an existing file is never
    replaced. Returns the path written.

    Raises ``TemplateProblem`` (nothing written) when the template fails, ``DocumentError``
    when the folder is missing (and not ``create_folder``) or read-only, or writing fails.
    """
    text = render_template(template_path, context)  # first: a failing template writes nothing
    data = text.encode("utf-8")
    folder = Path(output_folder).expanduser().resolve()
    if create_folder:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DocumentError(_describe(error, folder)) from error
    if not folder.is_dir():
        raise DocumentError(_("The documents folder {path} does not exist; nothing was written.").format(path=folder))
    if not _writable(folder):
        raise DocumentError(_("The documents folder {path} is read-only; nothing was written.").format(path=folder))
    name = filename or output_name(Path(template_path), context["organization"], context["today"])
    try:
        return _write_new(folder, name, data)
    except OSError as error:
        raise DocumentError(_describe(error, folder)) from error


def _writable(folder: Path) -> bool:
    """False for a folder the user marked read-only, even when root could write it anyway."""
    return folder.stat().st_mode & 0o222 != 0 and os.access(folder, os.W_OK)


def _candidates(folder: Path, name: str):
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot and stem else (name, "")
    yield folder / name
    for n in range(2, MAX_SUFFIX + 1):
        yield folder / f"{stem}-{n}{suffix}"


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new file ``name`` (or ``name-2``, …) in ``folder``, all or nothing."""
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for candidate in _candidates(folder, name):
            try:
                os.link(tmp, candidate)  # atomic, and fails if the name is taken (another session)
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system (FAT, some shares)
                if candidate.exists():
                    continue
                atomic_write_bytes(candidate, data)
            fsync_dir(folder)
            return candidate
    finally:
        tmp.unlink(missing_ok=True)
    raise DocumentError(_("Too many documents named {name} in {path}; nothing was written.").format(name=name, path=folder))


def _describe(error: OSError, folder: Path) -> str:
    if error.errno == errno.ENOSPC:
        return _("The disk is full: the document could not be written to {path}. Nothing was written.").format(path=folder)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("The documents folder {path} is read-only; nothing was written.").format(path=folder)
    return _("Could not write the document to {path}: {reason}. Nothing was written.").format(
        path=folder, reason=os_reason(error)
    )


# -- the record ------------------------------------------------------------------------------


class DocumentRepository:
    """The "documents" table: {organization_id, template, path, created_at, created_by}."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)

    def of_organization(self, organization_id: int) -> list[GeneratedDocument]:
        """The organization's documents, newest first."""
        found = [
            GeneratedDocument.from_doc(doc, document_id)
            for document_id, doc in self._table.raw_items()
            if doc.get("organization_id") == organization_id
        ]
        return sorted(found, key=lambda d: (d.created_at, d.id or 0), reverse=True)

    def record(self, organization_id: int, template: str, path: Path, *, author: str) -> GeneratedDocument:
        with self.database.write() as batch:
            document = GeneratedDocument(organization_id, template, str(path), utc_now(), author)
            document.id = batch.new_id(TABLE)
            batch.put(TABLE, document.id, document.to_doc())
        return document

    def generate(self, organization_id: int, template_path: Path, output_folder: Path, context: dict[str, Any], *,
                 author: str, create_folder: bool = False) -> GeneratedDocument:
        """``generate_document`` and its record, together: if the record cannot be saved
        (read-only or busy database) the written file is removed again."""
        if self.database.read_only:
            raise ReadOnlyError(str(self.database.path))
        path = generate_document(template_path, output_folder, context, create_folder=create_folder)
        try:
            return self.record(organization_id, Path(template_path).name, path, author=author)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
