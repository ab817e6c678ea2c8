"""The demo data generator: reproducible, in the store's document format, and plausibly Polish."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import phonenumbers
import pytest
from email_validator import validate_email
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from tui_crm.demo import (
    DEMO_NOW,
    DEMO_OPERATOR_NAMES,
    DEMO_OPERATORS,
    generate_contacts,
)
from tui_crm.domain.contact import CONSENT_CHANNELS, STANDARD_PHONE_TYPES, Contact

N = 3000
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def expand(doc: dict) -> dict:
    """A stored (compact) document with every field present, as the dataclass defaults give."""
    full = asdict(Contact.from_doc(doc))
    full["kind"] = str(full["kind"])
    del full["id"]
    return full


@pytest.fixture(scope="module")
def raw_docs() -> list[dict]:
    return generate_contacts(N)


@pytest.fixture(scope="module")
def docs(raw_docs) -> list[dict]:
    return [expand(d) for d in raw_docs]


@pytest.fixture(scope="module")
def persons(docs) -> list[dict]:
    return [d for d in docs if d["kind"] == "person"]


@pytest.fixture(scope="module")
def organizations(docs) -> list[dict]:
    return [d for d in docs if d["kind"] == "organization"]


def utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() == timedelta(0), value
    return moment


# --- reproducibility and the API --------------------------------------------------------------


def test_same_arguments_give_the_same_contacts():
    first, second = generate_contacts(300), generate_contacts(300)
    assert first == second
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)


def test_another_seed_gives_other_contacts():
    one, other = generate_contacts(100, seed=1), generate_contacts(100, seed=2)
    assert one != other
    assert sum(a == b for a, b in zip(one, other)) < 5
    assert generate_contacts(100) == generate_contacts(100, seed=2026)


def test_fewer_contacts_are_a_prefix_of_more():
    assert generate_contacts(40, seed=9) == generate_contacts(120, seed=9)[:40]


@pytest.mark.parametrize("count", [0, 1, 7, 250])
def test_count(count):
    assert len(generate_contacts(count)) == count


def test_bad_arguments():
    with pytest.raises(ValueError):
        generate_contacts(-1)
    with pytest.raises(ValueError):
        generate_contacts(5, operators=())


def test_operators():
    assert DEMO_OPERATORS == ("anna", "piotr", "kasia")
    assert set(DEMO_OPERATOR_NAMES) == set(DEMO_OPERATORS)
    assert DEMO_OPERATOR_NAMES["anna"] == "Anna Nowak"
    for name in DEMO_OPERATOR_NAMES.values():
        assert len(name.split()) == 2 and name.istitle()


def test_generator_is_pure_python():
    code = (
        "import sys, tui_crm.demo\n"
        "heavy = {'textual', 'tinydb', 'phonenumbers', 'stdnum', 'email_validator'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_garbage_collector_state_is_restored():
    assert gc.isenabled()
    generate_contacts(10)
    assert gc.isenabled()
    gc.disable()
    try:
        generate_contacts(10)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_fast_enough():
    # 100,000 take ~2 s; anything like per-contact phone parsing would blow this budget
    start = time.perf_counter()
    generate_contacts(20_000)
    assert time.perf_counter() - start < 5


# --- the document format ---------------------------------------------------------------------


def test_every_document_round_trips(raw_docs, docs):
    for doc in raw_docs:
        assert Contact.from_doc(doc).to_doc() == doc
    assert all(isinstance(doc["discount"], float) for doc in docs)
    assert json.loads(json.dumps(raw_docs)) == raw_docs


def test_bookkeeping(docs):
    oldest = DEMO_NOW - timedelta(days=3 * 365 + 1)
    for doc in docs:
        assert doc["version"] == 1
        assert doc["deleted_at"] is None and doc["deleted_by"] is None
        assert {doc["created_by"], doc["updated_by"], doc["account_manager"]} <= set(DEMO_OPERATORS)
        created, updated = utc(doc["created_at"]), utc(doc["updated_at"])
        assert oldest <= created <= updated <= DEMO_NOW
        for note in doc["notes"]:
            assert note["author"] in DEMO_OPERATORS
            assert created <= utc(note["at"]) <= updated
    created = sorted(doc["created_at"] for doc in docs)
    assert created[0] < "2024-03" and created[-1] > "2026-07"  # spread over the three years
    assert len(set(created)) > 0.99 * len(created)
    assert sum(d["created_at"] != d["updated_at"] for d in docs) > 0.3 * len(docs)


def test_operators_and_now_are_used():
    now = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
    docs = [expand(d) for d in generate_contacts(200, operators=["ola"], now=now)]
    for doc in docs:
        assert doc["created_by"] == doc["updated_by"] == doc["account_manager"] == "ola"
        assert all(note["author"] == "ola" for note in doc["notes"])
        created, updated = utc(doc["created_at"]), utc(doc["updated_at"])
        assert now - timedelta(days=3 * 365 + 1) <= created <= updated <= now
    assert generate_contacts(50, now=now.replace(tzinfo=None)) == generate_contacts(50, now=now)
    assert generate_contacts(50) == generate_contacts(50, now=DEMO_NOW)
    assert generate_contacts(50) != generate_contacts(50, now=now)


# --- content -----------------------------------------------------------------------------------


def test_persons_and_organizations(docs, persons, organizations):
    assert 0.65 < len(persons) / len(docs) < 0.75
    for p in persons:
        assert p["first_name"] and p["last_name"]
        assert p["name"] == p["nip"] == p["regon"] == ""
    for o in organizations:
        assert o["name"]
        assert o["first_name"] == o["last_name"] == o["position"] == ""
    assert 0.2 < sum(bool(p["position"]) for p in persons) / len(persons) < 0.6


def test_names_have_diacritics(persons, organizations):
    first = {p["first_name"] for p in persons}
    last = {p["last_name"] for p in persons}
    assert {"Łukasz", "Małgorzata", "Wojciech", "Agnieszka"} <= first
    assert {"Nowak", "Kowalski", "Kowalska", "Wiśniewska", "Wójcik"} <= last
    assert sum(bool(POLISH_LETTERS & set(n)) for n in first) >= 10
    assert sum(bool(POLISH_LETTERS & set(n)) for n in last) >= 20
    assert sum(bool(POLISH_LETTERS & set(o["name"])) for o in organizations) > 0.3 * len(organizations)


def test_surnames_agree_with_gender(persons):
    # Polish female first names end in -a (and male ones here never do)
    women = [p for p in persons if p["first_name"].endswith("a")]
    assert 0.4 < len(women) / len(persons) < 0.6
    for p in persons:
        if p["first_name"].endswith("a"):
            assert not p["last_name"].endswith(("ski", "cki", "dzki")), p
        else:
            assert not p["last_name"].endswith(("ska", "cka", "dzka")), p
    assert any(p["last_name"].endswith("ska") for p in women)


def test_organization_names(organizations):
    names = [o["name"] for o in organizations]
    for marker in ("Sp. z o.o.", "S.A.", "Spółka Jawna", "Przedsiębiorstwo Handlowe", "Biuro Rachunkowe", "Zakład"):
        assert any(marker in n for n in names), marker
    assert len(set(names)) > 0.8 * len(names)


def test_nip_and_regon_are_valid(organizations):
    for o in organizations:
        assert re.fullmatch(r"\d{10}", o["nip"]) and stdnum_nip.is_valid(o["nip"]), o["nip"]
        assert o["regon"] == "" or stdnum_regon.is_valid(o["regon"]), o["regon"]
    with_regon = sum(bool(o["regon"]) for o in organizations) / len(organizations)
    assert 0.3 < with_regon < 0.9


def test_supplier_share(persons, organizations):
    assert 0.10 < sum(o["supplier"] for o in organizations) / len(organizations) < 0.20
    assert sum(p["supplier"] for p in persons) / len(persons) < 0.08


def test_phones_are_valid_polish_numbers(docs):
    types = Counter()
    for doc in docs:
        numbers = [p["number"] for p in doc["phones"]]
        assert 1 <= len(numbers) <= 3 and len(set(numbers)) == len(numbers)
        for phone in doc["phones"]:
            assert re.fullmatch(r"\+48\d{9}", phone["number"]), phone
            types[phone["type"] if phone["type"] in STANDARD_PHONE_TYPES else "custom"] += 1
    assert all(types[t] for t in STANDARD_PHONE_TYPES)
    assert 0 < types["custom"] < 0.1 * sum(types.values())
    for doc in docs[:1500]:
        for phone in doc["phones"]:
            parsed = phonenumbers.parse(phone["number"])
            assert phonenumbers.is_valid_number(parsed), phone
            assert phonenumbers.region_code_for_number(parsed) == "PL"
            is_mobile = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
            if phone["type"] == "mobile":
                assert is_mobile, phone
            if phone["whatsapp"] or phone["viber"] or phone["sms"]:
                assert is_mobile, phone
    flags = [p for doc in docs for p in doc["phones"] if p["type"] == "mobile"]
    for flag in ("whatsapp", "viber", "sms"):
        assert 0.05 < sum(p[flag] for p in flags) / len(flags) < 0.95
    assert any(p["note"] for doc in docs for p in doc["phones"])


def test_emails(docs, persons):
    addresses = [e["address"] for doc in docs for e in doc["emails"]]
    for address in addresses:
        assert re.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}", address), address
    for address in addresses[:500]:
        validate_email(address, check_deliverability=False)
    for p in persons:
        folded = p["last_name"].translate(FOLD).lower()
        for email in p["emails"]:
            assert folded in email["address"].split("@")[0], (p["last_name"], email)
    domains = Counter(a.split("@")[1] for a in addresses)
    assert {"gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl"} <= set(domains)
    for doc in docs:
        assert len(doc["emails"]) <= 2
        if any(e["consent"] for e in doc["emails"]):
            assert doc["consents"].get("email")
    assert any(e["consent"] for doc in docs for e in doc["emails"])


def test_addresses(docs):
    addresses = [a for doc in docs for a in doc["addresses"]]
    assert all(len(doc["addresses"]) <= 2 for doc in docs)
    for a in addresses:
        assert re.fullmatch(r"\d\d-\d{3}", a["postal_code"]), a
        assert a["country"] == "PL"
        assert re.search(r" \d+[A-C]?(/\d+)?$", a["street"]), a
    cities = Counter(a["city"] for a in addresses)
    assert {"Łódź", "Kraków", "Warszawa", "Gdańsk", "Wrocław", "Poznań"} <= set(cities)
    assert len(cities) > 40
    prefixes = {"Warszawa": ("00", "01", "02", "03", "04"), "Łódź": ("90", "91", "92", "93", "94"),
                "Kraków": ("30", "31"), "Gdańsk": ("80",), "Białystok": ("15",)}
    for a in addresses:
        if a["city"] in prefixes:
            assert a["postal_code"].startswith(prefixes[a["city"]]), a
    assert any(a["street"].startswith("ul. Piotrkowska") for a in addresses if a["city"] == "Łódź")


def test_other_fields(docs):
    sources = Counter(doc["source"] for doc in docs)
    assert set(sources) == {"polecenie", "strona www", "targi", "Google Ads", "Facebook", "cold call", ""}
    discounts = Counter(doc["discount"] for doc in docs)
    assert set(discounts) == {0.0, 5.0, 10.0, 12.5, 15.0}
    assert discounts[0.0] > 0.6 * len(docs)
    for doc in docs:
        assert len(doc["tags"]) == len(set(doc["tags"])) <= 4
        assert set(doc["consents"]) <= set(CONSENT_CHANNELS)
        for given in doc["consents"].values():
            if given is not None:
                assert ISO_DATE.fullmatch(given)
                assert doc["created_at"][:10] <= date.fromisoformat(given).isoformat() <= doc["updated_at"][:10]
        assert len(doc["notes"]) <= 2
        for note in doc["notes"]:
            assert note["text"].endswith(".")
    tags = Counter(t for doc in docs for t in doc["tags"])
    assert {"VIP", "hurt", "stały klient", "łódzkie"} <= set(tags)
    assert any(doc["consents"] for doc in docs) and any(not doc["consents"] for doc in docs)
    assert any(len(doc["notes"]) == 2 for doc in docs)
