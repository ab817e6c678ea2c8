"""Files attached to a contact (contracts, invoices, photos): the record and its rules.

The content itself is kept by the store, once per distinct content (named by its SHA-256);
a record says which contact it belongs to, under which name, and who attached it when.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from tui_crm.i18n import _, format_number

#: Longest name and description kept (names: what common file systems allow).
MAX_NAME = 255
MAX_DESCRIPTION = 500

_UNITS = ("B", "KB", "MB", "GB", "TB")
_HASH = re.compile(r"[0-9a-f]{64}")


class AttachmentRuleError(ValueError):
    """A name or description the rules refuse; the message is for the user."""


@dataclass(slots=True)
class Attachment:
    """One file attached to one contact, as recorded in the "files" table."""

    contact_id: int
    name: str  # the original file name, no folders
    size: int  # bytes
    sha256: str  # names the stored content
    description: str = ""
    added_at: str = ""  # UTC ISO text
    added_by: str = ""
    deleted_at: str | None = None
    deleted_by: str | None = None
    version: int = 1
    id: int | None = None

    @property
    def trashed(self) -> bool:
        return bool(self.deleted_at)

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("id")
        if not self.deleted_at:  # compact: most records were never deleted
            doc.pop("deleted_at")
            doc.pop("deleted_by")
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], record_id: int | None = None) -> Attachment:
        return cls(
            contact_id=doc["contact_id"],
            name=doc.get("name", ""),
            size=int(doc.get("size", 0)),
            sha256=doc.get("sha256", ""),
            description=doc.get("description", ""),
            added_at=doc.get("added_at", ""),
            added_by=doc.get("added_by", ""),
            deleted_at=doc.get("deleted_at"),
            deleted_by=doc.get("deleted_by"),
            version=int(doc.get("version", 1)),
            id=record_id,
        )


def clean_name(name: str) -> str:
    """The name a file is listed and exported under: the last part of a path, without control
    characters or surrounding blanks. Refuses an empty name and "." / ".."."""
    base = re.split(r"[/\\]", name)[-1]
    base = "".join(c for c in base if unicodedata.category(c) != "Cc").strip()
    if base in ("", ".", ".."):
        raise AttachmentRuleError(_("The file needs a name."))
    if len(base) > MAX_NAME:  # shorten the stem, keep a short extension (".pdf")
        stem, dot, suffix = base.rpartition(".")
        ending = dot + suffix if stem and len(suffix) <= 10 else ""
        base = base[: len(base) - len(ending)][: MAX_NAME - len(ending)].rstrip() + ending
    return base


def clean_description(text: str) -> str:
    """One line of text (line breaks become spaces), at most ``MAX_DESCRIPTION`` characters."""
    one_line = " ".join(text.split())
    if len(one_line) > MAX_DESCRIPTION:
        raise AttachmentRuleError(
            _("The description is too long ({n} characters; at most {max}).").format(
                n=format_number(len(one_line)), max=format_number(MAX_DESCRIPTION)))
    return one_line


def blob_name(sha256: str) -> str:
    """Where content is kept inside the files folder: "ab/abcdef…" (256 subfolders)."""
    if not _HASH.fullmatch(sha256):
        raise AttachmentRuleError(_("Not a content hash: {value}").format(value=sha256))
    return f"{sha256[:2]}/{sha256}"


def human_size(size: int) -> str:
    """"512 B", "1.5 KB", "12 MB" (1 KB = 1024 B), numbers in the user's locale."""
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{format_number(size)} {_UNITS[0]}"
    shown = round(value, 1) if value < 10 else round(value)
    if shown >= 1024 and unit < len(_UNITS) - 1:  # 1023.9 KB rounds to 1024: say 1 MB
        shown, unit = 1, unit + 1
    return f"{format_number(shown)} {_UNITS[unit]}"
