"""Command line: open the app on a database, or run one of the commands (demo, …)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path

from tui_crm import __version__, i18n

if TYPE_CHECKING:
    from tui_crm.store import ContactRepository, Database

DEMO_CONTACTS = 1000


def default_data_dir() -> Path:
    return user_data_path("tui-crm", appauthor=False)


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "operator")


def build_parser() -> argparse.ArgumentParser:
    _ = i18n._
    parser = argparse.ArgumentParser(
        prog="tui-crm",
        description=_("A keyboard-driven terminal CRM: contacts, contact persons and activities."),
        epilog=_("Data lives in {folder} unless --db says otherwise.").format(folder=default_data_dir()),
    )
    parser.add_argument("--version", action="version", version=f"tui-crm {__version__}")
    parser.add_argument("--db", type=Path, help=_("database file (default: crm.json in the data folder)"))
    parser.add_argument("--user", default=default_user(), help=_("operator name recorded on every change (default: your login)"))
    parser.add_argument("--lang", choices=i18n.SUPPORTED, help=_("language of the interface (default: from the locale)"))
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open the demo database (created with {n} sample contacts on first use)").format(n=DEMO_CONTACTS),
    )
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    demo = commands.add_parser("demo", help=_("create a database filled with Polish sample data"))
    demo.add_argument("--db", dest="demo_db", type=Path, help=_("file to create (default: demo.json in the data folder)"))
    demo.add_argument("--contacts", type=int, default=DEMO_CONTACTS, help=_("number of contacts (default: %(default)s)"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed; the same seed gives the same data"))
    add_exchange_commands(commands)
    return parser


def add_exchange_commands(commands: argparse._SubParsersAction) -> None:
    _ = i18n._
    export = commands.add_parser("export", help=_("write contacts to a vCard or CSV file"))
    export.add_argument("--db", dest="command_db", type=Path, help=_("database file"))
    export.add_argument("--format", choices=("vcf", "csv"), help=_("file format (default: from the file name)"))
    export.add_argument("--vcard-version", choices=("3.0", "4.0"), default="3.0", help=_("vCard version (default: %(default)s)"))
    export.add_argument("--tag", help=_("only the contacts with this tag"))
    export.add_argument("--basket", action="store_true", help=_("only the contacts in the basket of --user"))
    export.add_argument("--user", dest="command_user", help=_("operator whose basket is exported (default: your login)"))
    export.add_argument("-o", "--output", type=Path, required=True, help=_("file to write"))
    imp = commands.add_parser("import", help=_("add contacts from a vCard or CSV file"))
    imp.add_argument("--db", dest="command_db", type=Path, help=_("database file"))
    imp.add_argument("file", type=Path, help=_("the .vcf or .csv file"))
    imp.add_argument("--format", choices=("vcf", "csv"), help=_("file format (default: from the file name)"))
    imp.add_argument("--dry-run", action="store_true", help=_("show what would be imported, write nothing"))
    imp.add_argument("--duplicates", choices=("skip", "add", "merge"), default="skip",
                     help=_("likely duplicates: skip them (default), add them anyway, or merge each into the "
                            "one existing contact it is like"))
    imp.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                     help=_("CSV: read COLUMN into FIELD (repeatable; FIELD empty to ignore the column)"))
    imp.add_argument("--user", dest="command_user", help=_("operator recorded as the author (default: your login)"))


def main(argv: list[str] | None = None) -> int:
    i18n.setup(_language_from(argv if argv is not None else sys.argv[1:]))
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return create_demo(args.demo_db or default_data_dir() / "demo.json", args.contacts, args.seed)
        if args.command in ("export", "import"):
            return run_exchange(args)
        return run_app(args)
    except KeyboardInterrupt:
        return 130


def _language_from(argv: list[str]) -> str | None:
    """``--lang`` must be known before the parser is built, since its help text is translated."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def create_demo(path: Path, count: int, seed: int) -> int:
    from tui_crm.demo import generate_contacts
    from tui_crm.demo_activities import (
        generate_activities,
        generate_links,
        generate_operators,
    )
    from tui_crm.store import StoreError, create_database

    _ = i18n._
    if count < 0:
        print(_("--contacts must be 0 or more."), file=sys.stderr)
        return 2
    started = time.perf_counter()
    contacts = generate_contacts(count, seed=seed)
    links = generate_links(contacts, seed)
    # Activities are planned around today, so that the overdue and the coming ones make sense.
    tables = {"contacts": contacts, "links": links, "operators": generate_operators(),
              "activities": generate_activities(contacts, links, seed, datetime.now(UTC))}
    try:
        create_database(path, tables)
    except StoreError as error:
        print(error, file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(_("Created {path} with {n} contacts, {links} contact persons, {operators} operators and {activities} "
            "activities in {s} s.").format(path=path, n=count, links=len(links), operators=len(tables["operators"]),
                                          activities=len(tables["activities"]),
                                          s=i18n.format_number(round(seconds, 2))))
    return 0


def run_app(args: argparse.Namespace) -> int:
    from tui_crm.store import StoreError

    _ = i18n._
    path: Path = args.db or default_data_dir() / ("demo.json" if args.demo else "crm.json")
    if args.demo and not path.exists():
        if create_demo(path, DEMO_CONTACTS, 2026) != 0:
            return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        from tui_crm.ui.app import (
            CrmApp,  # imported after i18n.setup: class-level strings
        )

        app = CrmApp.open(path, user=args.user)
    except StoreError as error:
        print(_("Cannot open the database: {reason}").format(reason=error), file=sys.stderr)
        return 1
    except OSError as error:
        print(_("Cannot open the database: {reason}").format(reason=error.strerror or error), file=sys.stderr)
        return 1
    app.run()
    return app.return_code or 0


def run_exchange(args: argparse.Namespace) -> int:
    """``export`` / ``import``: one clear line on stderr for any problem, never a traceback."""
    from tui_crm.domain.dictionaries import CONTACT_ROLES
    from tui_crm.store import ContactRepository, Database, StoreError
    from tui_crm.store.dictionaries import DictionaryRepository
    from tui_crm.store.exchange import (
        FORMATS,
        export_contacts,
        import_file,
        report_lines,
        summary,
    )
    from tui_crm.store.links import LinkRepository

    _ = i18n._
    path: Path = args.command_db or args.db or default_data_dir() / "crm.json"
    user = args.command_user or args.user
    if not path.exists():
        print(_("No database at {path}.").format(path=path), file=sys.stderr)
        return 1
    try:
        database = Database(path, read_only=args.command == "export")
        contacts = ContactRepository(database)
        links, dictionaries = LinkRepository(contacts), DictionaryRepository(database)
        if args.command == "export":
            fmt = args.format or args.output.suffix.lower().lstrip(".").replace("vcard", "vcf")
            if fmt not in FORMATS:
                print(_("Say --format vcf or --format csv."), file=sys.stderr)
                return 2
            ids = _export_ids(database, contacts, args.tag, user if args.basket else None)
            with TerminalProgress(_("Exporting")) as progress:
                count = export_contacts(contacts, ids, args.output, fmt, vcard_version=args.vcard_version,
                                        progress=progress, links=links,
                                        roles=dictionaries.entries(CONTACT_ROLES))
            print(_("Exported {n} contacts to {path}.").format(n=count, path=args.output))
            return 0
        mapping = None
        if args.map:
            from tui_crm.domain.csv_exchange import guess_mapping, read_header
            from tui_crm.store.exchange import read_text

            mapping = guess_mapping(read_header(read_text(args.file)))
            for item in args.map:
                column, sep, field = item.partition("=")
                if not sep:
                    print(_("--map needs COLUMN=FIELD, got {value}.").format(value=item), file=sys.stderr)
                    return 2
                mapping[column] = field
        with TerminalProgress(_("Checking") if args.dry_run else _("Importing")) as progress:
            result = import_file(contacts, args.file, author=user, dry_run=args.dry_run, mapping=mapping,
                                 fmt=args.format, on_duplicate=args.duplicates, progress=progress, links=links,
                                 dictionaries=dictionaries)
    except StoreError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(_("Cannot use {path}: {reason}").format(path=error.filename or path, reason=error.strerror or error),
              file=sys.stderr)
        return 1
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    for line in report_lines(result):
        print(line)
    print(summary(result))
    return 0


class TerminalProgress:
    """``label… 45 %`` on one stderr line, redrawn every 5 %, erased at the end so the report
    that follows stands alone; nothing at all when stderr is no terminal (a pipe, a log)."""

    STEP = 5

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.shown = -1
        self.width = 0
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        percent = done * 100 // total // self.STEP * self.STEP
        if percent == self.shown:
            return
        self.shown = percent
        text = f"{self.label}… {percent} % ({i18n.format_number(done)} / {i18n.format_number(total)})"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _export_ids(database: Database, contacts: ContactRepository, tag: str | None, basket_of: str | None) -> list[int]:
    from tui_crm.store import ContactQuery

    ids = contacts.find(ContactQuery(tag=tag or None))
    if basket_of is not None:
        from tui_crm.store.baskets import BasketRepository

        basket = BasketRepository(database).ids(basket_of)
        ids = [i for i in ids if i in basket]
    return ids
