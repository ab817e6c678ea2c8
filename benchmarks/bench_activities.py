"""Activities benchmark: 100,000 demo contacts with their contact persons and activities.

Run from the repository root (see benchmarks/README.md)::

    .venv/bin/python benchmarks/bench_activities.py                   # 100k contacts (~2 min)
    .venv/bin/python benchmarks/bench_activities.py --contacts 10000 --repeat 1 --no-tmux   # smoke run

Two databases hold the same 100,000 contacts (``tui_crm.demo``); the second also holds what
``tui-crm demo`` adds (``tui_crm.demo_activities``: ~42k contact persons, ~57k activities).
Measured on both, in new processes, so the difference is what the activities cost:

1. open: snapshot load and each repository's constructor (``ActivityRepository`` builds its
   index in ``__init__``), with the GC time and peak RSS;
2. first paint of the real app: ``bench_contacts.py``'s first-paint child (``CrmApp.open`` +
   ``run_test``) and, like ``../shared/checks/first-paint-100k``, ``tui-crm`` in tmux at 80x24
   until 10 rows with a phone or an e-mail show.

On the database with activities, in this process: ``ActivityRepository.find`` for all, mine
(employee), overdue, one organization's, one person's, a calendar week; ``set_note`` and
``save`` (edit, new, with a follow-up) latency; the dictionary usage count; peak RSS.

A script, not a test: it prints a table with PASS/FAIL against the targets and exits 0 (1 with
``--strict`` when one is missed).
"""

import time

_T0 = time.monotonic()  # before any other import: a child's imports count in its open time

import argparse
import gc
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO_ROOT))

SEED = 2026
USER = "anna"  # a demo operator: "my activities" are hers
CONTACTS_ONLY, WITH_ACTIVITIES = "contacts only", "with activities"
PAINTED_ROW = re.compile(r"(\+48|[0-9]{3} [0-9]{3} [0-9]{3}|@)")  # as ../shared/checks/first-paint-100k

TARGETS = {  # metric -> (limit, unit)
    "first_paint": (2.0, "s"),
    "rss": (500e6, "B"),
    "write": (0.050, "s"),
    "list": (0.050, "s"),  # a list refresh, as a search keystroke in the contacts benchmark
}


# =============================================================================================
# small helpers


def median(values):
    return statistics.median(values) if values else None


def maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


class GcTimer:
    """Adds up the time the cyclic garbage collector runs."""

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start


def timed(function, repeat: int) -> tuple[list[float], object]:
    """Seconds of each of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def dataset_key() -> str:
    """Data sets depend on the generators, the formats and the day (activities are planned
    around today, as ``tui-crm demo`` plans them)."""
    digest = hashlib.sha1(datetime.now(UTC).date().isoformat().encode())
    sources = [REPO_ROOT / "tui_crm" / name for name in ("demo.py", "demo_activities.py")]
    sources += [REPO_ROOT / "tui_crm" / "domain" / name for name in ("contact.py", "activity.py", "contact_persons.py")]
    sources += sorted((REPO_ROOT / "tui_crm" / "store").glob("*.py"))
    for source in sources:
        if source.exists():
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:12]


def git_describe() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True,
                              cwd=REPO_ROOT, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "tui_crm", "styles"], check=False,
                               capture_output=True, text=True, cwd=REPO_ROOT, timeout=10).stdout.strip()
        return head + ("+changes" if dirty else "") if head else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


# =============================================================================================
# child processes


def child_generate(args) -> None:
    """Write both databases: the contacts alone, and the contacts with the demo's other tables."""
    from tui_crm.demo import generate_contacts
    from tui_crm.demo_activities import (
        generate_activities,
        generate_links,
        generate_operators,
    )
    from tui_crm.store import create_database

    contacts = generate_contacts(args.contacts, seed=args.seed)
    links = generate_links(contacts, args.seed)
    activities = generate_activities(contacts, links, args.seed, datetime.now(UTC))
    for path, tables in ((args.contacts_db, {"contacts": contacts}),
                         (args.activities_db, {"contacts": contacts, "links": links,
                                               "operators": generate_operators(), "activities": activities})):
        target = Path(path)
        scratch = target.parent / f".tmp-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        create_database(scratch / target.name, tables)
        for suffix in (".journal", ""):  # the snapshot last: its presence means "complete"
            os.replace(scratch / (target.name + suffix), target.parent / (target.name + suffix))
        shutil.rmtree(scratch, ignore_errors=True)


