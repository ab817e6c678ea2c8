"""Likely duplicates (seed 001): which contacts probably are the same person or organization.

Two contacts of the same kind are likely duplicates when they share

* a phone number (compared in E.164: "+48 600 100 200" and "600-100-200" are the same number),
* an e-mail address (compared case-insensitively),
* a NIP (its 10 digits),
* or a very similar name in the same city: rapidfuzz's ``token_sort_ratio`` of the names, folded
  (no case, no diacritics, no punctuation) is at least ``NAME_SIMILARITY``. Persons are compared
  by their full name, organizations by their name without the legal form ("sp. z o.o.", "S.A.",
  "spółka jawna", …), so "Alfa Sp. z o.o." and "ALFA S.A." in Kraków are likely the same firm.
  Two organizations that both have no city are compared by name too (an organization known by
  its name alone — one an import created for its persons — would otherwise be added again by
  every import); two persons without a city are not: a name is far from unique among people.
  Two organizations with different NIPs are different firms, however alike their names.

Only contacts of the same kind are compared: a contact person who shares the phone or the
"biuro@" address of their organization is not a duplicate of it.

Nothing here compares every pair of contacts. Each contact has *keys*: one per phone, e-mail and
NIP (equal keys mean equal values) and *name blocks* (its kind, a city and the first letters of
one word of its name). Only contacts that share a key or a block are ever compared, so checking
one contact costs a few dictionary look-ups, and ``duplicate_groups`` (the report over the whole
database) is a union-find over the keys plus name comparisons inside each block. Names are
compared only inside a shared block by the rule itself, too (``shared_reasons``): names that
similar share a word's first letters anyway, and so one contact's check and the report always
agree.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.process import extract

from tui_crm.i18n import _

from .contact import Contact, ContactKind, display_name
from .text import digits, fold
from .validation import normalize_phone

#: Reasons, in the order of how sure they are.
SAME_PHONE, SAME_EMAIL, SAME_NIP, SIMILAR_NAME = "same phone", "same e-mail", "same NIP", "similar name in the same city"
REASONS = (SAME_PHONE, SAME_EMAIL, SAME_NIP, SIMILAR_NAME)

#: The least ``token_sort_ratio`` (0-100) of two names that counts as "very similar".
NAME_SIMILARITY = 90

#: Key prefixes: kind | what | value.
_PHONE, _EMAIL, _NIP, _BLOCK = "tel", "mail", "nip", "name"
_REASON_OF_KEY = {_PHONE: SAME_PHONE, _EMAIL: SAME_EMAIL, _NIP: SAME_NIP}

#: Legal forms, as folded words, stripped from the end of an organization's name.
_LEGAL_FORMS = tuple(tuple(form.split()) for form in (
    "sp z o o", "sp z oo", "sp zoo", "spzoo", "spolka z o o", "spolka z ograniczona odpowiedzialnoscia",
    "s a", "sa", "spolka akcyjna",
    "s c", "sc", "spolka cywilna",
    "sp j", "spj", "s j", "sj", "spolka jawna",
    "sp k", "spk", "spolka komandytowa",
    "s k a", "ska", "sp k a", "spolka komandytowo akcyjna",
    "sp p", "spolka partnerska",
    "p s a", "psa", "prosta spolka akcyjna",
))

_LEGAL_FORMS_BY_LAST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _form in sorted(_LEGAL_FORMS, key=len, reverse=True):  # the longest form first
    _LEGAL_FORMS_BY_LAST_WORD.setdefault(_form[-1], []).append(_form)
del _form

_NOT_WORD = re.compile(r"[\W_]+")
_BLOCK_LETTERS = 3


def reason_label(reason: str, *, short: bool = False) -> str:
    """The reason in the user's language (``short``: for a narrow column)."""
    if short:
        return {SAME_PHONE: _("phone"), SAME_EMAIL: _("e-mail"), SAME_NIP: _("NIP"),
                SIMILAR_NAME: _("similar name")}.get(reason, reason)
    return {
        SAME_PHONE: _("same phone"),
        SAME_EMAIL: _("same e-mail"),
        SAME_NIP: _("same NIP"),
        SIMILAR_NAME: _("similar name in the same city"),
    }.get(reason, reason)


