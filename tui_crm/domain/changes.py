"""What changed between two versions of a record, and carrying an edit over a newer version.

When a save is refused because someone else saved first, the user's edit is not thrown away:
the fields the user changed are re-applied on top of the newer version, and the fields both
people changed are reported so the user can look at them before saving again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Kept by the store, never part of an edit.
BOOKKEEPING_FIELDS = frozenset(
    {"version", "created_at", "created_by", "updated_at", "updated_by", "deleted_at", "deleted_by"}
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Fields whose value differs, in a stable order, bookkeeping excluded."""
    names = sorted((old.keys() | new.keys()) - BOOKKEEPING_FIELDS)
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


@dataclass(frozen=True, slots=True)
class Reapplied:
    doc: dict[str, Any]
    #: fields both the user and the other session changed, to different values
    conflicts: list[FieldChange]
    #: what the other session changed (old = the version the user edited)
    theirs: list[FieldChange]


def reapply_edit(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> Reapplied:
    """Put the user's changes (``base`` -> ``mine``) on top of ``theirs``.

    On a field changed on both sides, the user's value is taken (it is what they see in the
    form) and the field is listed in ``conflicts`` with the other value in ``old``.
    """
    merged = dict(theirs)
    conflicts = []
    their_changes = {c.field: c for c in changed_fields(base, theirs)}
    for change in changed_fields(base, mine):
        if change.new is None:  # the user emptied it: stored documents leave empty fields out
            merged.pop(change.field, None)
        else:
            merged[change.field] = change.new
        other = their_changes.get(change.field)
        if other is not None and other.new != change.new:
            conflicts.append(FieldChange(change.field, other.new, change.new))
    return Reapplied(merged, conflicts, list(their_changes.values()))
