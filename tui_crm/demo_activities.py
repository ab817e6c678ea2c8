"""Operators, contact persons and activities to go with the demo contacts.

``generate_links(contacts)`` attaches about 60 % of the persons to organizations (1-4 each,
exactly one primary per organization, one organization per person); ``generate_activities``
logs about three activities for each organization with contact persons, over the year before
``now`` and the month after it, more of them near ``now``: past ones mostly completed, some left
open (overdue), future ones planned, some pairs linked as follow-ups. Documents are in the stores' formats
(``ContactPersonLink.to_doc()``, ``Activity.to_doc()``), and the ids they hold are the 1-based
positions ``create_database`` gives the documents of each list.

Like ``tui_crm.demo``, everything depends only on the arguments (one ``random.Random`` per
table, seeded from ``seed``), and the work per document is table look-ups: the office-hour
slots of every working day in the window are turned into text once, up front.
"""

from __future__ import annotations

import gc
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from tui_crm.demo import DEMO_NOW, DEMO_OPERATOR_NAMES, DEMO_OPERATORS
from tui_crm.domain.activity import CONTACT, MEETING, TASK, to_utc_text
from tui_crm.domain.contact_persons import NOTIFICATIONS, PERMISSIONS

_T = TypeVar("_T")
_Draw = Callable[[], float]

__all__ = ["DEMO_ZONE", "generate_activities", "generate_links", "generate_operators"]

#: Office hours are Polish wall-clock time.
DEMO_ZONE = ZoneInfo("Europe/Warsaw")

_DAY = 86_400
_PAST_DAYS = 365
_FUTURE_DAYS = 31
_SLOT_MINUTES = tuple(range(8 * 60, 17 * 60, 15))  # local 8:00 ... 16:45, every quarter of an hour
_HOURS = tuple(f"{h:02d}:" for h in range(24))
_MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}+00:00" for m in range(60) for s in range(60))

# --------------------------------------------------------------------------------------------
# Contact persons

_LINKED_SHARE = 0.6  # of the persons
_ORG_WITH_PERSONS = 0.65  # chance an organization gets persons while some are left
_PERSONS_PER_ORG = ((1, 2, 3, 4), tuple(accumulate((35, 30, 20, 15))))

# Role keys of the built-in "contact_role" dictionary (domain.dictionaries.DEFAULTS).
_OWNER, _CEO, _ACCOUNTANT, _SALES, _PURCHASING, _OFFICE = (
    "Owner", "CEO", "Accountant", "Sales", "Purchasing", "Office")
_ROLES = (_CEO, _OWNER, _ACCOUNTANT, _SALES, _PURCHASING, _OFFICE)
# A demo person's Polish position (``tui_crm.demo``) suggests the role: word stem -> role.
_ROLE_OF_POSITION = (
    ("właściciel", _OWNER), ("prezes", _CEO), ("księgow", _ACCOUNTANT), ("handlow", _SALES),
    ("sprzeda", _SALES), ("zakup", _PURCHASING), ("zaopatrz", _PURCHASING), ("biura", _OFFICE),
    ("asystent", _OFFICE),
)
_LINK_INFO = (
    "Dostępna od 10:00.", "Urlop w sierpniu.", "Decyduje o zamówieniach powyżej 10 tys. zł.",
    "Woli kontakt mailowy.", "Zastępuje prezesa pod jego nieobecność.", "Odbiera faktury papierowe.",
    "Pracuje zdalnie we wtorki.",
)

# --------------------------------------------------------------------------------------------
# Activities