@dataclass(frozen=True, slots=True)
class ContactKeys:
    """What a contact is compared by (see the module's docstring)."""

    #: Phone, e-mail and NIP keys: two contacts sharing one are likely duplicates.
    exact: tuple[str, ...] = ()
    #: Name blocks: only contacts sharing one have their names compared.
    blocks: tuple[str, ...] = ()
    #: The compared name: folded words, legal form removed, sorted (so ``fuzz.ratio`` of two of
    #: them is their ``token_sort_ratio``).
    name: str = ""
    #: an organization's NIP (10 digits), "" when it has none
    nip: str = ""

    def all(self) -> tuple[str, ...]:
        return self.exact + self.blocks


def different_firms(a: ContactKeys, b: ContactKeys) -> bool:
    """Two organizations whose NIPs differ: not one firm, whatever their names say."""
    return bool(a.nip and b.nip and a.nip != b.nip)


@dataclass(frozen=True, slots=True)
class Match:
    """One likely duplicate of a contact, and why."""

    contact_id: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Contacts that are likely one and the same, and why."""

    ids: tuple[int, ...]
    #: every reason found among them
    reasons: tuple[str, ...] = ()
    #: for each of ``ids``, why it is in the group (what it shares with another member)
    member_reasons: tuple[tuple[str, ...], ...] = ()


# -- keys ----------------------------------------------------------------------------------


def contact_keys(contact: Contact | Mapping[str, Any]) -> ContactKeys:
    """The keys of a contact or of a stored document (``Contact.to_doc()``).

    Runs over every contact when the duplicates index is built, hence the plain loops.
    """
    doc = contact.to_doc() if isinstance(contact, Contact) else contact
    organization = doc.get("kind") == ContactKind.ORGANIZATION
    kind = "o|" if organization else "p|"
    exact: list[str] = []
    for phone in doc.get("phones") or ():
        number = phone_key(phone.get("number") or "")
        if number:
            exact.append(kind + _PHONE + "|" + number)
    for email in doc.get("emails") or ():
        address = (email.get("address") or "").strip().casefold()
        if address:
            exact.append(kind + _EMAIL + "|" + address)
    nip = ""
    if organization:
        nip = digits(doc.get("nip") or "")
        if len(nip) == 10:
            exact.append(kind + _NIP + "|" + nip)
        else:
            nip = ""
    if len(exact) > 1:
        exact = list(dict.fromkeys(exact))
    cities: list[str] = []
    for address in doc.get("addresses") or ():
        city = _city(address.get("city") or "")
        if city and city not in cities:
            cities.append(city)
    words = name_words(display_name(doc), organization=organization)
    name = " ".join(sorted(words))
    blocks: tuple[str, ...] = ()
    if organization and not cities:
        cities.append("")  # a block of the organizations without a city
    if name and cities:
        stems = _block_stems(words)
        blocks = tuple(sys.intern(f"{kind}{_BLOCK}|{city}|{stem}") for city in cities for stem in stems)
    return ContactKeys(tuple(exact), blocks, name, nip)


def phone_key(number: str) -> str:
    """A phone number as compared: E.164 (stored numbers already are), else its digits."""
    if number[:1] == "+" and number[1:].isdigit() and number.isascii():
        return number
    number = number.strip()
    if not number:
        return ""
    try:
        return normalize_phone(number)
    except ValueError:
        return digits(number)


def name_words(name: str, *, organization: bool = False) -> list[str]:
    """The words a name is compared by: folded, without punctuation; an organization's without
    its legal form, and with initials run together ("P.P.H.U." and "PPHU" both give "pphu")."""
    words = _NOT_WORD.sub(" ", fold(name)).split()
    if organization:
        stripped = _without_legal_form(words)
        words = _joined_initials(stripped or words)
    return words


def _without_legal_form(words: list[str]) -> list[str]:
    """``words`` without the legal forms they end with (repeatedly: "Sp. z o.o. Sp.k.")."""
    while words:
        for form in _LEGAL_FORMS_BY_LAST_WORD.get(words[-1], ()):
            if len(words) > len(form) and tuple(words[-len(form):]) == form:
                words = words[:-len(form)]
                break
        else:
            return words
    return words


def _joined_initials(words: list[str]) -> list[str]:
    joined: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1:
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    if run:
        joined.append(run)
    return joined


def _block_stems(words: list[str]) -> list[str]:
    """The first letters of each longer word; a one-word name also by its last letters, so a
    typo at its start still meets the other spelling."""
    long_words = [w for w in words if len(w) >= _BLOCK_LETTERS]
    if not long_words:
        return [" ".join(words)]
    stems = [w[:_BLOCK_LETTERS] for w in long_words]
    if len(long_words) == 1:
        stems.append("~" + long_words[0][-_BLOCK_LETTERS:])
    return list(dict.fromkeys(stems))


@lru_cache(maxsize=4096)
def _city(city: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(city)).split())


def key_reason(key: str) -> str | None:
    """The reason two contacts sharing ``key`` are likely duplicates; None for a name block
    (sharing one only means their names are compared)."""
    return _REASON_OF_KEY.get(key.split("|", 2)[1])


def needs_duplicate_check(before: Contact | None, after: Contact) -> bool:
    """Whether saving ``after`` should look for likely duplicates: always for a new contact; for
    an edit only when something duplicates are found by changed (phones, e-mails, NIP, name,
    cities, the kind), so editing a note or a tag never asks again."""
    return before is None or before.id is None or contact_keys(before) != contact_keys(after)


# -- comparing -----------------------------------------------------------------------------


def similar_names(a: str, b: str) -> bool:
    """Whether two compared names (``ContactKeys.name``) are very similar.

    ``shared_reasons`` compares the names of two contacts only when they share a name block (a
    city and the start of a word): a name so similar shares one anyway, and the rule stays the
    same whether one contact is checked or the whole database.
    """
    return bool(a and b) and fuzz.ratio(a, b, score_cutoff=NAME_SIMILARITY) > 0


def shared_reasons(a: ContactKeys, b: ContactKeys) -> tuple[str, ...]:
    """Why two contacts are likely duplicates (empty: they are not)."""
    # plain loops over the few keys of each: an import checks every record this way
    other_exact = b.exact
    found = {key_reason(key) for key in a.exact if key in other_exact}
    other_blocks = b.blocks
    for block in a.blocks:
        if block in other_blocks:
            if similar_names(a.name, b.name) and not different_firms(a, b):
                found.add(SIMILAR_NAME)
            break
    return _ordered(found) if found else ()


def _ordered(reasons: Collection[str | None]) -> tuple[str, ...]:
    return tuple(r for r in REASONS if r in reasons)


def sort_matches(matches: Iterable[Match]) -> list[Match]:
    """The surest first: more reasons, then phone/e-mail/NIP before a name, then the oldest."""
    return sorted(matches, key=lambda m: (-len(m.reasons), min(REASONS.index(r) for r in m.reasons), m.contact_id))


def likely_duplicates(contact: Contact, candidates: Iterable[Contact | tuple[int, Mapping[str, Any]]]) -> list[Match]:
    """The candidates that are likely duplicates of ``contact`` (never the contact itself),
    surest first. A candidate is a ``Contact`` with its id, or ``(id, stored document)``."""
    others: dict[int, ContactKeys] = {}
    for candidate in candidates:
        if isinstance(candidate, Contact):
            candidate_id, other = candidate.id, candidate
        else:
            candidate_id, other = candidate
        if candidate_id is not None:
            others[candidate_id] = contact_keys(other)
    return matches_among(contact_keys(contact), others, exclude_id=contact.id)


def matches_among(keys: ContactKeys, candidates: Mapping[int, ContactKeys], *, exclude_id: int | None = None) -> list[Match]:
    """The likely duplicates, surest first, of the contact with ``keys`` among ``candidates``."""
    matches = []
    for candidate_id, other in candidates.items():
        if candidate_id != exclude_id:
            reasons = shared_reasons(keys, other)
            if reasons:
                matches.append(Match(candidate_id, reasons))
    return sort_matches(matches)


def matches_by_key(keys: ContactKeys, sharing: Callable[[str], Iterable[int]],
                   known: Mapping[int, ContactKeys]) -> list[Match]:
    """``matches_among`` for an index: ``sharing(key)`` gives the ids that have the key (their
    keys in ``known``), so a
    shared phone, e-mail or NIP needs no comparing, and the names of everyone sharing a name
    block are compared in one ``extract`` call (a loop in C: an import asks this for every one
    of 100k records, each with a hundred neighbours in a big city)."""
    reasons: dict[int, set[str]] = {}
    for key in keys.exact:
        reason = key_reason(key)
        for contact_id in sharing(key):
            reasons.setdefault(contact_id, set()).add(reason)  # type: ignore[arg-type]
    if keys.name and keys.blocks:
        neighbours = {contact_id for block in keys.blocks for contact_id in sharing(block)}
        if neighbours:
            named = {contact_id: known[contact_id].name for contact_id in neighbours}
            for _choice, _score, contact_id in extract(keys.name, named, scorer=fuzz.ratio,
                                                       score_cutoff=NAME_SIMILARITY, limit=None):
                if not different_firms(keys, known[contact_id]):
                    reasons.setdefault(contact_id, set()).add(SIMILAR_NAME)
    return sort_matches(Match(contact_id, _ordered(found)) for contact_id, found in reasons.items())


# -- the report ----------------------------------------------------------------------------


def block_index(keys: Mapping[int, ContactKeys]) -> dict[str, list[int]]:
    """Key or block -> the ids that have it."""
    blocks: dict[str, list[int]] = {}
    for contact_id, contact_keys_ in keys.items():
        for key in contact_keys_.all():
            blocks.setdefault(key, []).append(contact_id)
    return blocks


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while item != root:  # path compression
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def duplicate_groups(keys: Mapping[int, ContactKeys],
                     blocks: Mapping[str, Collection[int]] | None = None) -> list[DuplicateGroup]:
    """The likely duplicate groups among the contacts whose keys are ``keys``: contacts linked by
    a chain of likely-duplicate pairs form one group. The surest first (a shared phone, e-mail or
    NIP before names only), then the biggest.

    ``blocks`` (key -> ids, see ``block_index``) is computed from ``keys`` unless given. No pair
    of contacts is compared unless the two share a key or a name block.
    """
    if blocks is None:
        blocks = block_index(keys)
    groups = _UnionFind()
    reasons_of: dict[int, set[str]] = {}
    for key, ids in blocks.items():
        if len(ids) < 2:
            continue
        reason = key_reason(key)
        if reason is not None:
            ids = list(ids)
            for contact_id in ids:
                groups.union(ids[0], contact_id)
                reasons_of.setdefault(contact_id, set()).add(reason)
        else:
            for a, b in _similar_pairs(ids, keys):
                groups.union(a, b)
                reasons_of.setdefault(a, set()).add(SIMILAR_NAME)
                reasons_of.setdefault(b, set()).add(SIMILAR_NAME)
    members: dict[int, list[int]] = {}
    for contact_id in reasons_of:
        members.setdefault(groups.find(contact_id), []).append(contact_id)
    result = []
    for ids in members.values():
        ids.sort()
        found = set().union(*(reasons_of[i] for i in ids))
        result.append(DuplicateGroup(tuple(ids), _ordered(found), tuple(_ordered(reasons_of[i]) for i in ids)))
    result.sort(key=lambda g: (REASONS.index(g.reasons[0]), -len(g.ids), g.ids[0]))
    return result


def _similar_pairs(ids: Collection[int], keys: Mapping[int, ContactKeys]) -> Iterable[tuple[int, int]]:
    """Pairs of one name block whose names are very similar (all in one city and of one kind).

    Contacts with the same name are paired without comparing; then each distinct name is
    compared with the later ones, by ``extract`` (a loop in C: quicker than pair by pair in Python
    even for two names).
    """
    by_name: dict[tuple[str, str], list[int]] = {}  # by name and NIP: firms with different NIPs stay apart
    for contact_id in ids:
        by_name.setdefault((keys[contact_id].name, keys[contact_id].nip), []).append(contact_id)
    for same in by_name.values():
        for other in same[1:]:
            yield same[0], other
    names = list(by_name)
    for x, (name, nip) in enumerate(names[:-1]):
        later = names[x + 1:]
        choices = [other_name for other_name, _nip in later]
        first = by_name[name, nip][0]
        for _choice, _score, y in extract(name, choices, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=None):
            other = by_name[later[y]][0]
            if not different_firms(keys[first], keys[other]):
                yield first, other