def child_open(args) -> None:
    """A new process: import, load the database, build the repositories as ``CrmApp`` does."""
    gc_timer = GcTimer()
    marks: list[tuple[str, float, float]] = [("start", _T0, 0.0)]

    def mark(name: str) -> None:
        marks.append((name, time.monotonic(), gc_timer.total))

    from tui_crm import i18n

    i18n.setup("en")
    import tui_crm.ui.app  # noqa: F401 - the app's imports count, as in a real start
    from tui_crm.store import ContactRepository, Database
    from tui_crm.store.activities import ActivityRepository
    from tui_crm.store.history import HistoryRepository
    from tui_crm.store.links import LinkRepository
    from tui_crm.store.settings import SettingsRepository

    mark("imported")
    database = Database(Path(args.db))
    mark("loaded")
    contacts = ContactRepository(database, "en")
    mark("contacts")
    links = LinkRepository(contacts, SettingsRepository(database))
    mark("links")
    history = HistoryRepository(database)
    mark("history")
    activities = ActivityRepository(contacts, links, history)
    mark("activities")
    result = {"marks": marks, "maxrss": maxrss_bytes(), "activities": activities.count(),
              "links": len(database.table("links"))}
    Path(args.out).write_text(json.dumps(result))
    os._exit(0)  # skip freeing 100k documents one by one


def run_child(cmd: list[str], timeout: float) -> dict:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as out:
        out_path = out.name
    try:
        proc = subprocess.run([*cmd, "--out", out_path], check=False, capture_output=True, text=True, timeout=timeout,
                              cwd=REPO_ROOT)
        text = Path(out_path).read_text()
        if proc.returncode != 0 or not text:
            raise RuntimeError((proc.stderr or proc.stdout)[-2000:] or f"exit {proc.returncode}")
        return json.loads(text)
    finally:
        Path(out_path).unlink(missing_ok=True)


# =============================================================================================
# measurements


OPEN_PHASES = (("import", "start", "imported"), ("load snapshot + journal", "imported", "loaded"),
               ("ContactRepository", "loaded", "contacts"), ("LinkRepository", "contacts", "links"),
               ("HistoryRepository", "links", "history"), ("ActivityRepository", "history", "activities"),
               ("total", "start", "activities"))


def measure_open(db: Path, repeat: int, log) -> dict:
    """Median seconds (and GC seconds) of each phase of opening, over ``repeat`` new processes."""
    runs = []
    for _ in range(repeat):
        runs.append(run_child([sys.executable, __file__, "--child", "open", "--db", str(db)], 300))
    summary: dict = {"maxrss": max(r["maxrss"] for r in runs), "activities": runs[0]["activities"],
                     "links": runs[0]["links"]}
    for label, a, b in OPEN_PHASES:
        spans, gcs = [], []
        for run in runs:
            marks = {name: (t, g) for name, t, g in run["marks"]}
            spans.append(marks[b][0] - marks[a][0])
            gcs.append(marks[b][1] - marks[a][1])
        summary[label] = (median(spans), median(gcs))
    log(f"  open {db.name}: total {summary['total'][0]:.2f} s")
    return summary


def measure_app_paint(db: Path, repeat: int, log) -> dict:
    """bench_contacts.py's first-paint child: a new process, ``CrmApp.open`` + ``run_test``."""
    bench_contacts = Path(__file__).with_name("bench_contacts.py")
    runs = [run_child([sys.executable, str(bench_contacts), "--child", "tui-paint", "--db", str(db)], 300)
            for _ in range(repeat)]

    def span(run, a, b):
        marks = {m["name"]: m["t"] for m in run["marks"]}
        return marks[b] - marks[a]

    result = {
        "paint": median([span(r, "start", "painted") for r in runs]),
        "app_init": median([span(r, "index_built", "app_created") for r in runs]),
        "maxrss": max(r["maxrss"] for r in runs),
    }
    log(f"  app first paint {db.name}: {result['paint']:.2f} s")
    return result