_ACTIVITIES_PER_ORG = ((1, 2, 3, 4, 5), tuple(accumulate((15, 25, 30, 15, 15))))  # ~2.9
_FUTURE_SHARE = 0.2  # planned in the coming month; the rest happened in the past year
# Activities crowd around today, as in a working CRM (and so this week's calendar is not empty):
# a slot is drawn at distance ``range * random() ** skew`` from now.
_PAST_SKEW, _FUTURE_SKEW = 1.5, 1.3
_TYPES = ((CONTACT, MEETING, TASK), tuple(accumulate((55, 20, 25))))
_KINDS = {  # activity_kind keys, by type
    CONTACT: (("phone", "email", "video", "letter"), tuple(accumulate((55, 30, 10, 5)))),
    MEETING: (("visit", "video"), tuple(accumulate((70, 30)))),
    TASK: (("", "phone", "email", "letter"), tuple(accumulate((40, 20, 30, 10)))),
}
# Chance of being in the calendar, by type, for past and for planned activities (~30 % overall).
_IN_CALENDAR = {False: {CONTACT: 0.12, MEETING: 0.65, TASK: 0.2}, True: {CONTACT: 0.35, MEETING: 0.95, TASK: 0.5}}
_PRIORITIES = (("low", "normal", "high", "urgent"), tuple(accumulate((15, 55, 22, 8))))
_CATEGORIES = (("sales", "service", "complaint", "payments", "other"), tuple(accumulate((40, 25, 10, 15, 10))))
_PERSONS_TAKING_PART = ((1, 2, 3), tuple(accumulate((65, 27, 8))))
_DURATION = {  # seconds a completed activity took, by kind (type for the kind-less)
    "phone": (60, 1200), "video": (600, 2700), "email": (120, 900), "letter": (300, 1800),
    "visit": (1800, 7200), TASK: (600, 5400),
}
_OVERDUE_RECENT, _OVERDUE_OLD = 0.3, 0.06  # chance a past activity was left open (last 30 days / older)
_FOLLOW_UP = 0.35  # chance a completed contact/meeting has its next one as a follow-up
_SUBJECTS = {
    "sales": (
        "Oferta na dostawę materiałów", "Cennik na kolejny kwartał", "Prezentacja nowej linii produktów",
        "Negocjacje rabatu hurtowego", "Zamówienie cykliczne", "Umowa ramowa na rok", "Próbki produktów",
    ),
    "service": (
        "Przegląd serwisowy", "Termin dostawy", "Zmiana danych do faktur", "Szkolenie z obsługi",
        "Wymiana urządzenia", "Harmonogram prac",
    ),
    "complaint": ("Reklamacja dostawy", "Uszkodzony towar", "Błąd w fakturze", "Opóźniona wysyłka"),
    "payments": (
        "Zaległa płatność", "Przypomnienie o fakturze", "Rozłożenie płatności na raty", "Potwierdzenie salda",
    ),
    "other": (
        "Życzenia świąteczne", "Zaproszenie na targi", "Aktualizacja danych kontaktowych", "Ankieta satysfakcji",
    ),
}
_OUTCOMES = (
    "Klient prosi o ofertę na piśmie.", "Ustalono termin kolejnego spotkania.", "Zamówienie potwierdzone.",
    "Oczekuje na decyzję zarządu.", "Wysłano cennik mailem.", "Płatność obiecana do końca tygodnia.",
    "Reklamacja przyjęta, towar do wymiany.", "Nie odebrał, oddzwoni jutro.", "Zainteresowany, prosi o próbki.",
    "Przekazano do działu technicznego.",
)
_PLANS = (
    "Przygotować wyliczenie rabatu.", "Zabrać katalog i próbki.", "Sprawdzić stan zamówień przed rozmową.",
    "Przypomnieć o zaległej fakturze.", "Potwierdzić termin dzień wcześniej.",
)


def generate_operators() -> list[dict[str, Any]]:
    """The demo operators as documents of the "operators" table."""
    return [{"login": login, "name": DEMO_OPERATOR_NAMES[login], "active": True} for login in DEMO_OPERATORS]


def generate_links(contact_docs: Sequence[dict[str, Any]], seed: int = 2026) -> list[dict[str, Any]]:
    """Contact persons ("links" table documents) for ``contact_docs`` (contact *i* has id i + 1)."""
    with _collector_paused():
        return _links(contact_docs, random.Random(f"links:{seed}"))


