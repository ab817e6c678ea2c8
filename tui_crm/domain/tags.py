"""Tags across all contacts: how one contact's tag list changes when a tag is renamed, merged
into another or deleted, and how the per-spelling counts add up per tag.

Tags are compared as the contact model compares them (``normalize_tags``): spaces trimmed and
collapsed, case ignored. A contact never holds two tags that compare equal.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui_crm.i18n import _

from .contact import normalize_tags


class TagError(ValueError):
    """A tag name that cannot be used; the message says why."""


def tag_key(tag: str) -> str:
    """What two tags must share to be the same tag: "  Vip  Club" and "vip club" do."""
    return " ".join(tag.split()).casefold()


def clean_tag_name(name: str) -> str:
    """The name as it will be stored, or ``TagError``: the form separates tags by commas,
    so a comma would split the tag the next time the contact is edited."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TagError(_("A tag needs a name."))
    if "," in cleaned:
        raise TagError(_("A tag cannot contain a comma (commas separate tags)."))
    return cleaned


def has_tag(tags: Iterable[str], tag: str) -> bool:
    wanted = tag_key(tag)
    return any(tag_key(t) == wanted for t in tags)


def merged_tags(tags: list[str], sources: Iterable[str], into: str) -> list[str]:
    """``tags`` with every one of ``sources`` replaced by ``into``.

    A list holding none of ``sources`` is returned unchanged (a copy). Otherwise ``into``
    takes the place of the first of them (or of an existing spelling of ``into``, if that
    comes first) and is there once only; every other tag keeps its place.
    """
    source_keys = {tag_key(source) for source in sources}
    if not any(tag_key(tag) in source_keys for tag in tags):
        return list(tags)
    replaced = source_keys | {tag_key(into)}
    return normalize_tags([into if tag_key(tag) in replaced else tag for tag in tags])


def renamed_tags(tags: list[str], old: str, new: str) -> list[str]:
    """``tags`` with ``old`` renamed to ``new`` (no duplicate if it had both)."""
    return merged_tags(tags, [old], new)


def without_tag(tags: list[str], tag: str) -> list[str]:
    wanted = tag_key(tag)
    return [t for t in tags if tag_key(t) != wanted]


def grouped_counts(counts: dict[str, int]) -> dict[str, int]:
    """Counts per stored spelling ("VIP": 3, "vip": 1) as counts per tag, each under its most
    used spelling ("VIP": 4); a contact holds one spelling at most, so the sums are contacts."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for spelling, count in counts.items():
        groups.setdefault(tag_key(spelling), []).append((count, spelling))
    result = {}
    for spellings in groups.values():
        # the most used; among equals, the one sorting first (stable, whatever the dict order)
        shown = min(spellings, key=lambda item: (-item[0], item[1]))[1]
        result[shown] = sum(count for count, _spelling in spellings)
    return result
