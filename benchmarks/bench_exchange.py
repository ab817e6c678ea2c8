"""Import/export benchmark: vCard and CSV at 100,000 demo contacts.

Run from the repository root (see benchmarks/README.md)::

    .venv/bin/python benchmarks/bench_exchange.py                    # 100k
    .venv/bin/python benchmarks/bench_exchange.py --contacts 10000   # smoke run

For each format: export every contact of a demo database (contacts and contact persons), then import
the file into an empty database (duplicates added, so every record is written and every person is
linked again to the organization the file names: the worst case
for the single write batch), and a dry run with the duplicate rules on. Prints seconds and sizes;
a script, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_crm.demo import generate_contacts
from tui_crm.demo_activities import generate_links
from tui_crm.domain.dictionaries import CONTACT_ROLES
from tui_crm.store import ContactQuery, ContactRepository, Database, create_database
from tui_crm.store.dictionaries import DictionaryRepository
from tui_crm.store.exchange import ADD_DUPLICATES, export_contacts, import_file
from tui_crm.store.links import LinkRepository


def timed(label: str, action):
    started = time.perf_counter()
    value = action()
    print(f"{label:<48} {time.perf_counter() - started:8.2f} s")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "source.json"
        contacts = generate_contacts(args.contacts)
        contact_persons = generate_links(contacts)
        create_database(source, {"contacts": contacts, "links": contact_persons})
        repo = ContactRepository(Database(source))
        links, dictionaries = LinkRepository(repo), DictionaryRepository(repo.database)
        ids = repo.find(ContactQuery())
        print(f"{args.contacts:,} contacts, {len(contact_persons):,} of them contact persons of an organization")
        for fmt in ("vcf", "csv"):
            out = work / f"all.{fmt}"
            timed(f"export {fmt}", lambda: export_contacts(  # noqa: B023
                repo, ids, out, fmt, links=links, roles=dictionaries.entries(CONTACT_ROLES)))  # noqa: B023
            print(f"{'  file size':<48} {out.stat().st_size / 1e6:8.1f} MB")
            target = work / f"empty-{fmt}.json"
            create_database(target, {})
            empty = ContactRepository(Database(target))
            result = timed(f"import {fmt} into an empty database (one batch)",
                           lambda: import_file(empty, out, author="bench", on_duplicate=ADD_DUPLICATES,  # noqa: B023
                                               links=LinkRepository(empty)))  # noqa: B023
            print(f"{'  imported / failed':<48} {len(result.imported):>8} / {len(result.failed)}")
            result = timed(f"dry run {fmt} against the full database (duplicates)",
                           lambda: import_file(repo, out, author="bench", dry_run=True))  # noqa: B023
            print(f"{'  would import / skipped':<48} {len(result.imported):>8} / {len(result.skipped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
