"""Command line: open the app on a database, or run one of the commands (demo, …)."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from platformdirs import user_data_path

from tui_crm import __version__, i18n
from tui_crm.domain.dictionaries import N_

if TYPE_CHECKING:
    from tui_crm.store import ContactRepository, Database
    from tui_crm.store.dictionaries import DictionaryRepository
    from tui_crm.store.links import LinkRepository

DEMO_CONTACTS = 1000


def default_data_dir() -> Path:
    return user_data_path("tui-crm", appauthor=False)


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "operator")


#: argparse's own words, in our catalogue: argparse looks its module-level ``_`` up each time it
#: writes them, so ``_translate_argparse`` points it at ours ("usage:", "options", its errors)
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"), N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"), N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _translate_argparse() -> None:
    argparse._ = i18n.translate_marked  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _ = i18n._
    _translate_argparse()
    parser = argparse.ArgumentParser(
        prog="tui-crm",
        description=_("A keyboard-driven terminal CRM: contacts, contact persons and activities."),
        epilog=_("Data lives in {folder} unless --db says otherwise.").format(folder=default_data_dir()),
    )
    parser.add_argument("--version", action="version", version=f"tui-crm {__version__}",
                        help=_("show the version and exit"))
    parser.add_argument("--db", type=Path, metavar=_("PATH"),
                        help=_("database file (default: crm.json in the data folder)"))
    parser.add_argument("--user", default=default_user(), metavar=_("USER"),
                        help=_("operator name recorded on every change (default: your login)"))
    parser.add_argument("--lang", choices=i18n.SUPPORTED, help=_("language of the interface (default: from the locale)"))
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open the demo database (created with {n} sample contacts on first use)").format(n=DEMO_CONTACTS),
    )
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    demo = commands.add_parser("demo", help=_("create a database filled with Polish sample data"))
    demo.add_argument("--db", dest="demo_db", type=Path, metavar=_("PATH"),
                      help=_("file to create (default: demo.json in the data folder)"))
    demo.add_argument("--contacts", type=int, default=DEMO_CONTACTS, metavar=_("N"),
                      help=_("number of contacts (default: %(default)s)"))
    demo.add_argument("--seed", type=int, default=2026, metavar=_("N"),
                      help=_("random seed; the same seed gives the same data"))
    add_exchange_commands(commands)
    return parser


#: exit status of ``export`` / ``import`` (listed in their --help and in the README)
EXIT_DONE = 0
EXIT_ERROR = 1  # nothing was written
EXIT_USAGE = 2  # as argparse: the command line is wrong
EXIT_SOME_FAILED = 3  # import: records that could not be read or did not validate; the rest imported


def _exit_codes(codes: list[tuple[int, str]], note: str = "") -> str:
    """The epilog listing what each exit status means, one code a line: laid out here, since
    argparse would run the lines together (the parser uses RawDescriptionHelpFormatter)."""
    width = max(shutil.get_terminal_size().columns - 2, 40)  # as argparse wraps the option help
    lines = [i18n._("exit status:")]
    lines += [textwrap.fill(f"  {code}  {meaning}", width, subsequent_indent=" " * 5) for code, meaning in codes]
    if note:
        lines.append(textwrap.fill(note, width))
    return "\n".join(lines)


def add_exchange_commands(commands: argparse._SubParsersAction) -> None:
    _ = i18n._
    formats = ("vcf", "csv")
    summary = _("write contacts to a vCard or CSV file")
    export = commands.add_parser(
        "export", help=summary, description=summary, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_exit_codes([
            (EXIT_DONE, _("the file was written")),
            (EXIT_ERROR, _("nothing was written: no database, the file exists (see --force), no contact to export…")),
            (EXIT_USAGE, _("wrong options")),
        ]))
    export.add_argument("--db", dest="command_db", type=Path, metavar=_("PATH"), help=_("database file"))
    export.add_argument("--format", choices=formats, help=_("file format (default: from the file name)"))
    export.add_argument("--vcard-version", choices=("3.0", "4.0"), default="3.0",
                        help=_("vCard version (default: %(default)s)"))
    export.add_argument("--tag", metavar=_("TAG"), help=_("only the contacts with this tag"))
    export.add_argument("--basket", action="store_true", help=_("only the contacts in the basket of --user"))
    export.add_argument("--user", dest="command_user", metavar=_("USER"),
                        help=_("operator whose basket is exported (default: your login)"))
    export.add_argument("-o", "--output", type=Path, required=True, metavar=_("FILE"), help=_("file to write (- writes to standard output)"))
    export.add_argument("--force", action="store_true", help=_("overwrite the file if it exists"))
    summary = _("add contacts from a vCard or CSV file")
    imp = commands.add_parser(
        "import", help=summary, description=summary, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_exit_codes([
            (EXIT_DONE, _("every record was imported, merged or skipped as a likely duplicate")),
            (EXIT_ERROR, _("nothing was imported: no database, the file cannot be read…")),
            (EXIT_USAGE, _("wrong options (a --map field or column that does not exist…)")),
            (EXIT_SOME_FAILED, _("some records could not be read or did not validate (listed); the rest were "
                                 "imported")),
        ], _("With --dry-run the status says what the import would do.")))
    imp.add_argument("--db", dest="command_db", type=Path, metavar=_("PATH"), help=_("database file"))
    imp.add_argument("file", type=Path, metavar=_("FILE"), help=_("the .vcf or .csv file"))
    imp.add_argument("--format", choices=formats, help=_("file format (default: from the file name)"))
    imp.add_argument("--dry-run", action="store_true", help=_("show what would be imported, write nothing"))
    imp.add_argument("--duplicates", choices=("skip", "add", "merge"), default="skip",
                     help=_("likely duplicates: skip them (default), add them anyway, or merge each into the "
                            "one existing contact it is like"))
    imp.add_argument("--map", action="append", default=[], metavar=_("COLUMN=FIELD"),
                     help=_("CSV: read COLUMN into FIELD (repeatable; FIELD empty to ignore the column)"))
    imp.add_argument("--user", dest="command_user", metavar=_("USER"),
                     help=_("operator recorded as the author (default: your login)"))


def main(argv: list[str] | None = None) -> int:
    i18n.setup(_language_from(argv if argv is not None else sys.argv[1:]))
    args = build_parser().parse_args(argv)  # argparse itself ignores a closed pipe under --help
    try:
        if args.command == "demo":
            return create_demo(args.demo_db or default_data_dir() / "demo.json", args.contacts, args.seed)
        if args.command in ("export", "import"):
            return run_exchange(args)
        return run_app(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader of stdout went away (Python docs: "Note on SIGPIPE")
        _stdout_to_devnull()
        return EXIT_ERROR


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
    if args.demo and not path.exists() and create_demo(path, DEMO_CONTACTS, 2026) != 0:
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
        print(_("Cannot open the database: {reason}").format(reason=i18n.os_reason(error)), file=sys.stderr)
        return 1
    app.run()
    return app.return_code or 0


class CommandRefused(Exception):
    """A problem with an ``export`` / ``import`` command line or its files: one line for stderr."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def run_exchange(args: argparse.Namespace) -> int:
    """``export`` / ``import``: one clear line on stderr for any problem, never a traceback."""
    from tui_crm.store import ContactRepository, Database, StoreError
    from tui_crm.store.dictionaries import DictionaryRepository
    from tui_crm.store.links import LinkRepository

    _ = i18n._
    path: Path = args.command_db or args.db or default_data_dir() / "crm.json"
    user = args.command_user or args.user
    try:
        mapping_items = _map_items(args.map) if args.command == "import" else []
        if not path.exists():
            raise CommandRefused(_("No database at {path}.").format(path=path))
        database = Database(path, read_only=args.command == "export")
        contacts = ContactRepository(database)
        links, dictionaries = LinkRepository(contacts), DictionaryRepository(database)
        if args.command == "export":
            return _export(args, database, contacts, links, dictionaries, user)
        return _import(args, contacts, links, dictionaries, user, mapping_items)
    except CommandRefused as refusal:
        print(refusal, file=sys.stderr)
        return refusal.code
    except StoreError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:
        print(_("Cannot use {path}: {reason}").format(path=error.filename or path, reason=i18n.os_reason(error)),
              file=sys.stderr)
        return EXIT_ERROR
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR


