#!/usr/bin/env python
"""Contacts benchmark: tui-crm against a naive TinyDB + DataTable baseline, at 100,000 contacts.

Run from the repository root (see benchmarks/README.md)::

    .venv/bin/python benchmarks/bench_contacts.py                  # 100k, full baseline (~2 min)
    .venv/bin/python benchmarks/bench_contacts.py --baseline-contacts 20000 --no-baseline-ui
    .venv/bin/python benchmarks/bench_contacts.py --contacts 10000 --profile

Measured, for tui-crm and (in the same run) for the naive baseline:

1. first paint: a new process from its first line to the first painted rows of the list
   (``CrmApp.open`` + ``run_test(size=(80, 24))``; baseline: ``TinyDB(path)`` with the default
   JSONStorage + a ``DataTable`` filled with ``add_rows``), plus the same in-process;
2. search per keystroke, typing "kowal": ``ContactRepository.find`` and through the UI (pilot
   presses into ``#search`` until the list is repainted); baseline: a TinyDB ``Query`` with
   lambda tests over name/e-mail/phone per keystroke;
3. save of an edited contact (``ContactRepository.save``; baseline ``table.update``) and of a
   new one (``table.insert``);
4. how long another session takes to see a save (a second process polling ``Database.poll``;
   the app polls every 0.5 s, so the worst case adds that interval and the app's refresh);
5. peak RSS (``ru_maxrss``) of the first-paint process.

This is a script, not a test: it prints a table with PASS/FAIL against the targets and exits 0
(or 1 with ``--strict`` when a target is missed). Children of this script are started with the
hidden ``--child`` option; the first thing each does is take the time, so imports are counted.
"""

import time

_T0 = time.monotonic()  # before any other import: a child's imports count in its first paint

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO_ROOT))

SIZE = (80, 24)
TYPED = "kowal"
USER = "bench"
SEED = 2026
BASELINE_TABLE = "contacts"

TARGETS = {  # metric -> (limit, unit); tui-crm at 100k must stay at or below the limit
    "first_paint": (2.0, "s"),
    "search_key": (0.050, "s"),
    "save": (0.050, "s"),
    "visible": (1.0, "s"),
    "rss": (500e6, "B"),
}


# =============================================================================================
# small helpers


def now() -> float:
    """CLOCK_MONOTONIC on Linux: system-wide, so comparable between processes."""
    return time.monotonic()


def median(values):
    return statistics.median(values) if values else None


def pct(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def current_rss_bytes() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class GcTimer:
    """Adds up the time the cyclic garbage collector runs (gc.callbacks)."""

    def __init__(self) -> None:
        self.total = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1


class Marks:
    """Named time stamps (monotonic), with RSS and GC time at each."""

    def __init__(self, gc_timer: GcTimer | None = None) -> None:
        self.gc_timer = gc_timer
        self.items: list[dict] = []

    def mark(self, name: str, at: float | None = None) -> None:
        self.items.append(
            {
                "name": name,
                "t": now() if at is None else at,
                "rss": current_rss_bytes(),
                "gc": self.gc_timer.total if self.gc_timer else None,
            }
        )


class PaintProbe:
    """Records when a table's data rows are painted, frame by frame.

    ``render_line`` of the table class is wrapped to notice data rows being rendered; the
    screen's frame functions (``Screen._refresh_layout`` / ``_compositor_refresh``) are wrapped
    so that the time recorded is the end of the frame that painted them. ``set_rows`` (when the
    table has one) is wrapped to know when a new result reached the table.
    """

    def __init__(self) -> None:
        self.frames: list[float] = []  # end of each frame that painted data rows
        self.row_sets: list[float] = []  # each set_rows call (after it returned)
        self._depth = 0
        self._rows_in_frame = False
        self._event: asyncio.Event | None = None

    @property
    def first(self) -> float | None:
        return self.frames[0] if self.frames else None

    def install(self, cls, is_data_row) -> None:
        from textual.screen import Screen

        probe = self
        original_render = cls.render_line

        def render_line(self, y):
            strip = original_render(self, y)
            if is_data_row(self, y):
                probe._rows_painted()
            return strip

        cls.render_line = render_line
        if hasattr(cls, "set_rows"):
            original_set_rows = cls.set_rows

            def set_rows(self, *args, **kwargs):
                result = original_set_rows(self, *args, **kwargs)
                probe.row_sets.append(now())
                return result

            cls.set_rows = set_rows
        for name in ("_refresh_layout", "_compositor_refresh"):
            original_frame = getattr(Screen, name)
            if getattr(original_frame, "_bench_probe", False):
                continue

            def frame(self, *args, _original=original_frame, **kwargs):
                probe._depth += 1
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    probe._depth -= 1
                    if probe._depth == 0 and probe._rows_in_frame:
                        probe._rows_in_frame = False
                        probe._frame_done()

            frame._bench_probe = True
            setattr(Screen, name, frame)

    def _rows_painted(self) -> None:
        if self._depth:
            self._rows_in_frame = True
        else:  # rendered outside a frame function: count it as a frame of its own
            self._frame_done()

    def _frame_done(self) -> None:
        self.frames.append(now())
        if self._event is not None:
            self._event.set()

    async def _wait(self, predicate, timeout: float):
        deadline = now() + timeout
        while True:
            found = predicate()
            if found is not None:
                return found
            if now() > deadline:
                raise TimeoutError("the table was not repainted")
            self._event = asyncio.Event()
            try:
                await asyncio.wait_for(self._event.wait(), min(0.005, max(0.001, deadline - now())))
            except TimeoutError:
                pass

    async def wait_first(self, timeout: float) -> float:
        return await self._wait(lambda: self.first, timeout)

    def frame_after(self, t: float) -> float | None:
        return next((f for f in self.frames if f >= t), None)

    async def shown_after(self, t: float, timeout: float = 10) -> float:
        """End of the first frame painted after the first ``set_rows`` at or after ``t``."""

        def found():
            rows_set = next((r for r in self.row_sets if r >= t), None)
            return None if rows_set is None else self.frame_after(rows_set)

        return await self._wait(found, timeout)


def virtual_table_row(table, y: int) -> bool:
    return y >= 1 and 0 <= y - 1 + table.scroll_offset.y < table.row_count


def data_table_row(table, y: int) -> bool:
    return y >= 1 and table.row_count > 0


def dataset_key() -> str:
    """Cached data sets are tied to the code that generated and wrote them (generator, document
    format, snapshot layout): any change there makes a new data set."""
    digest = hashlib.sha1()
    sources = [REPO_ROOT / "tui_crm" / "demo.py", REPO_ROOT / "tui_crm" / "domain" / "contact.py"]
    sources += sorted((REPO_ROOT / "tui_crm" / "store").glob("*.py"))
    for source in sources:
        if source.exists():
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    digest.update(Path(__file__).name.encode())
    return digest.hexdigest()[:12]


def search_ready(repo) -> bool | None:
    """Whether the repository's search texts are all built (None: it has no such notion)."""
    prepare = getattr(repo, "prepare_search", None)
    if prepare is None:
        return None
    return bool(prepare(0))


def git_describe() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=REPO_ROOT, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "tui_crm", "styles"], capture_output=True,
                               text=True, cwd=REPO_ROOT, timeout=10).stdout.strip()
        return head + ("+changes" if dirty else "") if head else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