def _links(contact_docs: Sequence[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    rnd = rng.random
    persons = [i for i, doc in enumerate(contact_docs, 1) if doc.get("kind") == "person"]
    rng.shuffle(persons)
    waiting = persons[: round(_LINKED_SHARE * len(persons))]
    links: list[dict[str, Any]] = []
    taken = 0
    for org_id, org in enumerate(contact_docs, 1):
        if taken >= len(waiting):
            break
        if org.get("kind") != "organization" or rnd() >= _ORG_WITH_PERSONS:
            continue
        members = waiting[taken: taken + _weighted(rnd, *_PERSONS_PER_ORG)]
        taken += len(members)
        roles = [_role(rnd, contact_docs[p - 1].get("position", "")) for p in members]
        leaders = [i for i, role in enumerate(roles) if role in (_CEO, _OWNER)]
        primary = leaders[0] if leaders and rnd() < 0.8 else int(rnd() * len(members))
        for i, (person_id, role) in enumerate(zip(members, roles)):
            links.append(_link(rnd, person_id, org_id, role, i == primary, contact_docs[person_id - 1], org))
    return links


def _role(rnd: _Draw, position: str) -> str:
    for stem, role in _ROLE_OF_POSITION:
        if stem in position:
            return role
    return "" if rnd() < 0.1 else _pick(rnd, _ROLES)


def _link(rnd: _Draw, person_id: int, org_id: int, role: str, primary: bool,
          person: dict[str, Any], org: dict[str, Any]) -> dict[str, Any]:
    leader = role in (_CEO, _OWNER)
    doc: dict[str, Any] = {"person_id": person_id, "organization_id": org_id,
                           "contact_person": primary or rnd() < 0.85}
    if role:
        doc["role"] = role
    if rnd() < (0.7 if role == _OFFICE else 0.2):
        doc["may_collect_mail"] = True
    if rnd() < (0.8 if leader else 0.08):
        doc["may_represent"] = True
    if rnd() < 0.1:
        doc["info"] = _pick(rnd, _LINK_INFO)
    if primary:
        doc["primary"] = True
    # New links get every permission (the store's default); some were narrowed later.
    doc["permissions"] = list(PERMISSIONS) if rnd() < 0.8 else [p for p in PERMISSIONS if rnd() < 0.5]
    if not doc["permissions"]:
        del doc["permissions"]
    notifications = _notifications(rnd, role, primary)
    if notifications:
        doc["notifications"] = notifications
    created = max(person["created_at"], org["created_at"])  # once both contacts existed
    author = org.get("account_manager") or DEMO_OPERATORS[0]
    doc.update(version=1, created_at=created, created_by=author, updated_at=created, updated_by=author)
    return doc


def _notifications(rnd: _Draw, role: str, primary: bool) -> list[str]:
    wanted: set[str] = set()
    if role == _ACCOUNTANT or (primary and rnd() < 0.6):
        wanted |= {"invoice", "credit_note"}
    if role in (_SALES, _PURCHASING) or rnd() < 0.15:
        wanted |= {"estimates", "contract"}
    if rnd() < 0.15:
        wanted.add("tickets")
    return [n for n in NOTIFICATIONS if n in wanted]


def generate_activities(contact_docs: Sequence[dict[str, Any]], link_docs: Sequence[dict[str, Any]],
                        seed: int = 2026, now: datetime | None = None) -> list[dict[str, Any]]:
    """Activities ("activities" table documents) of the organizations that have contact persons
    in ``link_docs``, planned in Polish office hours over the year before ``now`` (default
    ``DEMO_NOW``; naive = UTC) and the month after it."""
    if now is None:
        now = DEMO_NOW
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    with _collector_paused():
        return _activities(contact_docs, link_docs, random.Random(f"activities:{seed}").random,
                           _OfficeSlots(now.astimezone(UTC).replace(second=0, microsecond=0)))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Nothing made here forms a reference cycle, and the cyclic collector would rescan the
    (large) contact documents again and again: about a third of the time for 100,000 contacts."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _activities(contact_docs: Sequence[dict[str, Any]], link_docs: Sequence[dict[str, Any]], rnd: _Draw,
                slots: _OfficeSlots) -> list[dict[str, Any]]:
    persons_of: dict[int, list[int]] = {}  # primary first
    since: dict[int, str] = {}  # organization -> when its last contact person was linked
    for link in link_docs:
        org_id = link["organization_id"]
        persons = persons_of.setdefault(org_id, [])
        if link.get("primary"):
            persons.insert(0, link["person_id"])
        else:
            persons.append(link["person_id"])
        since[org_id] = max(since.get(org_id, ""), link["created_at"])
    activities: list[dict[str, Any]] = []
    for org_id in sorted(persons_of):
        manager = contact_docs[org_id - 1].get("account_manager", "")
        since_ts = int(datetime.fromisoformat(since[org_id]).timestamp())
        _add_activities(rnd, activities, slots, org_id, persons_of[org_id], manager, since_ts)
    return activities


class _OfficeSlots:
    """Every quarter-hour of Polish office hours on the working days of the window, in time
    order, as epoch seconds and as stored text; ``past`` slots lie before ``now``."""

    def __init__(self, now: datetime) -> None:
        self.now_ts = int(now.timestamp())
        today = now.astimezone(DEMO_ZONE).date()
        self.ts: list[int] = []
        self.text: list[str] = []
        for offset in range(-_PAST_DAYS, _FUTURE_DAYS + 1):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            midnight = self._local_midnight_ts(day)
            for minute in _SLOT_MINUTES:
                ts = midnight + minute * 60
                self.ts.append(ts)
                self.text.append(to_utc_text(datetime.fromtimestamp(ts, UTC)))
        self.past = bisect_left(self.ts, self.now_ts)  # slots [0, past) are before now
        self.recent = bisect_left(self.ts, self.now_ts - 30 * _DAY)
        first_stamp = self.ts[0] - 20 * _DAY  # bookkeeping stamps may precede the first slot
        self._first_midnight = first_stamp - first_stamp % _DAY
        last_day = (self.ts[-1] + 20 * _DAY - self._first_midnight) // _DAY
        first = datetime.fromtimestamp(self._first_midnight, UTC)
        self._day_prefixes = [(first + timedelta(days=d)).strftime("%Y-%m-%dT") for d in range(last_day + 1)]

    @staticmethod
    def _local_midnight_ts(day: date) -> int:
        # Measured from noon: clocks change at night, so office hours all share noon's offset.
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=DEMO_ZONE)
        return int(noon.timestamp()) - 12 * 3600

    def first_at_or_after(self, ts: float) -> int:
        return bisect_left(self.ts, ts)

    def stamp(self, ts: int) -> str:
        """== ``datetime.fromtimestamp(ts, UTC).isoformat()``, the store's ``utc_now`` format."""
        day, second = divmod(ts - self._first_midnight, _DAY)
        hour, rest = divmod(second, 3600)
        return self._day_prefixes[day] + _HOURS[hour] + _MINUTES_SECONDS[rest]


