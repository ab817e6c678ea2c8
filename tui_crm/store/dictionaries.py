"""The editable dictionaries, one record each, shared by every session.

Whether an entry is in use is asked of the repositories whose records hold it (registered by
the application with ``count_uses``), so the rule "in use: archive, don't delete" holds
without this module knowing every table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tui_crm.domain.dictionaries import (
    CONTACT_ROLES,
    DEFAULTS,
    DICTIONARY_NAMES,
    Entry,
    add_entry,
    delete_entry,
    move_entry,
    rename_entry,
    set_archived,
)

from .contacts import utc_now
from .database import Database

TABLE = "dictionaries"

#: Before dictionaries existed, roles typed by users were kept in this setting.
LEGACY_ROLES_SETTING = "contact_roles"

UsageCounter = Callable[[Iterable[str]], int]


class DictionaryRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)
        self._counters: dict[str, list[UsageCounter]] = {}

    def count_uses(self, name: str, counter: UsageCounter) -> None:
        """Register how to count records that use an entry of dictionary ``name``."""
        self._counters.setdefault(name, []).append(counter)

    def entries(self, name: str) -> list[Entry]:
        found = self._find(name)
        if found is not None:
            return [Entry.from_doc(e) for e in found[1].get("entries", [])]
        return self._defaults(name)

    def uses(self, name: str, key: str) -> int:
        """Records using the entry: by its key, or by the label people see (text-valued fields)."""
        entry = next((e for e in self.entries(name) if e.key == key), None)
        keys = {key} | ({entry.label, entry.shown()} if entry else set())
        return sum(counter(keys) for counter in self._counters.get(name, []))

    # -- editing (each under the lock, on the current list) ----------------------------------

    def add(self, name: str, label: str, *, author: str) -> None:
        self._edit(name, author, lambda entries: add_entry(entries, label))

    def rename(self, name: str, key: str, label: str, *, author: str) -> None:
        self._edit(name, author, lambda entries: rename_entry(entries, key, label))

    def archive(self, name: str, key: str, archived: bool, *, author: str) -> None:
        self._edit(name, author, lambda entries: set_archived(entries, key, archived))

    def delete(self, name: str, key: str, *, author: str) -> None:
        self._edit(name, author, lambda entries: delete_entry(entries, key, self.uses(name, key)))

    def move(self, name: str, key: str, step: int, *, author: str) -> None:
        self._edit(name, author, lambda entries: move_entry(entries, key, step))

    def remember(self, name: str, label: str, *, author: str) -> None:
        """Add a value typed in a form, unless the list has it already (by label or key)."""
        self.remember_all(name, [label], author=author)

    def remember_all(self, name: str, labels: Iterable[str], *, author: str) -> None:
        """``remember`` for several values (an import's roles) in one write."""
        wanted = [label for label in dict.fromkeys(" ".join(text.split()) for text in labels) if label]
        known = self.entries(name)
        if all(_knows(known, label) for label in wanted):
            return

        def add_new(entries: list[Entry]) -> list[Entry]:
            # checked again under the lock: another session may have added some meanwhile
            for label in wanted:
                if not _knows(entries, label):
                    entries = add_entry(entries, label)
            return entries

        self._edit(name, author, add_new)

    def _edit(self, name: str, author: str, change: Callable[[list[Entry]], list[Entry]]) -> None:
        if name not in DICTIONARY_NAMES:
            raise ValueError(f"unknown dictionary {name!r}")
        with self.database.write() as batch:
            before = self.entries(name)
            entries = change(before)
            found = self._find(name)
            if found is not None and entries == before:
                return  # nothing changed: no write, no refresh in every session
            record_id = found[0] if found else batch.new_id(TABLE)
            batch.put(TABLE, record_id, {"name": name, "entries": [e.to_doc() for e in entries],
                                         "updated_by": author, "updated_at": utc_now()})

    def _defaults(self, name: str) -> list[Entry]:
        entries = list(DEFAULTS[name])
        if name == CONTACT_ROLES:
            for role in self._legacy_roles():
                if role.casefold() not in {e.shown().casefold() for e in entries}:
                    entries.append(Entry(role, role))
        return entries

    def _legacy_roles(self) -> list[str]:
        settings = self.database.table("settings")
        for _, doc in settings.raw_items():
            if doc.get("key") == LEGACY_ROLES_SETTING:
                return [str(role) for role in doc.get("value") or []]
        return []

    def _find(self, name: str) -> tuple[int, dict] | None:
        return next(((i, doc) for i, doc in self._table.raw_items() if doc.get("name") == name), None)


def _knows(entries: list[Entry], label: str) -> bool:
    """Whether a typed value is on the list already, as a key or as the label people see."""
    folded = label.casefold()
    return any(folded in (e.key.casefold(), e.shown().casefold()) for e in entries)