# =============================================================================================
# child processes


def child_generate(args) -> None:
    """Write the tui-crm database (N contacts) and the plain TinyDB file (M contacts)."""
    from tui_crm.demo import generate_contacts
    from tui_crm.store import create_database

    docs = generate_contacts(max(args.contacts, args.baseline_contacts), seed=args.seed)
    crm = Path(args.crm_db)
    if not crm.exists():
        tmp_dir = crm.parent / f".tmp-{os.getpid()}"
        shutil.rmtree(tmp_dir, ignore_errors=True)
        tmp_dir.mkdir(parents=True)
        create_database(tmp_dir / crm.name, {"contacts": docs[: args.contacts]})
        os.replace(tmp_dir / (crm.name + ".journal"), crm.parent / (crm.name + ".journal"))
        os.replace(tmp_dir / crm.name, crm)
        shutil.rmtree(tmp_dir, ignore_errors=True)
    base = Path(args.baseline_db)
    if args.baseline_contacts and not base.exists():
        # Exactly what TinyDB's JSONStorage writes after inserting the documents (ids from 1).
        table = {str(i): doc for i, doc in enumerate(docs[: args.baseline_contacts], 1)}
        tmp = base.with_name(f".{base.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({BASELINE_TABLE: table}))
        os.replace(tmp, base)


def child_tui_paint(args) -> None:
    """A fresh process: import, CrmApp.open, run_test, first painted rows. Writes JSON to --out."""
    gc_timer = GcTimer()
    marks = Marks(gc_timer)
    marks.mark("start", _T0)
    profiler = None
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()

    from tui_crm import i18n

    i18n.setup("en")
    import tui_crm.ui.app as app_module
    from tui_crm.ui.app import CrmApp
    from tui_crm.ui.screens.contact_list import ContactListScreen
    from tui_crm.ui.widgets.virtual_table import VirtualTable

    marks.mark("imported")
    probe = PaintProbe()
    probe.install(VirtualTable, virtual_table_row)

    # Time the two halves of CrmApp.open without changing it: the repository is built right
    # after the Database has loaded the snapshot and journal.
    real_repository = app_module.ContactRepository

    def timed_repository(database, language):
        marks.mark("database_loaded")
        repository = real_repository(database, language)
        marks.mark("index_built")
        return repository

    app_module.ContactRepository = timed_repository
    app = CrmApp.open(Path(args.db), user=USER)
    app_module.ContactRepository = real_repository
    marks.mark("app_created")
    result: dict = {}

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            painted = await probe.wait_first(timeout=120)
            if profiler:
                profiler.disable()
            marks.mark("painted", painted)
            screen = app.screen
            table = screen.query_one(VirtualTable) if isinstance(screen, ContactListScreen) else None
            result["rows"] = table.row_count if table else 0
            result["maxrss"] = maxrss_bytes()
            # The app may build its search texts in the background after the first paint.
            if search_ready(app.contacts) is not None:
                deadline = now() + 60
                while not search_ready(app.contacts) and now() < deadline:
                    await asyncio.sleep(0.005)
                result["search_ready"] = now() - painted
                result["maxrss_search_ready"] = maxrss_bytes()
            await pilot.pause()

    asyncio.run(run())
    result["marks"] = marks.items
    result["gc_collections"] = gc_timer.collections
    Path(args.out).write_text(json.dumps(result))
    if profiler:
        profiler.dump_stats(args.profile_out)
    sys.stdout.flush()
    os._exit(0)  # skip freeing 100k documents one by one


def baseline_row(doc: dict) -> tuple:
    if doc.get("kind") == "organization":
        name = doc.get("name", "")
    else:
        name = " ".join(p for p in (doc.get("first_name"), doc.get("last_name")) if p)
    phones, emails, addresses = doc.get("phones") or [], doc.get("emails") or [], doc.get("addresses") or []
    return (
        name,
        "Org." if doc.get("kind") == "organization" else "Pers.",
        phones[0]["number"] if phones else "",
        emails[0]["address"] if emails else "",
        addresses[0]["city"] if addresses else "",
        ", ".join(doc.get("tags") or []),
        doc.get("account_manager", ""),
    )


def child_baseline_paint(args) -> None:
    """A fresh process: TinyDB(path) with JSONStorage, all documents, DataTable.add_rows."""
    gc_timer = GcTimer()
    marks = Marks(gc_timer)
    marks.mark("start", _T0)
    from tinydb import TinyDB

    if not args.no_ui:
        from textual.app import App
        from textual.widgets import DataTable
    marks.mark("imported")
    db = TinyDB(args.db)  # default storage: JSONStorage
    docs = db.table(BASELINE_TABLE).all()
    marks.mark("database_loaded")
    rows = [baseline_row(doc) for doc in docs]
    marks.mark("index_built")  # (rows formatted)
    result: dict = {}
    if args.no_ui:
        marks.mark("painted")
        result["rows"] = len(rows)
        result["maxrss"] = maxrss_bytes()
    else:
        probe = PaintProbe()
        probe.install(DataTable, data_table_row)

        class BaselineApp(App[None]):
            def compose(self):
                yield DataTable(id="contacts")

            def on_mount(self) -> None:
                table = self.query_one(DataTable)
                table.add_columns("Name", "Type", "Phone", "E-mail", "City", "Tags", "Manager")
                table.add_rows(rows)
                marks.mark("rows_added")
                table.focus()

        app = BaselineApp()
        marks.mark("app_created")

        async def run() -> None:
            async with app.run_test(size=SIZE) as pilot:
                painted = await probe.wait_first(timeout=args.timeout)
                marks.mark("painted", painted)
                result["rows"] = app.query_one(DataTable).row_count
                result["maxrss"] = maxrss_bytes()
                await pilot.pause()

        asyncio.run(run())
    result["marks"] = marks.items
    result["gc_collections"] = gc_timer.collections
    Path(args.out).write_text(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)


def child_peer(args) -> None:
    """Another tui-crm session on the same file, driven line by line over stdin/stdout.

    ``watch ID VALUE``: poll (Database.poll) until contact ID has account_manager == VALUE,
    then answer ``seen T_SEEN POLL_S REFRESH_S`` (POLL_S: the poll call that found the change,
    REFRESH_S: the ``find`` the list runs next, which re-sorts after a change).
    ``save ID VALUE``: set that contact's account_manager, save, answer ``saved T_RETURNED``.
    """
    from tui_crm import i18n

    i18n.setup("en")
    from tui_crm.store import ContactQuery, ContactRepository, Database

    database = Database(args.db)
    repo = ContactRepository(database, i18n.language())
    repo.find(ContactQuery())
    print("ready", flush=True)
    interval = args.poll_sleep
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "quit":
            break
        contact_id, value = int(rest[0]), rest[1]
        if command == "watch":
            print("armed", flush=True)
            while True:
                started = time.perf_counter()
                changed = database.poll()
                poll_s = time.perf_counter() - started
                doc = repo.doc(contact_id)
                if changed and doc is not None and doc.get("account_manager") == value:
                    seen = now()
                    break
                time.sleep(interval)
            started = time.perf_counter()
            repo.find(ContactQuery())
            print(f"seen {seen!r} {poll_s!r} {time.perf_counter() - started!r}", flush=True)
        elif command == "save":
            database.poll()
            contact = repo.get(contact_id)
            contact.account_manager = value
            repo.save(contact, author="peer")
            print(f"saved {now()!r}", flush=True)


def run_child(kind: str, extra: list[str], timeout: float) -> tuple[dict | None, float, str]:
    """Start this script as a child; returns (its JSON result, spawn time, error text)."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as out:
        out_path = out.name
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--out", out_path, *extra]
    spawned = now()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)
        text = Path(out_path).read_text()
        if proc.returncode != 0 or not text:
            return None, spawned, (proc.stderr or proc.stdout)[-2000:] or f"exit {proc.returncode}"
        return json.loads(text), spawned, ""
    except subprocess.TimeoutExpired:
        return None, spawned, f"timed out after {timeout:.0f} s"
    finally:
        Path(out_path).unlink(missing_ok=True)


class Peer:
    """A ``--child peer`` process."""

    def __init__(self, db: Path, poll_sleep: float = 0.0005) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "peer", "--db", str(db),
               "--poll-sleep", str(poll_sleep)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
        self.expect("ready")

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, word: str) -> list[str]:
        line = self.proc.stdout.readline()
        parts = line.split()
        if not parts or parts[0] != word:
            raise RuntimeError(f"peer said {line!r}, expected {word!r}")
        return parts[1:]

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


# =============================================================================================
# measurements in the main process


def summarize_paint(results: list[dict], spawns: list[float]) -> dict:
    """Median phase durations over the runs of one first-paint child."""
    def span(result, a, b):
        marks = {m["name"]: m for m in result["marks"]}
        if a not in marks or b not in marks:
            return None
        return marks[b]["t"] - marks[a]["t"], (marks[b]["gc"] or 0) - (marks[a]["gc"] or 0)

    phases = [("import", "start", "imported"), ("load", "imported", "database_loaded"),
              ("index", "database_loaded", "index_built"), ("ui", "index_built", "painted")]
    summary: dict = {"runs": len(results)}
    for name, a, b in phases:
        spans = [s for s in (span(r, a, b) for r in results) if s is not None]
        summary[name] = median([s[0] for s in spans])
        summary[name + "_gc"] = median([s[1] for s in spans])
    totals = [span(r, "start", "painted")[0] for r in results]
    walls = [{m["name"]: m for m in r["marks"]}["painted"]["t"] - spawned for r, spawned in zip(results, spawns)]
    summary["in_child"] = median(totals)
    summary["wall"] = median(walls)
    summary["wall_all"] = walls
    summary["gc_total"] = median([r["marks"][-1]["gc"] for r in results])
    summary["maxrss"] = max(r["maxrss"] for r in results)
    ready = [r["search_ready"] for r in results if "search_ready" in r]
    summary["search_ready"] = median(ready)
    summary["maxrss_search_ready"] = max((r["maxrss_search_ready"] for r in results if "maxrss_search_ready" in r), default=None)
    summary["rows"] = results[0]["rows"]
    summary["rss_marks"] = {m["name"]: m["rss"] for m in results[0]["marks"]}
    return summary


def measure_paint_children(kind: str, extra: list[str], repeat: int, timeout: float, log) -> dict | None:
    results, spawns = [], []
    for i in range(repeat):
        result, spawned, error = run_child(kind, extra, timeout)
        if result is None:
            log(f"  {kind} child failed: {error}")
            return {"error": error}
        results.append(result)
        spawns.append(spawned)
        log(f"  run {i + 1}/{repeat}: {result['marks'][-1]['t'] - spawned:.2f} s, "
            f"peak RSS {result['maxrss'] / 1e6:.0f} MB, {result['rows']} rows")
    return summarize_paint(results, spawns)


def pick_ids(repo, count: int) -> list[int]:
    from tui_crm.store import ContactQuery

    ids = repo.find(ContactQuery())
    step = max(1, len(ids) // (count + 1))
    return [ids[(i + 1) * step % len(ids)] for i in range(count)]


def measure_tui_store(db: Path, args, log) -> dict:
    """Repository-level figures with the store of the main process, and a peer watcher."""
    from tui_crm import i18n
    from tui_crm.domain.contact import Contact, ContactKind, Email, Phone
    from tui_crm.store import ContactQuery, ContactRepository, Database

    out: dict = {}
    started = time.perf_counter()
    database = Database(db)
    repo = ContactRepository(database, i18n.language())
    repo.find(ContactQuery())
    out["open_warm"] = time.perf_counter() - started
    log(f"  open in-process (imports warm): {out['open_warm']:.2f} s")

    # -- search: type "kowal", one prefix per keystroke, from an empty query each pass. The
    # first pass comes right after opening (search texts may still have to be built).
    def type_word() -> tuple[list[float], list[int]]:
        # The index keeps recent results (backspace reuses them); a real user types a word
        # for the first time, so every pass starts without them.
        repo._index._recent.clear()
        repo.find(ContactQuery(text=""))
        times, counts = [], []
        for k in range(1, len(TYPED) + 1):
            t = time.perf_counter()
            ids = repo.find(ContactQuery(text=TYPED[:k]))
            times.append(time.perf_counter() - t)
            counts.append(len(ids))
        return times, counts

    out["search_cold"], counts = type_word()
    per_key: list[list[float]] = [[] for _ in TYPED]
    for _ in range(args.search_passes):
        times, counts = type_word()
        for k, x in enumerate(times):
            per_key[k].append(x)
    out["search_per_key"] = [median(v) for v in per_key]
    out["search_all"] = [x for v in per_key for x in v]
    out["search_counts"] = counts
    # Backspace: "kowal" -> "kowa" after typing forward: "kowa" is still among the recent results.
    backspace = []
    for _ in range(args.search_passes):
        repo.find(ContactQuery(text=TYPED))
        t = time.perf_counter()
        repo.find(ContactQuery(text=TYPED[:-1]))
        backspace.append(time.perf_counter() - t)
    out["search_backspace"] = median(backspace)
    # A new word (not narrowing the previous one) scans everything again too.
    fresh = []
    for word in ("nowak", "gdansk", "601", "#vip", "zzzz"):
        repo.find(ContactQuery(text="q"))
        t = time.perf_counter()
        repo.find(ContactQuery(text=word))
        fresh.append(time.perf_counter() - t)
    out["search_fresh"] = median(fresh)
    log(f"  first keystroke after open {out['search_cold'][0] * 1e3:.1f} ms; "
        f"search per key {', '.join(f'{x * 1e3:.1f}' for x in out['search_per_key'])} ms; "
        f"results {counts}; backspace {out['search_backspace'] * 1e3:.1f} ms; new word {out['search_fresh'] * 1e3:.1f} ms")

    # -- save an edited contact
    ids = pick_ids(repo, args.saves)
    saves, save_refresh = [], []
    for n, contact_id in enumerate(ids):
        contact = repo.get(contact_id)
        contact.account_manager = f"bench{n}"
        t = time.perf_counter()
        repo.save(contact, author=USER)
        saves.append(time.perf_counter() - t)
    # save + the list refresh the app does after every change (find with the current query)
    for n, contact_id in enumerate(ids[: max(5, args.saves // 2)]):
        contact = repo.get(contact_id)
        contact.account_manager = f"bench{n}r"
        t = time.perf_counter()
        repo.save(contact, author=USER)
        repo.find(ContactQuery())
        save_refresh.append(time.perf_counter() - t)
    new_saves = []
    for n in range(5):
        contact = Contact(kind=ContactKind.PERSON, first_name="Benchmark", last_name=f"Nowy{n}",
                          phones=[Phone(number="+48601234567")], emails=[Email(address=f"bench{n}@example.com")])
        t = time.perf_counter()
        repo.save(contact, author=USER)
        new_saves.append(time.perf_counter() - t)
    out.update(save=saves, save_new=new_saves, save_refresh=save_refresh)
    log(f"  save median {median(saves) * 1e3:.1f} ms (max {max(saves) * 1e3:.1f}), new {median(new_saves) * 1e3:.1f} ms, "
        f"save+list refresh {median(save_refresh) * 1e3:.1f} ms")

    # -- another process sees the save (tight Database.poll loop)
    peer = Peer(db)
    raw, from_start, poll_cost, refresh = [], [], [], []
    try:
        for n in range(args.visibility_rounds):
            contact_id = ids[n % len(ids)]
            value = f"seen{n}x{os.getpid()}"
            peer.send(f"watch {contact_id} {value}")
            peer.expect("armed")
            contact = repo.get(contact_id)
            contact.account_manager = value
            started = now()
            repo.save(contact, author=USER)
            returned = now()
            seen, poll_s, find_s = map(float, peer.expect("seen"))
            raw.append(seen - returned)  # < 0: seen before save() returned (after write, before fsync ended)
            from_start.append(seen - started)
            poll_cost.append(poll_s)
            refresh.append(find_s)
    finally:
        peer.close()
    out.update(poll_raw=raw, poll_from_start=from_start, poll_cost=poll_cost, poll_refresh=refresh)
    log(f"  other process sees a save: after save() returned median {median(raw) * 1e3:.1f} ms, max {max(raw) * 1e3:.1f} ms; "
        f"after save() started max {max(from_start) * 1e3:.1f} ms; the poll that found it {max(poll_cost) * 1e3:.1f} ms; "
        f"+ list refresh {median(refresh) * 1e3:.1f} ms")
    del repo, database
    gc.collect()
    return out


async def measure_tui_ui(db: Path, args, log) -> dict:
    """In-process app: first paint (imports warm), typing into #search, saves seen in the list."""
    from textual.widgets import Input

    from tui_crm.ui.app import POLL_SECONDS, CrmApp
    from tui_crm.ui.widgets.virtual_table import VirtualTable

    out: dict = {"poll_seconds": POLL_SECONDS}
    probe = PaintProbe()
    probe.install(VirtualTable, virtual_table_row)
    started = now()
    app = CrmApp.open(db, user=USER)
    opened = now()
    async with app.run_test(size=SIZE) as pilot:
        painted = await probe.wait_first(timeout=120)
        out["paint_inproc"] = painted - started
        out["paint_inproc_open"] = opened - started
        log(f"  first paint in-process: {out['paint_inproc']:.2f} s (open {out['paint_inproc_open']:.2f} s)")
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        search = app.screen.query_one("#search", Input)

        # -- typing: press -> list repainted with the new result. The first pass starts right
        # after the first paint (the app may still be building its search texts), the others
        # once the search is ready.
        search.focus()

        async def type_word(per_key, per_key_work) -> None:
            search.value = ""
            await pilot.pause()
            for k, char in enumerate(TYPED):
                t = now()
                await pilot.press(char)  # returns only after >= 40 ms of idle waiting:
                shown = await probe.shown_after(t)  # so time the frame, not the press
                per_key[k].append(shown - t)
                per_key_work[k].append(next(r for r in probe.row_sets if r >= t) - t)

        cold: list[list[float]] = [[] for _ in TYPED]
        await type_word(cold, [[] for _ in TYPED])
        out["ui_search_cold"] = [v[0] for v in cold]
        deadline = now() + 60
        while search_ready(app.contacts) is False and now() < deadline:
            await asyncio.sleep(0.01)
        per_key: list[list[float]] = [[] for _ in TYPED]
        per_key_work: list[list[float]] = [[] for _ in TYPED]
        for _ in range(args.search_passes):
            await type_word(per_key, per_key_work)
        out["ui_search_per_key"] = [median(v) for v in per_key]
        out["ui_search_all"] = [x for v in per_key for x in v]
        out["ui_search_work_all"] = [x for v in per_key_work for x in v]
        out["ui_rows_after"] = table.row_count
        log(f"  UI first keystroke right after the first paint {out['ui_search_cold'][0] * 1e3:.1f} ms; "
            f"search per key (press -> repainted) {', '.join(f'{x * 1e3:.1f}' for x in out['ui_search_per_key'])} ms; "
            f"press -> new rows in the table {', '.join(f'{median(v) * 1e3:.1f}' for v in per_key_work)} ms "
            f"({table.row_count} rows shown)")
        search.value = ""
        table.focus()
        await pilot.pause()

        # -- our own save, until the list is repainted (the app refreshes on every change)
        ids = list(table.row_keys[: SIZE[1] - 4])
        own, calls = [], []
        for n in range(min(args.saves, 10)):
            contact = app.contacts.get(ids[n % len(ids)])
            contact.account_manager = f"ui{n}"
            t = now()
            app.contacts.save(contact, author=USER)  # the app's change listeners run inside save()
            calls.append(now() - t)
            own.append(await probe.shown_after(t) - t)
            await pilot.pause()
        out["ui_save_repaint"] = own
        out["ui_save_call"] = calls
        log(f"  UI save -> list repainted: median {median(own) * 1e3:.1f} ms "
            f"(the save() call itself, listeners included: median {median(calls) * 1e3:.1f} ms)")

        # -- another session saves; the app's 0.5 s poll picks it up and repaints
        applied: list[float] = []  # start of each poll that found a change (before it applied it)
        real_poll = app.database.poll

        def timed_poll() -> bool:
            started = now()
            changed = real_poll()
            if changed:
                applied.append(started)
            return changed

        app.database.poll = timed_poll  # CrmApp.poll_database calls self.database.poll()
        peer = Peer(db)
        e2e, poll_wait, refresh = [], [], []
        rnd = random.Random(1)
        try:
            for n in range(args.visibility_rounds):
                await asyncio.sleep(rnd.uniform(0, POLL_SECONDS))  # sample every phase of the poll
                applied.clear()
                peer.send(f"save {ids[n % len(ids)]} peer{n}")
                deadline = now() + 10
                while not applied and now() < deadline:
                    await asyncio.sleep(0.001)
                if not applied:
                    raise RuntimeError("the app never saw the other session's save")
                shown = await probe.shown_after(applied[0])
                (saved,) = map(float, peer.expect("saved"))
                e2e.append(shown - saved)
                poll_wait.append(applied[0] - saved)
                refresh.append(shown - applied[0])
        finally:
            peer.close()
        out.update(e2e=e2e, e2e_poll=poll_wait, e2e_refresh=refresh)
        log(f"  other session's save shown in the app: median {median(e2e) * 1e3:.0f} ms, max {max(e2e) * 1e3:.0f} ms "
            f"(refresh after poll: median {median(refresh) * 1e3:.1f} ms)")
        app.exit()
    del app
    gc.collect()
    return out


def measure_baseline_store(db: Path, args, log) -> dict:
    """Plain TinyDB, JSONStorage: a Query scan per keystroke, table.update / insert per save."""
    from tinydb import Query, TinyDB

    out: dict = {}
    started = time.perf_counter()
    tiny = TinyDB(db)
    table = tiny.table(BASELINE_TABLE)
    table.all()
    out["open_warm"] = time.perf_counter() - started
    log(f"  open in-process: {out['open_warm']:.2f} s")

    def condition(text: str):
        def test(value) -> bool:
            return isinstance(value, str) and text in value.lower()

        where = Query()
        return (where.first_name.test(test) | where.last_name.test(test) | where.name.test(test)
                | where.emails.any(Query().address.test(test)) | where.phones.any(Query().number.test(test)))

    per_key, counts = [], []
    for k in range(1, len(TYPED) + 1):
        t = time.perf_counter()
        found = table.search(condition(TYPED[:k]))
        per_key.append(time.perf_counter() - t)
        counts.append(len(found))
    out["search_per_key"] = per_key
    out["search_all"] = per_key
    out["search_counts"] = counts
    log(f"  search per key {', '.join(f'{x:.2f}' for x in per_key)} s; results {counts}")

    count = len(table)
    ids = [(i + 1) * max(1, count // (args.baseline_saves + 1)) for i in range(args.baseline_saves)]
    other = TinyDB(db).table(BASELINE_TABLE)  # another session: re-reads the file on every access
    saves, seen = [], []
    for n, doc_id in enumerate(ids):
        value = f"bench{n}"
        t = time.perf_counter()
        table.update({"account_manager": value}, doc_ids=[doc_id])
        saves.append(time.perf_counter() - t)
        t = time.perf_counter()
        doc = other.get(doc_id=doc_id)
        seen.append(time.perf_counter() - t)
        assert doc["account_manager"] == value
    new_saves = []
    for n in range(min(2, args.baseline_saves)):
        t = time.perf_counter()
        table.insert({"kind": "person", "first_name": "Benchmark", "last_name": f"Nowy{n}"})
        new_saves.append(time.perf_counter() - t)
    out.update(save=saves, save_new=new_saves, poll_raw=seen,
               poll_from_start=[a + b for a, b in zip(saves, seen)], poll_cost=seen)
    log(f"  save median {median(saves):.2f} s, insert {median(new_saves) if new_saves else 0:.2f} s, "
        f"other instance sees it after {median(seen):.2f} s")
    tiny.close()
    return out


# =============================================================================================
# report


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_bytes(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e6:.0f} MB"


def fmt_value(value, unit: str) -> str:
    return fmt_bytes(value) if unit == "B" else fmt_time(value)


def ratio(ours, theirs) -> str:
    if not ours or not theirs or ours <= 0 or theirs <= 0:
        return ""
    r = theirs / ours
    return f"x{r:.1f}" if r < 100 else f"x{r:.0f}"


def print_report(info: dict, tui: dict, base: dict, args) -> list[tuple[str, bool]]:
    paint, store, ui = tui.get("paint") or {}, tui.get("store") or {}, tui.get("ui") or {}
    bpaint, bstore = base.get("paint") or {}, base.get("store") or {}
    rows: list[tuple] = []  # (label, ours, theirs, unit, target key or None, note)
    verdicts: list[tuple[str, bool]] = []

    def row(label, ours, theirs=None, unit="s", target=None, note=""):
        rows.append((label, ours, theirs, unit, target, note))

    b_n = args.baseline_contacts
    if not b_n:
        paint_note = ""
    elif args.no_baseline_ui:
        paint_note = "baseline: TinyDB load only, no UI (no ratio)"
    else:
        paint_note = "baseline: TinyDB + DataTable.add_rows"
    walls = paint.get("wall_all") or []
    if len(walls) > 1:
        paint_note = f"median of {len(walls)}: {min(walls):.2f}-{max(walls):.2f} s" + ("; " + paint_note if paint_note else "")
    row("1 first paint, new process (spawn -> rows painted)", paint.get("wall"), bpaint.get("wall"), target="first_paint",
        note=paint_note)
    row("    import", paint.get("import"), bpaint.get("import"))
    row("    load snapshot (Database / TinyDB JSONStorage)", paint.get("load"), bpaint.get("load"),
        note=f"of which GC {fmt_time(paint.get('load_gc'))}" if paint else "")
    row("    build index (ContactRepository) / format rows", paint.get("index"), bpaint.get("index"),
        note=f"of which GC {fmt_time(paint.get('index_gc'))}" if paint else "")
    row("    Textual start -> rows painted", paint.get("ui"), None if args.no_baseline_ui else bpaint.get("ui"),
        note=f"of which GC {fmt_time(paint.get('ui_gc'))}" if paint else "")
    row("    GC time, whole start-up", paint.get("gc_total"), bpaint.get("gc_total"))
    row("    search ready (background indexing done) after first paint", paint.get("search_ready"), None)
    row("  first paint in-process (open + run_test, warm imports)", ui.get("paint_inproc"), None)
    s_all = store.get("search_all")
    row("2 search per keystroke, repository (median)", median(s_all), median(bstore.get("search_all")), target="search_key",
        note="per key: " + " / ".join(fmt_time(x) for x in store.get("search_per_key", [])))
    row("    worst keystroke", max(s_all) if s_all else None, max(bstore.get("search_all") or [0]) or None)
    row("    first keystroke right after open (cold)", (store.get("search_cold") or [None])[0], None,
        note="may include building the search texts")
    row("    backspace 'kowal' -> 'kowa' (after typing it: recent result)", store.get("search_backspace"), None)
    row("    a new word (no narrowing: full scan)", store.get("search_fresh"), None)
    u_all = ui.get("ui_search_all")
    row("  search per keystroke, UI press -> list repainted (median)", median(u_all), None, target="search_key",
        note="per key: " + " / ".join(fmt_time(x) for x in ui.get("ui_search_per_key", [])))
    row("    worst UI keystroke", max(u_all) if u_all else None, None)
    row("    UI first keystroke right after the first paint", (ui.get("ui_search_cold") or [None])[0], None,
        note="per key: " + " / ".join(fmt_time(x) for x in ui.get("ui_search_cold", [])))
    w_all = ui.get("ui_search_work_all")
    row("    UI press -> new rows handed to the table (median / max)", median(w_all), None,
        note=f"max {fmt_time(max(w_all))}; the rest is waiting for Textual's next frame (60 fps)" if w_all else "")
    row("3 save edited contact (median)", median(store.get("save")), median(bstore.get("save")), target="save",
        note=f"p90 {fmt_time(pct(store.get('save'), 0.9))}, n={len(store.get('save') or [])}")
    row("    save new contact (median)", median(store.get("save_new")), median(bstore.get("save_new")))
    row("    save + list refresh (find after the change)", median(store.get("save_refresh")), None)
    row("    save() inside the running app (its listeners run in the call)", median(ui.get("ui_save_call")), None,
        note=f"max {fmt_time(max(ui['ui_save_call']))}" if ui.get("ui_save_call") else "")
    row("    save in the app -> list repainted", median(ui.get("ui_save_repaint")), None)
    raw, bread = store.get("poll_raw"), bstore.get("poll_raw")
    poll_s = ui.get("poll_seconds", 0.5)
    worst = b_worst = None
    if raw:
        app_refresh = max(ui.get("e2e_refresh") or [0])
        worst = poll_s + max(max(raw), max(store.get("poll_cost") or [0])) + app_refresh
    if bread:
        b_worst = poll_s + max(bread)
    row("4 other session sees a save: save returned -> seen (median)", median(raw), median(bread),
        note="2nd process in a tight Database.poll loop / 2nd TinyDB instance reading the file; < 0: seen before save() returned")
    row("    save returned -> seen (max)", max(raw) if raw else None, max(bread) if bread else None)
    row("    save started -> seen (max)", max(store.get("poll_from_start") or [0]) or None,
        max(bstore.get("poll_from_start") or [0]) or None)
    row("    cost of the poll() that picks the change up (max)", max(store.get("poll_cost") or [0]) or None,
        max(bread) if bread else None)
    row("    list refresh after a change (find, re-sort), median", median(store.get("poll_refresh")), None)
    row(f"    worst case: {poll_s} s poll interval + poll + app refresh", worst, b_worst, target="visible",
        note="app refresh = poll applied -> list repainted, max" + ("; baseline excl. any UI refresh" if b_worst else ""))
    e2e = ui.get("e2e")
    row("    measured in the app: other session's save -> repainted (median)", median(e2e), None,
        note=f"max {fmt_time(max(e2e))}, n={len(e2e)}; repaint after poll median {fmt_time(median(ui.get('e2e_refresh')))}" if e2e else "")
    row("5 peak RSS, process that opens + paints", paint.get("maxrss"), bpaint.get("maxrss"), unit="B", target="rss")
    row("    peak RSS once the search is ready", paint.get("maxrss_search_ready"), None, unit="B")
    rss_marks = paint.get("rss_marks") or {}
    if rss_marks:
        row("    RSS after imports / load / index / paint", None, None, unit="B",
            note=" / ".join(fmt_bytes(rss_marks.get(k)) for k in ("imported", "database_loaded", "index_built", "painted")))

    print()
    print(f"tui-crm contacts benchmark at {info['commit']}: {args.contacts:,} contacts (baseline: {b_n:,}), "
          f"Python {platform.python_version()}, Textual {info['textual']}, TinyDB {info['tinydb']}, "
          f"{os.cpu_count()} CPUs, {info['when']}")
    print(f"load average (1 min) at start {info['load_start']:.2f}, at end {info['load_end']:.2f}"
          + ("  WARNING: the machine was busy before the run; figures are pessimistic" if info["load_start"] > 0.5 else ""))
    if b_n and b_n != args.contacts:
        print(f"NOTE: the baseline ran on {b_n:,} contacts, not {args.contacts:,}: its ratios understate the gap.")
    header = f"{'metric':<66} {'tui-crm':>10} {'baseline':>10} {'ratio':>7}  {'target':<10} {'':<4}  notes"
    print(header)
    print("-" * len(header))
    for label, ours, theirs, unit, target, note in rows:
        verdict, target_text = "", ""
        if target:
            limit, _unit = TARGETS[target]
            target_text = "<= " + fmt_value(limit, _unit)
            if ours is None:
                verdict = "n/a"
            else:
                ok = ours <= limit
                verdict = "PASS" if ok else "FAIL"
                verdicts.append((label.strip(), ok))
        ours_text = "" if ours is None and not target else fmt_value(ours, unit)
        theirs_text = "" if theirs is None else fmt_value(theirs, unit)
        shown_ratio = "" if args.no_baseline_ui and label.startswith("1 ") else ratio(ours, theirs)
        print(f"{label:<66} {ours_text:>10} {theirs_text:>10} {shown_ratio:>7}  {target_text:<10} {verdict:<4}  {note}")
    print("ratio = baseline / tui-crm (how many times faster or smaller tui-crm is).")
    failed = [label for label, ok in verdicts if not ok]
    print(f"targets: {len(verdicts) - len(failed)} of {len(verdicts)} met" + (f"; missed: {'; '.join(failed)}" if failed else ""))
    return verdicts


def print_profile(path: Path, limit: int) -> None:
    import pstats

    print(f"\ncProfile of one first-paint child (times inflated by profiling): {path}")
    stats = pstats.Stats(str(path))
    stats.strip_dirs()
    print("-- by cumulative time")
    stats.sort_stats("cumulative").print_stats(limit)
    print("-- by own time")
    stats.sort_stats("tottime").print_stats(limit)


# =============================================================================================
# main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts in the tui-crm database (default: %(default)s)")
    parser.add_argument("--baseline-contacts", type=int, default=None,
                        help="contacts in the baseline TinyDB file (default: same as --contacts; 0 = no baseline)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline entirely")
    parser.add_argument("--no-baseline-ui", action="store_true", help="baseline first paint without the DataTable (load only)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tui-crm-bench",
                        help="where generated data sets are cached (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=5, help="first-paint processes per side (default: %(default)s)")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="baseline first-paint processes (default: %(default)s)")
    parser.add_argument("--search-passes", type=int, default=5, help="times 'kowal' is typed (default: %(default)s)")
    parser.add_argument("--saves", type=int, default=20, help="saves timed (default: %(default)s)")
    parser.add_argument("--baseline-saves", type=int, default=3, help="baseline saves timed (default: %(default)s)")
    parser.add_argument("--visibility-rounds", type=int, default=10, help="saves watched by another session (default: %(default)s)")
    parser.add_argument("--baseline-timeout", type=float, default=300, help="seconds before a baseline child is given up")
    parser.add_argument("--profile", action="store_true", help="also run one first-paint child under cProfile and print the top costs")
    parser.add_argument("--profile-lines", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write all figures as JSON to this file")
    parser.add_argument("--keep-run", action="store_true", help="keep the scratch copy of the databases")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    # children
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--crm-db", help=argparse.SUPPRESS)
    parser.add_argument("--baseline-db", help=argparse.SUPPRESS)
    parser.add_argument("--no-ui", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300, help=argparse.SUPPRESS)
    parser.add_argument("--poll-sleep", type=float, default=0.0005, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_contacts is None:
        args.baseline_contacts = args.contacts
    if args.no_baseline:
        args.baseline_contacts = 0
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    children = {"generate": child_generate, "tui-paint": child_tui_paint,
                "baseline-paint": child_baseline_paint, "peer": child_peer}
    if args.child:
        children[args.child](args)
        return 0

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    import textual
    import tinydb

    from tui_crm import i18n

    i18n.setup("en")
    info = {"textual": textual.__version__, "tinydb": tinydb.__version__, "when": time.strftime("%Y-%m-%d %H:%M"),
            "commit": git_describe(), "load_start": os.getloadavg()[0]}
    key = dataset_key()
    data_dir = args.workdir / "data" / key
    crm_src = data_dir / f"crm-{args.contacts}-seed{args.seed}.json"
    base_src = data_dir / f"tinydb-{args.baseline_contacts}-seed{args.seed}.json"
    if not crm_src.exists() or (args.baseline_contacts and not base_src.exists()):
        log(f"generating data sets in {data_dir} ...")
        t = time.perf_counter()
        data_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([sys.executable, __file__, "--child", "generate", "--contacts", str(args.contacts),
                               "--baseline-contacts", str(args.baseline_contacts), "--seed", str(args.seed),
                               "--crm-db", str(crm_src), "--baseline-db", str(base_src)], cwd=REPO_ROOT)
        if proc.returncode:
            return proc.returncode
        log(f"  done in {time.perf_counter() - t:.1f} s")
    else:
        log(f"using cached data sets in {data_dir}")

    # Saves change the files: every run works on a scratch copy.
    run_dir = args.workdir / f"run-{os.getpid()}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    crm_db = run_dir / "crm.json"
    shutil.copyfile(crm_src, crm_db)
    shutil.copyfile(crm_src.with_name(crm_src.name + ".journal"), run_dir / "crm.json.journal")
    base_db = run_dir / "tinydb.json"
    if args.baseline_contacts:
        shutil.copyfile(base_src, base_db)

    tui: dict = {}
    base: dict = {}
    try:
        log(f"tui-crm: first paint in {args.repeat} new processes ...")
        tui["paint"] = measure_paint_children("tui-paint", ["--db", str(crm_db)], args.repeat, 300, log)
        log("tui-crm: in-process app (first paint, typing, saves seen in the list) ...")
        tui["ui"] = asyncio.run(measure_tui_ui(crm_db, args, log))
        log("tui-crm: repository (search, save, another process polling) ...")
        tui["store"] = measure_tui_store(crm_db, args, log)
        if args.baseline_contacts:
            what = "TinyDB load only" if args.no_baseline_ui else "TinyDB + DataTable.add_rows"
            log(f"baseline: first paint ({what}) in {args.baseline_repeat} new process(es) ...")
            extra = ["--db", str(base_db), "--timeout", str(args.baseline_timeout)] + (["--no-ui"] if args.no_baseline_ui else [])
            base["paint"] = measure_paint_children("baseline-paint", extra, args.baseline_repeat, args.baseline_timeout + 60, log)
            log("baseline: TinyDB search, update, another instance reading ...")
            base["store"] = measure_baseline_store(base_db, args, log)
        if args.profile:
            prof = args.workdir / f"first-paint-{args.contacts}.prof"
            log(f"profiling one first-paint child -> {prof}")
            run_child("tui-paint", ["--db", str(crm_db), "--profile-out", str(prof)], 600)
    finally:
        if not args.keep_run:
            shutil.rmtree(run_dir, ignore_errors=True)

    for side in (tui, base):
        if isinstance(side.get("paint"), dict) and "error" in side["paint"]:
            log(f"first paint failed: {side['paint']['error']}")
            side["paint"] = {}
    info["load_end"] = os.getloadavg()[0]
    verdicts = print_report(info, tui, base, args)
    if args.profile:
        print_profile(args.workdir / f"first-paint-{args.contacts}.prof", args.profile_lines)
    if args.json:
        args.json.write_text(json.dumps({"info": info, "args": {k: str(v) for k, v in vars(args).items()},
                                         "tui_crm": tui, "baseline": base,
                                         "targets": {label: ok for label, ok in verdicts}}, indent=1, default=str))
    return 1 if args.strict and not all(ok for _, ok in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