def _add_activities(rnd: _Draw, activities: list[dict[str, Any]], slots: _OfficeSlots, org_id: int,
                    persons: list[int], manager: str, since_ts: int) -> None:
    """About three activities of one organization (none before ``since_ts``, when its contact
    persons were linked), in time order, appended to ``activities``."""
    earliest = slots.first_at_or_after(since_ts)
    if earliest >= len(slots.ts):
        return
    chosen: set[int] = set()
    for _ in range(_weighted(rnd, *_ACTIVITIES_PER_ORG)):
        if earliest >= slots.past or rnd() < _FUTURE_SHARE:
            first = max(slots.past, earliest)
            chosen.add(first + int((len(slots.ts) - first) * rnd() ** _FUTURE_SKEW))
        else:
            chosen.add(slots.past - 1 - int((slots.past - earliest) * rnd() ** _PAST_SKEW))
    previous: tuple[dict[str, Any], int, int, int] | None = None  # doc, id, planned, completed (epoch s)
    for slot in sorted(chosen):
        planned_ts = slots.ts[slot]
        doc_id = len(activities) + 1
        if previous is not None and _follows_up(rnd, previous, planned_ts):
            before, before_id, _planned, before_done = previous
            doc = {key: before[key] for key in _REPEATED if key in before}
            doc["previous_id"], before["next_id"] = before_id, doc_id
            created_ts = before_done  # saved together with the completed one
        else:
            doc = _fresh(rnd, org_id, persons, manager, planned=slot >= slots.past)
            created_ts = min(max(planned_ts - _between(rnd, 600, 14 * _DAY), since_ts), slots.now_ts)
        doc["planned_at"] = slots.text[slot]
        updated_ts = created_ts
        if slot < slots.past:
            open_chance = _OVERDUE_RECENT if slot >= slots.recent else _OVERDUE_OLD
            if rnd() >= open_chance:
                updated_ts = max(_complete(rnd, doc, planned_ts, slots), created_ts)
                doc["completed_at"] = slots.stamp(updated_ts)
        elif rnd() < 0.2:
            doc["note"] = _pick(rnd, _PLANS)
        author = doc["employee"] if rnd() < 0.8 else _pick(rnd, DEMO_OPERATORS)
        doc.update(version=1, created_at=slots.stamp(created_ts), created_by=author,
                   updated_at=slots.stamp(updated_ts), updated_by=doc["employee"])
        activities.append(doc)
        previous = (doc, doc_id, planned_ts, updated_ts)