def tmux_paint(db: Path, run: int, timeout: float = 15.0) -> float | None:
    """Seconds from launching ``tui-crm`` in tmux (80x24) to 10 painted rows with a phone or an
    e-mail, as ``../shared/checks/first-paint-100k`` measures; None if that never happens."""
    socket = f"bench-activities-{os.getpid()}-{run}"  # a server just killed may still hold the last one
    command = f"TERM=xterm-256color {sys.executable} -m tui_crm --db {db} --user {USER}"
    start = time.monotonic()
    started = subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "80", "-y", "24", command],
                             check=False, capture_output=True)
    try:
        if started.returncode:
            return None
        while time.monotonic() - start < timeout:
            time.sleep(0.05)
            screen = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"], check=False, capture_output=True,
                                    text=True).stdout
            if sum(bool(PAINTED_ROW.search(line)) for line in screen.splitlines()) >= 10:
                return time.monotonic() - start
        return None
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, capture_output=True)


def measure_tmux_paint(db: Path, repeat: int, log) -> dict:
    times = [tmux_paint(db, run) for run in range(repeat)]
    found = [t for t in times if t is not None]
    log(f"  tmux first paint {db.name}: " + ", ".join("-" if t is None else f"{t:.2f} s" for t in times))
    return {"paint": median(found), "max": max(found) if found else None, "failed": len(times) - len(found)}


def measure_store(db: Path, args, log) -> dict:
    """Queries and writes on the database with activities, in this process."""
    from collections import Counter
    from zoneinfo import ZoneInfo

    from tui_crm.domain.activity import OVERDUE, Activity, to_utc_text
    from tui_crm.domain.schedule import day_bounds, week_start
    from tui_crm.store import ContactRepository, Database
    from tui_crm.store.activities import ActivityQuery, ActivityRepository
    from tui_crm.store.history import HistoryRepository
    from tui_crm.store.links import LinkRepository

    contacts = ContactRepository(Database(db), "en")
    repository = ActivityRepository(contacts, LinkRepository(contacts), HistoryRepository(contacts.database))
    busiest_org = Counter(repository.doc(i)["counterparty_id"] for i in repository.find()).most_common(1)[0][0]
    person = repository.get(repository.find(ActivityQuery(contact_id=busiest_org))[0]).person_ids[0]
    zone = ZoneInfo("Europe/Warsaw")
    monday = week_start(datetime.now(zone).date())
    week = day_bounds(monday, 7, zone)
    n = args.queries
    result: dict = {"count": repository.count()}
    queries = {
        "all": ActivityQuery(),
        "all, newest first": ActivityQuery(descending=True),
        "mine (employee)": ActivityQuery(employee=USER),
        "overdue": ActivityQuery(status=OVERDUE),
        "mine, overdue": ActivityQuery(employee=USER, status=OVERDUE),
        "one organization (contact_id)": ActivityQuery(contact_id=busiest_org),
        "one person (contact_id)": ActivityQuery(contact_id=person),
        "a calendar week, all employees": ActivityQuery(start=week[0], end=week[1]),
    }
    log("  store: queries ...")
    for label, query in queries.items():
        times, found = timed(lambda q=query: repository.find(q), n)
        result[f"find: {label}"] = (times, len(found))
    times, found = timed(lambda: repository.calendar(USER, *week), n)
    result["calendar: my week (Activity objects)"] = (times, len(found))
    times, used = timed(lambda: repository.usage("kind", ["phone"]), n)
    result["usage('kind', ['phone']) (dictionary screen)"] = (times, used)

    log("  store: writes ...")
    open_ids = [i for i in repository.find(ActivityQuery(employee=USER)) if not repository.doc(i).get("completed")]
    open_ids = open_ids[: args.saves * 3]
    notes = []
    for activity_id in open_ids[: args.saves]:
        seen = repository.doc(activity_id).get("note", "")
        start = time.perf_counter()
        repository.set_note(activity_id, f"Notatka {activity_id}", author=USER, seen_note=seen)
        notes.append(time.perf_counter() - start)
    result["set_note"] = notes
    edits = []
    for activity_id in open_ids[args.saves: 2 * args.saves]:
        start = time.perf_counter()
        activity = repository.get(activity_id)
        activity.subject += " (zmiana)"
        repository.save(activity, author=USER)
        edits.append(time.perf_counter() - start)
    result["save: edited"] = edits
    new = []
    template = repository.get(open_ids[0])
    for k in range(args.saves):
        fresh = Activity(type=template.type, counterparty_id=template.counterparty_id,
                         person_ids=list(template.person_ids), employee=USER, subject=f"Nowe {k}",
                         planned_at=to_utc_text(datetime.now(UTC) + timedelta(days=k % 20 + 1)))
        start = time.perf_counter()
        repository.save(fresh, author=USER)
        new.append(time.perf_counter() - start)
    result["save: new"] = new
    follow_ups = []
    for activity_id in open_ids[2 * args.saves:]:
        activity = repository.get(activity_id)
        activity.completed, activity.duration_seconds = True, 300
        start = time.perf_counter()
        repository.save(activity, author=USER, follow_up_at=datetime.now(UTC) + timedelta(days=7))
        follow_ups.append(time.perf_counter() - start)
    result["save: completed + follow-up"] = follow_ups
    times, found = timed(lambda: repository.find(), n)
    result["find: all, after the writes"] = (times, len(found))
    result["maxrss"] = maxrss_bytes()
    return result