def _export(args: argparse.Namespace, database: Database, contacts: ContactRepository, links: LinkRepository,
            dictionaries: DictionaryRepository, user: str) -> int:
    from tui_crm.domain.dictionaries import CONTACT_ROLES
    from tui_crm.store.exchange import FORMATS, export_contacts

    _, ngettext = i18n._, i18n.ngettext
    fmt = args.format or args.output.suffix.lower().lstrip(".").replace("vcard", "vcf")
    if fmt not in FORMATS:
        raise CommandRefused(_("Say --format vcf or --format csv."), EXIT_USAGE)
    if str(args.output) == "-":  # to standard output (a pipe): written whole to a file first
        return _export_to_stdout(args, contacts, links, dictionaries, fmt, _export_ids(
            database, contacts, args.tag, user if args.basket else None))
    if args.output.exists() and args.output.resolve() == database.path.resolve():
        raise CommandRefused(_("{path} is the database: write the contacts to another file.").format(
            path=args.output))
    if args.output.is_dir():
        raise CommandRefused(_("{path} is a folder: give the name of the file to write.").format(path=args.output))
    if not args.output.parent.is_dir():
        raise CommandRefused(_("No folder {path}.").format(path=args.output.parent.absolute()))
    if args.output.exists() and not args.force:
        raise CommandRefused(_("{path} exists already: add --force to overwrite it.").format(path=args.output))
    ids = _export_ids(database, contacts, args.tag, user if args.basket else None)
    with TerminalProgress(_("Exporting")) as progress:
        count = export_contacts(contacts, ids, args.output, fmt, vcard_version=args.vcard_version,
                                progress=progress, links=links, roles=dictionaries.entries(CONTACT_ROLES))
    _print_report([ngettext("Exported {n} contact to {path}.", "Exported {n} contacts to {path}.", count).format(
        n=i18n.format_number(count), path=args.output)])
    return EXIT_DONE


