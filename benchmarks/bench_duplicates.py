#!/usr/bin/env python
"""Duplicates benchmark: the duplicates index and report at 100,000 demo contacts.

Run from the repository root (see benchmarks/README.md)::

    .venv/bin/python benchmarks/bench_duplicates.py                    # 100k, ~20 s
    .venv/bin/python benchmarks/bench_duplicates.py --contacts 10000   # smoke run

Measures, on a database written by ``create_database`` from ``generate_contacts(n)``:

1. building the index (``DuplicateIndex.build``: every contact's keys and the key blocks), and
   the memory it takes (RSS before and after);
2. the report (``DuplicateIndex.report``: union-find over the blocks, names compared inside
   each block), with the number of groups and how many contacts are in them;
3. one save-time check (``DuplicateIndex.for_contact``) of a new contact copied from an existing
   one (so it has at least one match), median and maximum of ``--checks`` contacts;
4. a save through ``ContactRepository.save`` while the index is built (the index follows the
   change through ``Database.subscribe``), median of 20.

It prints the figures; it is a script, not a test.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO_ROOT))

from tui_crm.demo import generate_contacts  # noqa: E402
from tui_crm.store import ContactRepository, Database, create_database  # noqa: E402
from tui_crm.store.duplicate_index import DuplicateIndex  # noqa: E402

SEED = 2026


def rss_mb() -> float:
    """The current resident set size (Linux), in MB."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=50, help="save-time checks to time")
    parser.add_argument("--workdir", type=Path, help="where to write the database (default: a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tui-crm-dups-") as scratch:
        folder = args.workdir or Path(scratch)
        path = folder / f"dups-{args.contacts}.json"
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".journal").unlink(missing_ok=True)
        print(f"tui-crm duplicates benchmark: {args.contacts:,} demo contacts; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        generate, docs = timed(lambda: generate_contacts(args.contacts))
        create_database(path, {"contacts": docs})
        del docs
        gc.collect()
        opening, contacts = timed(lambda: ContactRepository(Database(path)))
        print(f"(generated in {generate:.1f} s, opened in {opening:.1f} s)")

        index = DuplicateIndex(contacts)
        before = rss_mb()
        build, _ = timed(index.build)
        after = rss_mb()
        report, groups = timed(index.report)
        in_groups = sum(len(g.ids) for g in groups)
        reasons = Counter(r for g in groups for r in g.reasons)

        rnd = random.Random(SEED)
        ids = contacts.find()
        checks = []
        found = []
        for contact_id in rnd.sample(ids, min(args.checks, len(ids))):
            new = contacts.get(contact_id).copy_as_new()
            seconds, matches = timed(lambda new=new: index.for_contact(new))
            checks.append(seconds)
            found.append(len(matches))

        saves = []
        for contact_id in rnd.sample(ids, min(20, len(ids))):
            contact = contacts.get(contact_id)
            contact.position = (contact.position + " (bench)").strip() if contact.is_person else contact.position
            contact.tags = [*contact.tags, "bench"]
            seconds, _ = timed(lambda contact=contact: contacts.save(contact, author="bench"))
            saves.append(seconds)
        assert index.built

        rows = [
            ("build the index (keys + blocks)", f"{build:.2f} s"),
            ("memory of the index (RSS growth)", f"{after - before:,.0f} MB"),
            ("report: duplicate groups", f"{report:.2f} s"),
            ("  groups / contacts in them", f"{len(groups):,} / {in_groups:,} (largest {len(groups[0].ids) if groups else 0})"),
            ("  groups by reason", ", ".join(f"{r}: {n:,}" for r, n in reasons.most_common())),
            (f"save-time check, median of {len(checks)}", ms(statistics.median(checks))),
            ("save-time check, max", ms(max(checks))),
            ("  matches per check, median / max", f"{statistics.median(found):g} / {max(found)}"),
            ("ContactRepository.save with the index built, median of 20", ms(statistics.median(saves))),
        ]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
