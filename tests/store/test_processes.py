"""Real processes on one database file: no lost write, and kill -9 at any moment is survivable."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tui_crm.store import ContactRepository, Database

WORKER = r"""
import sys
from tui_crm import i18n
from tui_crm.domain.contact import Contact, ContactKind
from tui_crm.store import ConflictError, ContactRepository, Database
i18n.setup("en")
path, name, count, shared_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
repo = ContactRepository(Database(path))
for n in range(count):
    repo.save(Contact(kind=ContactKind.PERSON, first_name=name, last_name=f"Nr{n}"), author=name)
    while True:  # increment the shared contact's discount, retrying on conflict
        repo.database.poll()
        shared = repo.get(shared_id)
        shared.discount += 1
        try:
            repo.save(shared, author=name)
            break
        except ConflictError:
            pass
"""

CRASHER = r"""
import sys
from tui_crm import i18n
from tui_crm.domain.contact import Contact, ContactKind
from tui_crm.store import ContactRepository, Database
from tui_crm.store import database
i18n.setup("en")
database.COMPACT_AFTER_BYTES = 30_000  # compact often, so kills land inside compactions too
repo = ContactRepository(Database(sys.argv[1]))
n = 0
while True:
    saved = repo.save(Contact(kind=ContactKind.ORGANIZATION, name=f"Firma {n} Łódź"), author="crash")
    print(saved.id, flush=True)
    n += 1
"""


def test_two_processes_writing_at_once_lose_nothing(db_path: Path) -> None:
    from factories import make_org

    shared = ContactRepository(Database(db_path)).save(make_org("Wspólna"), author="setup")
    count = 20
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(db_path), name, str(count), str(shared.id)])
        for name in ("anna", "piotr")
    ]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    repo = ContactRepository(Database(db_path))
    assert repo.count() == 1 + 2 * count
    assert repo.get(shared.id).discount == 2 * count
    assert repo.get(shared.id).version == 1 + 2 * count


def test_kill_9_at_any_moment_leaves_a_readable_database_with_every_committed_write(db_path: Path) -> None:
    ContactRepository(Database(db_path))
    committed: set[int] = set()
    for delay in (0.3, 0.55, 0.8, 1.1):
        crasher = subprocess.Popen([sys.executable, "-c", CRASHER, str(db_path)], stdout=subprocess.PIPE, text=True)
        time.sleep(delay)
        crasher.send_signal(signal.SIGKILL)
        out, _ = crasher.communicate(timeout=30)
        committed |= {int(line) for line in out.split()}
        repo = ContactRepository(Database(db_path))  # must open, whatever the moment of the kill
        assert committed <= set(repo.find())
    assert len(committed) > 0
