"""The append-only journal beside the snapshot: one JSON line per committed batch.

A batch is ``{"seq": N, "ops": [[table, doc_id, doc_or_null], ...]}``; a whole batch is written
with one ``write`` and fsynced, so it is applied entirely or not at all. The first line is a
header naming the snapshot sequence the journal starts from. A crash mid-append leaves a torn
last line without its newline: readers ignore it, and the next writer cuts it off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .files import atomic_write_bytes

Op = tuple[str, int, dict[str, Any] | None]


@dataclass(slots=True)
class Batch:
    seq: int
    ops: list[Op]


@dataclass(slots=True)
class JournalPosition:
    """Where a reader stands: which journal file (inode) and how far into it."""

    inode: int
    offset: int


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def create(self, base_seq: int) -> None:
        """Start a fresh journal (atomically replacing any old one) after ``base_seq``."""
        atomic_write_bytes(self.path, _header(base_seq))

    def stat(self) -> os.stat_result | None:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            return None

    def read(self, position: JournalPosition | None) -> tuple[int, list[Batch], JournalPosition]:
        """Batches after ``position`` (from the start if None or if the file was replaced).

        Returns the journal's base sequence, the complete batches and the new position.
        Stops at an incomplete last line, which is either being written or torn by a crash.
        """
        with open(self.path, "rb") as handle:
            info = os.fstat(handle.fileno())
            header_line = handle.readline()
            base_seq = _parse_header(header_line)
            start = len(header_line)
            if position is not None and position.inode == info.st_ino and position.offset >= start:
                handle.seek(position.offset)
                start = position.offset
            data = handle.read()
        batches: list[Batch] = []
        consumed = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            consumed += len(line)
            batch = _parse_batch(line)
            if batch is not None:
                batches.append(batch)
        return base_seq, batches, JournalPosition(info.st_ino, start + consumed)

    def append(self, batch: Batch, position: JournalPosition) -> JournalPosition:
        """Append one batch durably. Call only under the write lock, caught up to ``position``."""
        line = orjson.dumps({"seq": batch.seq, "ops": batch.ops}) + b"\n"
        fd = os.open(self.path, os.O_WRONLY)
        try:
            size = os.fstat(fd).st_size
            if size != position.offset:
                # A writer crashed mid-line: cut the torn tail before appending after it.
                os.ftruncate(fd, position.offset)
            os.lseek(fd, position.offset, os.SEEK_SET)
            try:
                _write_all(fd, line)
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, position.offset)
                raise
        finally:
            os.close(fd)
        return JournalPosition(position.inode, position.offset + len(line))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _header(base_seq: int) -> bytes:
    return orjson.dumps({"journal": "tui-crm", "base_seq": base_seq}) + b"\n"


def _parse_header(line: bytes) -> int:
    try:
        header = orjson.loads(line)
        if header.get("journal") == "tui-crm":
            return int(header["base_seq"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        pass
    raise ValueError("not a tui-crm journal")


def _parse_batch(line: bytes) -> Batch | None:
    try:
        raw = orjson.loads(line)
        return Batch(int(raw["seq"]), [(t, int(i), d) for t, i, d in raw["ops"]])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None  # a damaged line: skip it rather than refuse the whole database
