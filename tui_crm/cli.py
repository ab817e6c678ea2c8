"""Command line: open the app on a database, or run one of the commands (demo, …)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_data_path

from tui_crm import __version__, i18n

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
    return parser


def main(argv: list[str] | None = None) -> int:
    i18n.setup(_language_from(argv if argv is not None else sys.argv[1:]))
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return create_demo(args.demo_db or default_data_dir() / "demo.json", args.contacts, args.seed)
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
