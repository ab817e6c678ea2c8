"""``tui-crm export`` and ``tui-crm import`` from the command line."""

from __future__ import annotations

from tui_crm.cli import main
from tui_crm.demo import generate_contacts
from tui_crm.store import ContactQuery, ContactRepository, Database, create_database
from tui_crm.store.baskets import BasketRepository


def test_export_import_round_trip_and_report(tmp_path, capsys):
    source = tmp_path / "src.json"
    create_database(source, {"contacts": generate_contacts(40, seed=3)})
    out = tmp_path / "all.vcf"
    assert main(["export", "--db", str(source), "--format", "vcf", "-o", str(out)]) == 0
    assert "40" in capsys.readouterr().out
    target = tmp_path / "dst.json"
    create_database(target, {})
    assert main(["import", "--db", str(target), str(out), "--dry-run", "--duplicates", "add"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert ContactRepository(Database(target)).count() == 0
    assert main(["import", "--db", str(target), str(out), "--duplicates", "add", "--user", "ola"]) == 0
    assert "Imported 40, skipped 0, 0 failed." in capsys.readouterr().out
    repo = ContactRepository(Database(target))
    assert repo.count() == 40
    assert {repo.doc(i)["created_by"] for i in repo.find(ContactQuery())} == {"ola"}
    # importing the same file again: everything is a likely duplicate
    assert main(["import", "--db", str(target), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Imported 0, skipped 40, 0 failed." in printed
    assert "line 1: skipped" in printed


def test_export_of_a_tag_and_of_the_basket(tmp_path, capsys):
    db = tmp_path / "db.json"
    docs = generate_contacts(60, seed=5)
    create_database(db, {"contacts": docs})
    tagged = sum(1 for d in docs if "IT" in d.get("tags", []))
    assert main(["export", "--db", str(db), "--tag", "IT", "-o", str(tmp_path / "it.csv")]) == 0
    lines = (tmp_path / "it.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == tagged + 1 and lines[0].startswith("kind,first_name")
    BasketRepository(Database(db)).add("ewa", [2, 5, 9])
    assert main(["export", "--db", str(db), "--basket", "--user", "ewa", "-o", str(tmp_path / "b.vcf")]) == 0
    assert (tmp_path / "b.vcf").read_text(encoding="utf-8").count("BEGIN:VCARD") == 3


def test_problems_are_one_clear_line_without_a_traceback(tmp_path, capsys):
    db = tmp_path / "db.json"
    create_database(db, {})
    assert main(["import", "--db", str(db), str(tmp_path / "nope.vcf")]) == 1
    err = capsys.readouterr().err
    assert "nope.vcf" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["export", "--db", str(tmp_path / "none.json"), "-o", str(tmp_path / "x.vcf")]) == 1
    assert "No database" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["import", "--db", str(db), str(tmp_path / "nope.csv"), "--map", "nonsense"]) == 1


def test_csv_column_mapping_from_the_command_line(tmp_path, capsys):
    db = tmp_path / "db.json"
    create_database(db, {})
    file = tmp_path / "people.csv"
    file.write_text("Imię i nazwisko,Tel\nAnna Nowak,601 234 567\n", encoding="utf-8")
    assert main(["import", "--db", str(db), str(file), "--map", "Imię i nazwisko=full_name",
                 "--map", "Tel=phone_work"]) == 0
    repo = ContactRepository(Database(db))
    (contact,) = [repo.get(i) for i in repo.find(ContactQuery())]
    assert (contact.first_name, contact.last_name) == ("Anna", "Nowak")
    assert [(p.number, p.type) for p in contact.phones] == [("+48601234567", "work")]


def test_duplicates_merged_into_the_existing_contact(tmp_path, capsys):
    from tui_crm.domain.contact import Contact, Phone

    db = tmp_path / "db.json"
    create_database(db, {})
    existing = ContactRepository(Database(db)).save(Contact(first_name="Anna", last_name="Nowak",
                                                            phones=[Phone("601234567")]), author="piotr")
    file = tmp_path / "in.csv"
    file.write_text("first_name,last_name,phones,emails\nAnna,Nowak,mobile: 601 234 567,anna@nowak.pl\n",
                    encoding="utf-8")
    assert main(["import", "--db", str(db), str(file), "--duplicates", "merge", "--dry-run"]) == 0
    assert "Would import 0, merge 1 into existing contacts, skip 0, 0 failed" in capsys.readouterr().out
    assert main(["import", "--db", str(db), str(file), "--duplicates", "merge", "--user", "ola"]) == 0
    printed = capsys.readouterr().out
    assert "line 2: merged Anna Nowak into #" in printed
    assert "Imported 0, merged 1 into existing contacts, skipped 0, 0 failed." in printed
    anna = ContactRepository(Database(db)).get(existing.id)
    assert ([e.address for e in anna.emails], anna.version, anna.updated_by) == (["anna@nowak.pl"], 2, "ola")


def test_progress_is_shown_on_a_terminal_only_and_erased_before_the_report(tmp_path, capsys, monkeypatch):
    import io
    import sys

    from tui_crm.cli import TerminalProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    with TerminalProgress("Importing", terminal) as progress:
        for done in range(1001):
            progress(done, 1000)
    shown = terminal.getvalue()
    assert shown.count("\r") == 21 + 2  # 0, 5 … 100 %, then the erasing (\r blanks \r)
    assert "Importing… 45 % (450 / 1,000)" in shown
    assert shown.endswith("\r" + " " * len("Importing… 100 % (1,000 / 1,000)") + "\r")
    # a long import on a terminal: the progress goes to stderr, the report to stdout untouched
    source = tmp_path / "src.json"
    create_database(source, {"contacts": generate_contacts(300, seed=5)})
    out = tmp_path / "all.vcf"
    assert main(["export", "--db", str(source), "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""  # no terminal under pytest: nothing
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["import", "--db", str(source), str(out), "--dry-run"]) == 0
    assert "Checking… 50 %" in terminal.getvalue() and terminal.getvalue().endswith("\r")
    printed = capsys.readouterr().out
    assert "Checking" not in printed and "Would import 0, skip 300, 0 failed" in printed