# =============================================================================================
# report


def fmt_time(seconds) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


def fmt_bytes(value) -> str:
    return "-" if value is None else f"{value / 1e6:.0f} MB"


def fmt(value, unit: str) -> str:
    return fmt_bytes(value) if unit == "B" else fmt_time(value)


def print_report(info: dict, figures: dict, args) -> list[tuple[str, bool]]:
    verdicts: list[tuple[str, bool]] = []
    header = f"{'metric':<58} {CONTACTS_ONLY:>14} {WITH_ACTIVITIES:>16} {'diff':>10}  {'target':<10} {'':<4}  notes"
    print()
    print(f"tui-crm activities benchmark at {info['commit']}: {args.contacts:,} contacts, "
          f"{figures.get('activities', 0):,} activities, {figures.get('links', 0):,} contact persons; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {info['when']}")
    print(f"load average (1 min) at start {info['load_start']:.2f}, at end {info['load_end']:.2f}"
          + ("  WARNING: the machine was busy; figures are pessimistic" if info["load_start"] > 0.5 else ""))
    print(header)
    print("-" * len(header))

    def row(label, only, full, unit="s", target=None, note=""):
        verdict, target_text = "", ""
        if target:
            limit, _unit = TARGETS[target]
            target_text = "<= " + fmt(limit, _unit)
            if full is None:
                verdict = "n/a"
            else:
                verdict = "PASS" if full <= limit else "FAIL"
                verdicts.append((label.strip(), full <= limit))
        diff = ""
        if only is not None and full is not None:
            diff = ("+" if full >= only else "-") + fmt(abs(full - only), unit)
        only_text = "" if only is None else fmt(only, unit)
        print(f"{label:<58} {only_text:>14} {fmt(full, unit):>16} {diff:>10}  {target_text:<10} {verdict:<4}  {note}")

    opened = figures.get("open", {})
    a, b = opened.get(CONTACTS_ONLY, {}), opened.get(WITH_ACTIVITIES, {})
    for label, *_ in OPEN_PHASES:
        ga, gb = a.get(label, (None, None)), b.get(label, (None, None))
        row(f"open: {label}", ga[0], gb[0], note=f"of which GC {fmt_time(ga[1])} / {fmt_time(gb[1])}")
    row("open: peak RSS", a.get("maxrss"), b.get("maxrss"), unit="B")
    app = figures.get("app_paint", {})
    a, b = app.get(CONTACTS_ONLY, {}), app.get(WITH_ACTIVITIES, {})
    row("first paint, app child (CrmApp.open + run_test)", a.get("paint"), b.get("paint"), target="first_paint")
    row("    CrmApp.__init__ after ContactRepository", a.get("app_init"), b.get("app_init"),
        note="links, history, activities, operators, dictionaries")
    row("    peak RSS of that process", a.get("maxrss"), b.get("maxrss"), unit="B", target="rss")
    tmux = figures.get("tmux_paint", {})
    a, b = tmux.get(CONTACTS_ONLY, {}), tmux.get(WITH_ACTIVITIES, {})
    if tmux:
        row("first paint, tui-crm in tmux 80x24 (median)", a.get("paint"), b.get("paint"), target="first_paint",
            note=f"max {fmt_time(a.get('max'))} / {fmt_time(b.get('max'))}; "
                 f"failed {a.get('failed')} / {b.get('failed')}")

    store = figures.get("store", {})
    for label, value in store.items():
        if label.startswith(("find", "calendar", "usage")):
            times, size = value
            target = "list" if label.startswith(("find", "calendar")) else None
            row(f"{label} (median)", None, median(times), target=target,
                note=f"{size:,} found; max {fmt_time(max(times))}, n={len(times)}")
    for label in ("set_note", "save: edited", "save: new", "save: completed + follow-up"):
        times = store.get(label) or []
        row(f"{label} (median)", None, median(times), target="write",
            note=f"max {fmt_time(max(times))}, n={len(times)}" if times else "")
    row("peak RSS, store process (after all of the above)", None, store.get("maxrss"), unit="B")
    failed = [label for label, ok in verdicts if not ok]
    missed = f"; missed: {'; '.join(failed)}" if failed else ""
    print(f"targets: {len(verdicts) - len(failed)} of {len(verdicts)} met{missed}")
    return verdicts


