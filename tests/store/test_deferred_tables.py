"""Tables other than contacts are parsed on first use; nothing is lost meanwhile."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_crm.store import Database, create_database


def test_a_table_is_parsed_only_when_asked_for_and_keeps_every_change(db_path: Path) -> None:
    create_database(db_path, {"contacts": [{"kind": "person", "last_name": "Nowak"}],
                              "activities": [{"note": "a"}, {"note": "b"}]})
    mine, theirs = Database(db_path), Database(db_path)
    assert "activities" in mine._deferred  # not parsed at start-up
    with theirs.write() as batch:
        batch.put("activities", 2, {"note": "b2"})
        batch.put("activities", batch.new_id("activities"), {"note": "c"})
        batch.remove("activities", 1)
    mine.poll()
    assert "activities" in mine._deferred  # another session's write did not force a parse
    with mine.write() as batch:
        assert batch.new_id("activities") == 4  # ids continue after the unparsed ones
    mine.compact()
    assert dict(Database(db_path).table("activities").raw_items()) == {2: {"note": "b2"}, 3: {"note": "c"}}
    assert dict(mine.table("activities").raw_items()) == {2: {"note": "b2"}, 3: {"note": "c"}}


@settings(max_examples=40)
@given(st.lists(st.tuples(st.sampled_from(["links", "history", "activities"]), st.integers(1, 5),
                          st.none() | st.integers(0, 9), st.booleans(), st.booleans()), max_size=25))
def test_any_mix_of_reads_writes_and_compactions_matches_a_plain_model(tmp_path_factory, steps) -> None:
    path = tmp_path_factory.mktemp("deferred") / "crm.json"
    create_database(path, {"contacts": [], "links": [{"n": -1}], "history": [{"n": -2}]})
    model: dict[str, dict[int, dict]] = {"links": {1: {"n": -1}}, "history": {1: {"n": -2}}, "activities": {}}
    database = Database(path)
    for table, doc_id, value, read_first, compact in steps:
        if read_first:
            assert dict(database.table(table).raw_items()) == model[table]
        with database.write() as batch:
            if value is None:
                batch.remove(table, doc_id)
                model[table].pop(doc_id, None)
            else:
                batch.put(table, doc_id, {"n": value})
                model[table][doc_id] = {"n": value}
        if compact:
            database.compact()
    for reader in (database, Database(path)):
        for table, docs in model.items():
            assert dict(reader.table(table).raw_items()) == docs
