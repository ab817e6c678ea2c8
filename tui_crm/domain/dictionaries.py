"""Editable lists of choices: activity kinds, priorities, categories, phone types, contact-person
roles, acquisition sources (seed 002's "universal dictionaries").

Records keep an entry's ``key``; the ``label`` is what people see, so renaming an entry renames
it on every record at once. An entry some record uses cannot be deleted, only archived: hidden
from new choices, still shown on the records that have it. Built-in entries carry English
labels that are translated when shown, until someone renames them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui_crm.i18n import _, format_number, ngettext, translate_marked

ACTIVITY_KINDS = "activity_kind"
ACTIVITY_PRIORITIES = "activity_priority"
ACTIVITY_CATEGORIES = "activity_category"
PHONE_TYPES = "phone_type"
CONTACT_ROLES = "contact_role"
ACQUISITION_SOURCES = "acquisition_source"

DICTIONARY_NAMES = (ACTIVITY_KINDS, ACTIVITY_PRIORITIES, ACTIVITY_CATEGORIES, PHONE_TYPES, CONTACT_ROLES,
                    ACQUISITION_SOURCES)


def N_(message: str) -> str:  # the gettext convention: marks a string to translate when shown
    return message


def dictionary_title(name: str) -> str:
    return {
        ACTIVITY_KINDS: _("Activity kinds"),
        ACTIVITY_PRIORITIES: _("Priorities"),
        ACTIVITY_CATEGORIES: _("Categories"),
        PHONE_TYPES: _("Phone types"),
        CONTACT_ROLES: _("Contact-person roles"),
        ACQUISITION_SOURCES: _("Acquisition sources"),
    }[name]


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    label: str
    archived: bool = False
    builtin: bool = False

    def shown(self) -> str:
        return translate_marked(self.label) if self.builtin else self.label

    def to_doc(self) -> dict[str, object]:
        doc: dict[str, object] = {"key": self.key, "label": self.label}
        if self.archived:
            doc["archived"] = True
        if self.builtin:
            doc["builtin"] = True
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, object]) -> Entry:
        return cls(str(doc["key"]), str(doc.get("label") or doc["key"]), bool(doc.get("archived")),
                   bool(doc.get("builtin")))


def _builtin(*pairs: tuple[str, str]) -> tuple[Entry, ...]:
    return tuple(Entry(key, label, builtin=True) for key, label in pairs)


#: What a new database starts with. Roles, sources and custom phone types are stored on records
#: as the text chosen, so their keys are words (records may also hold a translated label).
DEFAULTS: dict[str, tuple[Entry, ...]] = {
    ACTIVITY_KINDS: _builtin(("phone", N_("Phone call")), ("email", N_("E-mail")), ("video", N_("Video call")),
                             ("visit", N_("Visit")), ("letter", N_("Letter"))),
    ACTIVITY_PRIORITIES: _builtin(("low", N_("Low")), ("normal", N_("Normal")), ("high", N_("High")),
                                  ("urgent", N_("Urgent"))),
    ACTIVITY_CATEGORIES: _builtin(("sales", N_("Sales")), ("service", N_("Service")),
                                  ("complaint", N_("Complaint")), ("payments", N_("Payments")),
                                  ("other", N_("Other"))),
    PHONE_TYPES: _builtin(("mobile", N_("mobile")), ("work", N_("work")), ("home", N_("home"))),
    CONTACT_ROLES: _builtin(("CEO", N_("CEO")), ("Owner", N_("Owner")), ("Accountant", N_("Accountant")),
                            ("Sales", N_("Sales")), ("Purchasing", N_("Purchasing")), ("Office", N_("Office"))),
    ACQUISITION_SOURCES: tuple(Entry(source, source) for source in (
        "polecenie", "strona www", "targi", "Google Ads", "Facebook", "cold call")),
}


class DictionaryError(ValueError):
    pass


def label_of(entries: tuple[Entry, ...] | list[Entry], key: str) -> str:
    """The label to show for a stored key; an unknown key (typed before the list existed) as is."""
    for entry in entries:
        if entry.key == key:
            return entry.shown()
    return key


def key_for(entries: tuple[Entry, ...] | list[Entry], text: str) -> str:
    """What to store for a value typed in a form: the key of the entry it names (by the label
    people see or by the key, any case), else the text itself (tidied)."""
    text = " ".join(text.split())
    folded = text.casefold()
    by_label = (e.key for e in entries if e.shown().casefold() == folded)
    by_key = (e.key for e in entries if e.key.casefold() == folded)
    return next(by_label, None) or next(by_key, None) or text


def choices(entries: tuple[Entry, ...] | list[Entry], current: str = "") -> list[Entry]:
    """What a form offers: the live entries, plus the record's own value even if archived
    (text-valued fields may hold the label people saw rather than the key)."""
    return [e for e in entries if not e.archived or (current and current in (e.key, e.shown()))]


def _clean_label(label: str, entries: list[Entry], ignore_key: str | None = None) -> str:
    label = " ".join(label.split())
    if not label:
        raise DictionaryError(_("The name cannot be empty."))
    taken = {e.shown().casefold() for e in entries if e.key != ignore_key}
    taken |= {e.key.casefold() for e in entries if e.key != ignore_key}
    if label.casefold() in taken:
        raise DictionaryError(_("“{label}” is already on the list.").format(label=label))
    return label


def add_entry(entries: list[Entry], label: str) -> list[Entry]:
    label = _clean_label(label, entries)
    return [*entries, Entry(label, label)]


def rename_entry(entries: list[Entry], key: str, label: str) -> list[Entry]:
    _find(entries, key)  # renamed meanwhile into nothing: say so rather than silently do nothing
    label = _clean_label(label, entries, ignore_key=key)
    return [replace(e, label=label, builtin=False) if e.key == key else e for e in entries]


def set_archived(entries: list[Entry], key: str, archived: bool) -> list[Entry]:
    _find(entries, key)
    return [replace(e, archived=archived) if e.key == key else e for e in entries]


def delete_entry(entries: list[Entry], key: str, uses: int) -> list[Entry]:
    """Remove an unused entry; one in use is refused (archive it instead)."""
    entry = _find(entries, key)
    if uses:
        raise DictionaryError(
            ngettext("“{label}” is used by {n} record, so it cannot be deleted; archive it instead.",
                     "“{label}” is used by {n} records, so it cannot be deleted; archive it instead.",
                     uses).format(label=entry.shown(), n=format_number(uses)))
    return [e for e in entries if e.key != key]


def move_entry(entries: list[Entry], key: str, step: int) -> list[Entry]:
    """Move an entry up (-1) or down (+1) in the order forms show."""
    index = entries.index(_find(entries, key))
    target = max(0, min(len(entries) - 1, index + step))
    moved = list(entries)
    moved.insert(target, moved.pop(index))
    return moved


def _find(entries: list[Entry], key: str) -> Entry:
    for entry in entries:
        if entry.key == key:
            return entry
    raise DictionaryError(_("The entry no longer exists."))
