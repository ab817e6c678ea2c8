"""The snapshot layout: TinyDB's own JSON, one record per line, read line by line."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from tui_crm.store.snapshot import (
    _OtherLayout,
    _read_lines,
    encode_snapshot,
    read_snapshot,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
tables = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.dictionaries(st.integers(1, 10**6).map(str), st.dictionaries(st.text(max_size=6), json_values, max_size=4), max_size=5),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_any_tables_round_trip_through_the_line_reader(tmp_path_factory, data) -> None:
    path = tmp_path_factory.mktemp("snap") / "db.json"
    path.write_bytes(encode_snapshot(data))
    assert _read_lines(path) == data  # the fast path, not the fallback
    assert json.loads(path.read_text("utf-8")) == data


def test_tinydb_itself_reads_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(encode_snapshot({"contacts": {"1": {"name": "Łódź \"Ziemia\"\nObiecana"}, "7": {"n": 2}}}))
    with TinyDB(path) as db:
        assert db.table("contacts").get(doc_id=1) == {"name": "Łódź \"Ziemia\"\nObiecana"}
        assert len(db.table("contacts")) == 2


def test_a_file_in_another_layout_is_read_in_one_piece(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    data = {"contacts": {"1": {"name": "x"}}, "_meta": {"1": {"app": "tui-crm"}}}
    path.write_text(json.dumps(data, indent=4))
    with pytest.raises(_OtherLayout):
        _read_lines(path)
    assert read_snapshot(path) == data


def test_a_truncated_file_is_an_error_not_a_partial_read(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    encoded = encode_snapshot({"contacts": {str(i): {"n": i} for i in range(1, 50)}})
    path.write_bytes(encoded[: len(encoded) // 2])
    with pytest.raises(orjson.JSONDecodeError):
        read_snapshot(path)