def _export_to_stdout(args: argparse.Namespace, contacts: ContactRepository, links: LinkRepository,
                      dictionaries: DictionaryRepository, fmt: str, ids: list[int]) -> int:
    import shutil
    import tempfile

    from tui_crm.domain.dictionaries import CONTACT_ROLES
    from tui_crm.store.exchange import export_contacts

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"contacts.{fmt}"
        export_contacts(contacts, ids, target, fmt, vcard_version=args.vcard_version, links=links,
                        roles=dictionaries.entries(CONTACT_ROLES))
        try:
            with open(target, "rb") as source:
                shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.flush()
        except BrokenPipeError:
            _stdout_to_devnull()
    return EXIT_DONE


def _import(args: argparse.Namespace, contacts: ContactRepository, links: LinkRepository,
            dictionaries: DictionaryRepository, user: str, mapping_items: list[tuple[str, str]]) -> int:
    from tui_crm.store.exchange import import_file, report_lines, summary

    _ = i18n._
    mapping = _csv_mapping(args.file, args.format, mapping_items) if mapping_items else None
    with TerminalProgress(_("Checking") if args.dry_run else _("Importing")) as progress:
        result = import_file(contacts, args.file, author=user, dry_run=args.dry_run, mapping=mapping,
                             fmt=args.format, on_duplicate=args.duplicates, progress=progress, links=links,
                             dictionaries=dictionaries)
    # the records are written (or checked) whatever happens to the report: the status says how it went
    _print_report([*report_lines(result), summary(result)])
    return EXIT_SOME_FAILED if result.failed else EXIT_DONE


