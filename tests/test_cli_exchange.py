"""``tui-crm export`` and ``tui-crm import`` from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert capsys.readouterr().err == "Say --format vcf or --format csv.\n"
    # a wrong command line is refused first, as argparse refuses its own mistakes (status 2)
    assert main(["import", "--db", str(db), str(tmp_path / "nope.csv"), "--map", "nonsense"]) == 2
    assert capsys.readouterr().err == "--map needs COLUMN=FIELD, got nonsense.\n"
    assert main(["export", "--db", str(db), "-o", str(tmp_path), "--format", "csv"]) == 1
    assert capsys.readouterr().err == f"{tmp_path} is a folder: give the name of the file to write.\n"
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "no" / "x.csv")]) == 1
    assert capsys.readouterr().err == f"No folder {tmp_path / 'no'}.\n"


def test_a_file_problem_is_told_in_the_interface_language(tmp_path, capsys):
    from tui_crm import i18n

    db = tmp_path / "db.json"
    create_database(db, {})
    (tmp_path / "folder.vcf").mkdir()
    try:
        assert main(["--lang", "pl", "import", "--db", str(db), str(tmp_path / "folder.vcf")]) == 1
    finally:
        i18n.setup("en")
    err = capsys.readouterr().err
    assert "to jest folder" in err and "Is a directory" not in err


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


# -- exit status, refusals, the report into a pipe ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _nips(tmp_path: Path, wrong: int, right: int = 0, name: str = "in.csv") -> Path:
    """A CSV of ``wrong`` organizations with a NIP that does not validate, then ``right`` good persons."""
    file = tmp_path / name
    rows = [f"organization,,,Wrong {n},123," for n in range(wrong)]
    rows += [f"person,Anna,Right {n},,,60123456{n}" for n in range(right)]
    file.write_text("kind,first_name,last_name,name,nip,phones\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return file


def test_exit_status_3_when_some_records_failed_and_the_rest_imported(tmp_path, capsys):
    db = tmp_path / "db.json"
    create_database(db, {})
    file = _nips(tmp_path, wrong=1, right=2)
    assert main(["import", "--db", str(db), str(file), "--dry-run"]) == 3
    assert "Would import 2, skip 0, 1 failed" in capsys.readouterr().out
    assert main(["import", "--db", str(db), str(file)]) == 3
    out = capsys.readouterr().out
    assert out.startswith("line 2: failed Wrong 0: ") and "10 digits" in out
    assert out.endswith("\nImported 2, skipped 0, 1 failed.\n")
    assert ContactRepository(Database(db)).count() == 2
    # the two again: skipped as likely duplicates, which is no failure; the wrong one alone still is
    assert main(["import", "--db", str(db), str(_nips(tmp_path, wrong=0, right=2, name="right.csv"))]) == 0
    assert "Imported 0, skipped 2, 0 failed." in capsys.readouterr().out
    assert main(["import", "--db", str(db), str(_nips(tmp_path, wrong=1, name="wrong.csv"))]) == 3
    assert ContactRepository(Database(db)).count() == 2


def test_export_does_not_overwrite_a_file_without_force(tmp_path, capsys):
    db = tmp_path / "db.json"
    create_database(db, {"contacts": generate_contacts(3, seed=1)})
    out = tmp_path / "out.vcf"
    out.write_text("keep me", encoding="utf-8")
    assert main(["export", "--db", str(db), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"{out} exists already: add --force to overwrite it.\n" and captured.out == ""
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["export", "--db", str(db), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").count("BEGIN:VCARD") == 3
    # not even --force writes over the database itself
    assert main(["export", "--db", str(db), "-o", str(db), "--format", "csv", "--force"]) == 1
    assert "is the database" in capsys.readouterr().err
    assert ContactRepository(Database(db)).count() == 3


def test_export_of_nothing_writes_nothing_and_says_why(tmp_path, capsys):
    db = tmp_path / "db.json"
    docs = generate_contacts(30, seed=5)
    create_database(db, {"contacts": docs})
    out = tmp_path / "x.csv"
    assert main(["export", "--db", str(db), "--tag", "nonexistenttag", "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "No contact has the tag nonexistenttag: nothing was written.\n" and captured.out == ""
    assert not out.exists()
    assert main(["export", "--db", str(db), "--basket", "--user", "ewa", "-o", str(out)]) == 1
    assert capsys.readouterr().err == "The basket of ewa is empty: nothing was written.\n"
    untagged = next(i for i, d in enumerate(docs, 1) if "IT" not in d.get("tags", []))
    BasketRepository(Database(db)).add("ewa", [untagged])
    assert main(["export", "--db", str(db), "--basket", "--user", "ewa", "--tag", "IT", "-o", str(out)]) == 1
    assert capsys.readouterr().err == "No contact in the basket of ewa has the tag IT: nothing was written.\n"
    empty = tmp_path / "empty.json"
    create_database(empty, {})
    assert main(["export", "--db", str(empty), "-o", str(out)]) == 1
    assert "no contacts" in capsys.readouterr().err
    assert not out.exists()


def test_the_export_message_says_contact_or_contacts(tmp_path, capsys):
    db = tmp_path / "db.json"
    create_database(db, {"contacts": generate_contacts(2, seed=1)})
    BasketRepository(Database(db)).add("ewa", [1])
    assert main(["export", "--db", str(db), "--basket", "--user", "ewa", "-o", str(tmp_path / "one.vcf")]) == 0
    assert capsys.readouterr().out == f"Exported 1 contact to {tmp_path / 'one.vcf'}.\n"
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "two.vcf")]) == 0
    assert capsys.readouterr().out == f"Exported 2 contacts to {tmp_path / 'two.vcf'}.\n"


def test_map_refuses_a_field_or_a_column_that_does_not_exist(tmp_path, capsys):
    db = tmp_path / "db.json"
    create_database(db, {})
    file = tmp_path / "people.csv"
    file.write_text("Imię i nazwisko,Tel,Ulica\nAnna Nowak,601 234 567,Polna 3\n", encoding="utf-8")

    def run(*maps: str) -> int:
        return main(["import", "--db", str(db), str(file), *(a for m in maps for a in ("--map", m))])

    assert run("Imię i nazwisko=firstname") == 2
    err = capsys.readouterr().err
    assert err.startswith("--map Imię i nazwisko=firstname: there is no field firstname. Fields: kind, first_name,")
    assert "street_2" in err and "street_3" in err and len(err.splitlines()) == 1
    assert run("Nieistnieje=first_name") == 2
    assert capsys.readouterr().err == (f'--map Nieistnieje=first_name: {file} has no column "Nieistnieje". '
                                       'Its columns: "Imię i nazwisko", "Tel", "Ulica".\n')
    vcf = tmp_path / "anna.vcf"
    vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Nowak\r\nN:Nowak;Anna;;;\r\nEND:VCARD\r\n", encoding="utf-8")
    assert main(["import", "--db", str(db), str(vcf), "--map", "FN=full_name"]) == 2
    assert "--map is for CSV files" in capsys.readouterr().err
    assert ContactRepository(Database(db)).count() == 0
    # a column by its name but for case and spaces; a numbered address part; a column ignored
    assert run(" imię I NAZWISKO =full_name", "Ulica=street_3", "Tel=") == 0
    repo = ContactRepository(Database(db))
    (anna,) = [repo.get(i) for i in repo.find(ContactQuery())]
    assert (anna.first_name, anna.phones, [a.street for a in anna.addresses]) == ("Anna", [], ["Polna 3"])


def test_help_names_every_value_and_lists_the_exit_status(capsys):
    for argv in (["--help"], ["demo", "--help"], ["export", "--help"], ["import", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0
        shown = capsys.readouterr().out
        assert "--db PATH" in shown
        assert not any(placeholder in shown for placeholder in ("COMMAND_DB", "DEMO_DB", "COMMAND_USER", "OUTPUT",
                                                                "CONTACTS", "SEED", " MAP"))
        if argv[0] == "export":
            assert "-o FILE, --output FILE" in shown and "--tag TAG" in shown and "--user USER" in shown
            assert "exit status:\n  0  the file was written\n  1  nothing was written" in shown
        if argv[0] == "import":
            assert "--map COLUMN=FIELD" in shown and "\n  3  some records could not be read" in shown


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui_crm", "--lang", "en", *args]


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


def test_a_report_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    """``tui-crm import … | head -c 1``: the report (more than a pipe holds) meets a closed pipe."""
    db = tmp_path / "db.json"
    create_database(db, {})
    file = _nips(tmp_path, wrong=2000)  # ~100 kB of "line N: failed …"
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        cli = subprocess.Popen(_cli("import", "--db", str(db), str(file), "--dry-run"), stdout=subprocess.PIPE,
                               stderr=stderr, cwd=ROOT, env=_environment())
        assert cli.stdout is not None
        assert cli.stdout.read(1) == b"l"
        cli.stdout.close()
        status = cli.wait(timeout=60)
    assert errors.read_text(encoding="utf-8") == ""
    assert status == 3  # what the import found, though its report was cut short


def test_other_commands_into_a_closed_pipe_end_quietly(tmp_path):
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        cli = subprocess.Popen(_cli("demo", "--db", str(tmp_path / "demo.json"), "--contacts", "0"),
                               stdout=subprocess.PIPE, stderr=stderr, cwd=ROOT, env=_environment())
        assert cli.stdout is not None
        cli.stdout.close()  # long before the interpreter has started and printed "Created …"
        status = cli.wait(timeout=60)
    assert (errors.read_text(encoding="utf-8"), status) == ("", 1)


def test_export_to_standard_output_with_a_dash(tmp_path):
    db = tmp_path / "crm.json"
    create_database(db, {"contacts": generate_contacts(5, seed=3)})
    result = subprocess.run([sys.executable, "-m", "tui_crm", "export", "--db", str(db), "--format", "csv", "-o", "-"],
                            capture_output=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines[0].startswith("kind,first_name") and len(lines) == 6
    assert not (tmp_path / "-").exists()
