"""In-memory search and sort index over the contacts, kept current from the change feed.

Search scans a pre-sorted list of ids and tests each contact's folded "haystack" string, so
results come out already sorted; typing more characters narrows the previous result instead
of scanning everything again.
"""

from __future__ import annotations

from bisect import insort
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from tui_crm.domain.collation import sort_key
from tui_crm.domain.contact import ContactKind, display_name
from tui_crm.domain.text import fold, query_tokens, search_haystack

RECENT_RESULTS = 16
SORT_COLUMNS = ("name", "kind", "phone", "email", "city", "tags", "manager")


@dataclass(frozen=True, slots=True)
class ContactQuery:
    """What the contact list shows: a search text, quick filters and the sort order."""

    text: str = ""
    kind: ContactKind | None = None
    suppliers_only: bool = False
    tag: str | None = None
    sort: str = "name"
    descending: bool = False

    def with_text(self, text: str) -> ContactQuery:
        return replace(self, text=text)


def _first(items: list[dict[str, Any]], key: str) -> str:
    return items[0].get(key, "") if items else ""


#: From this many contacts in one batch, re-sorting beats patching the orders one by one.
BULK_CHANGE = 50


class ContactIndex:
    def __init__(self, language: str) -> None:
        self.language = language
        self._docs: dict[int, dict[str, Any]] = {}  # live (not deleted) contacts only
        self._haystacks: dict[int, str] = {}
        self._name_keys: dict[int, str] = {}
        self._orders: dict[tuple[str, bool], list[int]] = {}
        # Recent results, newest last: a longer query narrows one of them, backspace finds
        # its earlier result here. Cleared whenever the data changes.
        self._recent: OrderedDict[tuple[ContactQuery, tuple[str, ...]], list[int]] = OrderedDict()
        self._unindexed: list[int] = []  # ids whose haystack is not built yet (see index_pending)

    def __len__(self) -> int:
        return len(self._docs)

    def rebuild(self, items: Iterable[tuple[int, dict[str, Any]]]) -> None:
        """Index everything; the search texts are left for ``index_pending`` so the list can
        be shown first (sorting needs only the name keys)."""
        self._docs.clear()
        self._haystacks.clear()
        self._name_keys.clear()
        language = self.language
        for contact_id, doc in items:
            if not doc.get("deleted_at"):
                self._docs[contact_id] = doc
                self._name_keys[contact_id] = sort_key(display_name(doc), language)
        self._unindexed = list(self._docs)
        self._invalidate()

    def index_pending(self, limit: int | None = None) -> bool:
        """Build the search text of up to ``limit`` (None: all) more contacts; True when done."""
        pending, docs, haystacks = self._unindexed, self._docs, self._haystacks
        count = len(pending) if limit is None else min(limit, len(pending))
        for _step in range(count):
            contact_id = pending.pop()
            doc = docs.get(contact_id)
            if doc is not None and contact_id not in haystacks:
                haystacks[contact_id] = search_haystack(doc)
        return not pending

    def update(self, contact_id: int, doc: dict[str, Any] | None) -> None:
        """One contact changed: fix the sorted orders in place (a full re-sort of 100k
        contacts would cost every session ~70 ms per save)."""
        was_live = contact_id in self._docs
        live = doc is not None and not doc.get("deleted_at")
        orders = self._orders
        if was_live:
            for order in orders.values():
                order.remove(contact_id)
        if was_live:
            del self._docs[contact_id], self._name_keys[contact_id]
            self._haystacks.pop(contact_id, None)
        if live:
            self._add(contact_id, doc)
            for (column, descending), order in list(orders.items()):
                if descending:
                    del orders[(column, descending)]  # bisect needs ascending keys
                else:
                    insort(order, contact_id, key=self._column_key(column))
        self._recent.clear()

    def update_many(self, changes: list[tuple[int, dict[str, Any] | None]]) -> None:
        """Many contacts changed (a bulk edit, a merge, an import): patching each sorted order
        per contact would cost seconds, so the orders are dropped and re-sorted when next used,
        and the search texts are left for ``index_pending`` (as at start-up)."""
        if len(changes) < BULK_CHANGE:
            for contact_id, doc in changes:
                self.update(contact_id, doc)
            return
        for contact_id, doc in changes:
            if contact_id in self._docs:
                del self._docs[contact_id], self._name_keys[contact_id]
                self._haystacks.pop(contact_id, None)
            if doc is not None and not doc.get("deleted_at"):
                self._add(contact_id, doc, search=False)
                self._unindexed.append(contact_id)
        self._invalidate()

    def find(self, query: ContactQuery) -> list[int]:
        tokens = query_tokens(query.text)
        key = (query.with_text(""), tuple(tokens))
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        if tokens:
            self.index_pending()
        candidates = self._narrowing_base(key[0], tokens)
        haystacks = self._haystacks
        if tokens:
            if len(tokens) == 1:
                token = tokens[0]
                candidates = [i for i in candidates if token in haystacks[i]]
            else:
                candidates = [i for i in candidates if all(t in haystacks[i] for t in tokens)]
        self._recent[key] = candidates
        if len(self._recent) > RECENT_RESULTS:
            self._recent.popitem(last=False)
        return candidates

    def tag_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for doc in self._docs.values():
            for tag in doc.get("tags", ()):
                counts[tag] = counts.get(tag, 0) + 1
        return counts

    # -- internals -------------------------------------------------------------------------

    def _add(self, contact_id: int, doc: dict[str, Any], *, search: bool = True) -> None:
        self._docs[contact_id] = doc
        if search:
            self._haystacks[contact_id] = search_haystack(doc)
        self._name_keys[contact_id] = sort_key(display_name(doc), self.language)

    def _invalidate(self) -> None:
        self._orders.clear()
        self._recent.clear()

    def _narrowing_base(self, filters: ContactQuery, tokens: list[str]) -> list[int]:
        """The smallest recent result that the new query can only narrow, else all contacts
        that pass the filters (in sort order)."""
        best: list[int] | None = None
        for (old_filters, old_tokens), result in self._recent.items():
            if (
                old_filters == filters
                and len(tokens) >= len(old_tokens)
                and all(old in new for old, new in zip(old_tokens, tokens))
                and (best is None or len(result) < len(best))
            ):
                best = result
        return best if best is not None else self._filtered(filters)

    def _filtered(self, query: ContactQuery) -> list[int]:
        ids = list(self._order(query.sort, query.descending))  # a copy: orders change in place
        docs = self._docs
        if query.kind is not None:
            kind = str(query.kind)
            ids = [i for i in ids if docs[i].get("kind") == kind]
        if query.suppliers_only:
            ids = [i for i in ids if docs[i].get("supplier")]
        if query.tag:
            wanted = fold(query.tag)
            ids = [i for i in ids if any(fold(t) == wanted for t in docs[i].get("tags", ()))]
        return ids

    def _order(self, column: str, descending: bool) -> list[int]:
        cache_key = (column, descending)
        order = self._orders.get(cache_key)
        if order is None:
            if column == "name":  # the start-up sort: stable on ids, same as (name, id), no tuples
                order = sorted(sorted(self._docs), key=self._name_keys.__getitem__)
                if descending:
                    order.reverse()
            else:
                order = sorted(self._docs, key=self._column_key(column), reverse=descending)
            self._orders[cache_key] = order
        return order

    def _column_key(self, column: str) -> Callable[[int], Any]:
        """Sort key of a column; the name, then the id break ties, so every order is total
        (an order patched in place must equal a fresh sort)."""
        docs, names, language = self._docs, self._name_keys, self.language
        if column == "name":
            return lambda i: (names[i], i)
        if column == "kind":
            return lambda i: (docs[i].get("kind", ""), names[i], i)
        if column == "phone":
            return lambda i: (_first(docs[i].get("phones", []), "number") or "\uffff", names[i], i)
        if column == "email":
            return lambda i: (fold(_first(docs[i].get("emails", []), "address")) or "\uffff", names[i], i)
        if column == "city":
            return lambda i: (sort_key(_first(docs[i].get("addresses", []), "city"), language) or "\uffff", names[i], i)
        if column == "tags":
            return lambda i: (sort_key(", ".join(docs[i].get("tags", [])), language) or "\uffff", names[i], i)
        if column == "manager":
            return lambda i: (docs[i].get("account_manager", "") or "\uffff", names[i], i)
        raise ValueError(f"unknown sort column {column!r}")