def _print_report(lines: list[str]) -> None:
    """Print on stdout. A reader that stops early (``| head -1``) is no error: as the Python docs
    recommend, stdout then goes to devnull, so that the flush at exit does not fail once more."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()  # here, not at exit, where a closed pipe would print "Exception ignored …"
    except BrokenPipeError:
        _stdout_to_devnull()


def _stdout_to_devnull() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind sys.stdout (tests, an embedding program)
        pass


def _map_items(items: list[str]) -> list[tuple[str, str]]:
    """``--map COLUMN=FIELD`` options as (column, field), each field checked: FIELD empty ignores the column."""
    from tui_crm.domain.csv_exchange import FIELDS, IGNORE

    _ = i18n._
    pairs = []
    for item in items:
        column, sep, field = item.partition("=")
        column, field = column.strip(), field.strip()
        if not sep or not column:
            raise CommandRefused(_("--map needs COLUMN=FIELD, got {value}.").format(value=item), EXIT_USAGE)
        if field != IGNORE and not _is_field(field):
            raise CommandRefused(_("--map {value}: there is no field {field}. Fields: {fields}; street_3, city_3 … "
                                   "for more addresses; nothing after = ignores the column.").format(
                value=item, field=field, fields=", ".join(FIELDS)), EXIT_USAGE)
        pairs.append((column, field))
    return pairs


def _is_field(name: str) -> bool:
    """What a CSV column can be read into: csv_exchange's fields and any numbered address part (street_3 …)."""
    from tui_crm.domain.csv_exchange import is_field

    return is_field(name)


def _csv_mapping(file: Path, fmt: str | None, items: list[tuple[str, str]]) -> dict[str, str]:
    """The columns of ``file`` read as guessed from their names, except the ones ``--map`` names,
    each of which must be a column of the file (its exact name, else the one it is but for case
    and spaces)."""
    from tui_crm.domain.csv_exchange import guess_mapping, read_header
    from tui_crm.store.exchange import detect_format, read_text

    _ = i18n._
    text = read_text(file)
    if (fmt or detect_format(file, text)) != "csv":
        raise CommandRefused(_("--map is for CSV files; {file} is read as vCard.").format(file=file), EXIT_USAGE)
    columns = read_header(text)
    mapping = guess_mapping(columns)
    for column, field in items:
        found = column if column in columns else next(
            (c for c in columns if c.strip().casefold() == column.casefold()), None)
        if found is None:
            raise CommandRefused(_("--map {column}={field}: {file} has no column \"{column}\". Its columns: "
                                   "{columns}.").format(column=column, field=field, file=file,
                                                        columns=", ".join(f'"{c}"' for c in columns)), EXIT_USAGE)
        mapping[found] = field
    return mapping


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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _export_ids(database: Database, contacts: ContactRepository, tag: str | None, basket_of: str | None) -> list[int]:
    """The contacts to export; none is refused, saying why (nothing is written then)."""
    from tui_crm.store import ContactQuery

    _ = i18n._
    ids = contacts.find(ContactQuery(tag=tag or None))
    if basket_of is not None:
        from tui_crm.store.baskets import BasketRepository

        basket = BasketRepository(database).ids(basket_of)
        ids = [i for i in ids if i in basket]
        if not basket:
            raise CommandRefused(_("The basket of {user} is empty: nothing was written.").format(user=basket_of))
        if not ids and tag:
            raise CommandRefused(_("No contact in the basket of {user} has the tag {tag}: nothing was written.")
                                 .format(user=basket_of, tag=tag))
    if not ids:
        raise CommandRefused(_("No contact has the tag {tag}: nothing was written.").format(tag=tag) if tag
                             else _("The database has no contacts: nothing was written."))
    return ids
