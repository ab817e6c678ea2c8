"""The snapshot file: TinyDB's JSON layout, written with one document per line.

``{"table": {"id": {...}, ...}, ...}`` is what TinyDB's own JSONStorage reads and writes, so the
file stays a plain TinyDB database. Writing each document on its own line lets us read it
line by line: parsing the whole file at once makes orjson build its full document tree next to
the raw bytes, about 200 MB extra at 100,000 contacts. A file in any other layout (edited by
hand or by another tool) is still read, in one piece.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson


def encode_snapshot(tables: Mapping[str, Mapping[str, Any]]) -> bytes:
    lines = [b"{"]
    names = list(tables)
    for table_number, name in enumerate(names):
        lines.append(orjson.dumps(name) + b": {")
        docs = tables[name]
        last = len(docs) - 1
        for position, (doc_id, doc) in enumerate(docs.items()):
            text = doc if isinstance(doc, bytes) else orjson.dumps(doc)  # bytes: still unparsed JSON
            line = b'"%s": %s' % (str(doc_id).encode(), text)
            lines.append(line + b"," if position < last else line)
        lines.append(b"}," if table_number < len(names) - 1 else b"}")
    lines.append(b"}")
    return b"\n".join(lines) + b"\n"


class _OtherLayout(Exception):
    pass


def _never(_name: str) -> bool:
    return False


def read_snapshot(path: Path, defer: Callable[[str], bool] = _never) -> Any:
    """The parsed file; raises ``orjson.JSONDecodeError`` if it is not JSON at all.

    Documents of the tables ``defer`` names are left as their JSON text (``bytes``), to be
    parsed when the table is first used: start-up then pays only for the tables it shows.
    """
    try:
        return _read_lines(path, defer)
    except (_OtherLayout, orjson.JSONDecodeError, UnicodeDecodeError):
        return orjson.loads(path.read_bytes())


def _read_lines(path: Path, defer: Callable[[str], bool] = _never) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    loads = orjson.loads
    parse = loads
    with open(path, "rb") as handle:
        if handle.readline().strip() != b"{":
            raise _OtherLayout
        table: dict[str, Any] | None = None
        for line in handle:  # the hot loop at 100k records: keep it lean
            if table is not None and line[:1] == b'"':
                split = line.find(b'": ')
                if split < 0:
                    raise _OtherLayout
                table[line[1:split].decode()] = parse(line[split + 3 :].rstrip(b",\r\n"))
                continue
            stripped = line.strip()
            if table is not None and stripped in (b"}", b"},"):
                table = None
            elif table is None and stripped == b"}":
                return tables
            elif table is None and stripped.endswith(b": {"):
                name = loads(stripped[:-3])
                table = tables[name] = {}
                parse = bytes if defer(name) else loads  # deferred: the JSON text itself
            else:
                raise _OtherLayout
    raise _OtherLayout  # the closing brace is missing: let the plain parser report it
