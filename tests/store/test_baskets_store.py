"""The basket: per operator, kept in the file, safe when two sessions of one operator mark at
once, compact for big selections; trashed and purged contacts drop out."""

from __future__ import annotations

from pathlib import Path

from factories import make_person
from hypothesis import given
from hypothesis import strategies as st

from tui_crm.store import ContactRepository, Database, create_database
from tui_crm.store.baskets import TABLE, BasketRepository, decode_ids, encode_ids


def seeded(path: Path, count: int) -> list[int]:
    repo = ContactRepository(Database(path))
    return [repo.save(make_person("Osoba", str(n)), author="seed").id for n in range(count)]


def baskets(path: Path) -> BasketRepository:
    return BasketRepository(Database(path))


@given(st.sets(st.integers(1, 60)))
def test_ids_survive_the_compact_encoding(ids: set[int]) -> None:
    assert decode_ids(encode_ids(ids)) == ids


def test_runs_are_stored_as_pairs() -> None:
    assert encode_ids([7, 1, 2, 3, 9, 10]) == [[1, 3], 7, [9, 10]]


def test_the_basket_is_kept_per_operator(db_path: Path) -> None:
    ids = seeded(db_path, 4)
    anna = baskets(db_path)
    anna.add("anna", ids[:3])
    anna.remove("anna", [ids[1]])
    assert anna.toggle("anna", ids[3]) is True
    assert anna.toggle("anna", ids[0]) is False
    baskets(db_path).add("piotr", [ids[1]])

    fresh = baskets(db_path)
    assert fresh.ids("anna") == {ids[2], ids[3]}
    assert fresh.ids("piotr") == {ids[1]}
    assert fresh.ids("kasia") == frozenset()
    fresh.clear("anna")
    assert baskets(db_path).ids("anna") == frozenset() and baskets(db_path).ids("piotr") == {ids[1]}
    records = [doc["operator"] for _, doc in Database(db_path).table(TABLE).raw_items()]
    assert sorted(records) == ["anna", "piotr"]  # one record per operator


def test_two_sessions_of_one_operator_keep_each_others_marks(db_path: Path) -> None:
    ids = seeded(db_path, 4)
    first, second = baskets(db_path), baskets(db_path)
    assert first.ids("anna") == second.ids("anna") == frozenset()  # both looked before either wrote
    first.add("anna", [ids[0], ids[1]])
    second.add("anna", [ids[2]])  # its copy did not know of the first session's marks yet
    first.remove("anna", [ids[1]])
    assert baskets(db_path).ids("anna") == {ids[0], ids[2]}
    second.database.poll()
    assert second.ids("anna") == {ids[0], ids[2]}


def test_trashed_and_purged_contacts_drop_out(db_path: Path) -> None:
    ids = seeded(db_path, 3)
    basket = baskets(db_path)
    basket.add("anna", ids)
    contacts = ContactRepository(Database(db_path))
    contacts.delete(ids[0], author="piotr")
    contacts.delete(ids[1], author="piotr")
    contacts.purge(ids[1])
    basket.database.poll()
    assert basket.ids("anna") == {ids[2]}  # the cached basket follows the change feed
    assert baskets(db_path).ids("anna") == {ids[2]}
    contacts.restore(ids[0], author="piotr")  # before the basket changed again: back in it
    assert baskets(db_path).ids("anna") == {ids[0], ids[2]}
    contacts.delete(ids[0], author="piotr")
    basket.add("anna", [ids[1]])  # a change writes only live contacts; a purged id is not added
    contacts.restore(ids[0], author="piotr")
    assert baskets(db_path).ids("anna") == {ids[2]}


def test_marking_100000_contacts_is_one_short_write(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    create_database(path, {"contacts": [{"kind": "person", "last_name": f"N{n}"} for n in range(100_000)]})
    basket = baskets(path)
    seq = basket.database._last_seq
    basket.add("anna", range(1, 100_001))
    basket.remove("anna", [50_000])
    assert basket.database._last_seq == seq + 2
    assert basket.database.journal.path.stat().st_size < 2_000
    assert baskets(path).count("anna") == 99_999