def _follows_up(rnd: _Draw, previous: tuple[dict[str, Any], int, int, int], planned_ts: int) -> bool:
    """Whether the next activity is the follow-up of a completed contact or meeting a day or more before."""
    doc, _id, previous_ts, _done = previous
    return (bool(doc.get("completed")) and doc["type"] != TASK and planned_ts - previous_ts >= _DAY
            and rnd() < _FOLLOW_UP)


def _complete(rnd: _Draw, doc: dict[str, Any], planned_ts: int, slots: _OfficeSlots) -> int:
    """Mark a past activity completed, with a duration and maybe an outcome; returns when it was."""
    low, high = _DURATION.get(doc.get("kind") or doc["type"], _DURATION[TASK])
    doc["duration_seconds"] = _between(rnd, low, high)
    doc["completed"] = True
    if rnd() < 0.6:
        doc["note"] = _pick(rnd, _OUTCOMES)
    return min(planned_ts + doc["duration_seconds"] + _between(rnd, 0, 3600), slots.now_ts)


# What a follow-up repeats (domain.activity.make_follow_up).
_REPEATED = ("type", "counterparty_id", "person_ids", "employee", "subject", "kind", "priority", "category",
             "in_calendar")


def _fresh(rnd: _Draw, org_id: int, persons: list[int], manager: str, *, planned: bool) -> dict[str, Any]:
    activity_type = _weighted(rnd, *_TYPES)
    category = _weighted(rnd, *_CATEGORIES)
    doc: dict[str, Any] = {
        "type": activity_type,
        "counterparty_id": org_id,
        "person_ids": _taking_part(rnd, persons),
        "employee": manager if manager in DEMO_OPERATORS and rnd() < 0.7 else _pick(rnd, DEMO_OPERATORS),
        "subject": _pick(rnd, _SUBJECTS[category]),
        "priority": _weighted(rnd, *_PRIORITIES),
        "category": category,
    }
    kind = _weighted(rnd, *_KINDS[activity_type])
    if kind:
        doc["kind"] = kind
    if rnd() < _IN_CALENDAR[planned][activity_type]:
        doc["in_calendar"] = True
    return doc


def _taking_part(rnd: _Draw, persons: list[int]) -> list[int]:
    """1-3 distinct persons of the organization, usually with its primary (``persons[0]``)."""
    wanted = min(_weighted(rnd, *_PERSONS_TAKING_PART), len(persons))
    chosen = [persons[0]] if rnd() < 0.7 else []
    while len(chosen) < wanted:
        person = _pick(rnd, persons)
        if person not in chosen:
            chosen.append(person)
    return chosen


def _pick(rnd: _Draw, seq: Sequence[_T]) -> _T:
    return seq[int(rnd() * len(seq))]


def _between(rnd: _Draw, low: int, high: int) -> int:
    """An int in [low, high)."""
    return low + int(rnd() * (high - low))


def _weighted(rnd: _Draw, values: Sequence[_T], cum_weights: Sequence[float]) -> _T:
    return values[bisect_right(cum_weights, rnd() * cum_weights[-1])]