# =============================================================================================
# main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tui-crm-bench",
                        help="where generated data sets are cached (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="new processes per measurement and database (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=9, help="times each query runs (default: %(default)s)")
    parser.add_argument("--saves", type=int, default=20, help="writes timed of each kind (default: %(default)s)")
    parser.add_argument("--no-tmux", action="store_true", help="skip the first paint in tmux")
    parser.add_argument("--json", type=Path, help="also write all figures as JSON to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    # children
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--contacts-db", help=argparse.SUPPRESS)
    parser.add_argument("--activities-db", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        {"generate": child_generate, "open": child_open}[args.child](args)
        return 0

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    info = {"when": time.strftime("%Y-%m-%d %H:%M"), "commit": git_describe(), "load_start": os.getloadavg()[0]}
    data_dir = args.workdir / "data" / f"activities-{dataset_key()}"
    sources = {CONTACTS_ONLY: data_dir / f"contacts-{args.contacts}-seed{args.seed}.json",
               WITH_ACTIVITIES: data_dir / f"activities-{args.contacts}-seed{args.seed}.json"}
    if not all(path.exists() for path in sources.values()):
        log(f"generating data sets in {data_dir} ...")
        started = time.perf_counter()
        data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, __file__, "--child", "generate", "--contacts", str(args.contacts),
                        "--seed", str(args.seed), "--contacts-db", str(sources[CONTACTS_ONLY]),
                        "--activities-db", str(sources[WITH_ACTIVITIES])], cwd=REPO_ROOT, check=True)
        log(f"  done in {time.perf_counter() - started:.1f} s")
    else:
        log(f"using cached data sets in {data_dir}")

    # The app and the writes change the files: every run works on scratch copies.
    run_dir = args.workdir / f"run-activities-{os.getpid()}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    databases = {}
    for label, source in sources.items():
        databases[label] = run_dir / source.name
        for suffix in ("", ".journal"):
            shutil.copyfile(source.with_name(source.name + suffix), run_dir / (source.name + suffix))

    figures: dict = {"open": {}, "app_paint": {}, "tmux_paint": {}}
    try:
        for label, db in databases.items():
            log(f"{label}: opening in {args.repeat} new processes ...")
            figures["open"][label] = measure_open(db, args.repeat, log)
            figures["app_paint"][label] = measure_app_paint(db, args.repeat, log)
            if not args.no_tmux and shutil.which("tmux"):
                figures["tmux_paint"][label] = measure_tmux_paint(db, args.repeat, log)
        figures["activities"] = figures["open"][WITH_ACTIVITIES]["activities"]
        figures["links"] = figures["open"][WITH_ACTIVITIES]["links"]
        log(f"{WITH_ACTIVITIES}: queries and writes in this process ...")
        figures["store"] = measure_store(databases[WITH_ACTIVITIES], args, log)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    if not figures["tmux_paint"]:
        del figures["tmux_paint"]
    info["load_end"] = os.getloadavg()[0]
    verdicts = print_report(info, figures, args)
    if args.json:
        args.json.write_text(json.dumps({"info": info, "figures": figures}, indent=1, default=str))
    return 1 if args.strict and not all(ok for _, ok in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
