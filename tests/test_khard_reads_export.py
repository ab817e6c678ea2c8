"""khard, a real vCard address book program, lists our exported contacts with phones and e-mails."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui_crm.demo import generate_contacts
from tui_crm.store import ContactQuery, ContactRepository, Database, create_database
from tui_crm.store.exchange import export_contacts

KHARD = Path(sys.executable).with_name("khard")


def khard(config: Path, *args: str) -> str:
    done = subprocess.run([str(KHARD), "-c", str(config), *args], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_khard_lists_and_shows_the_exported_contacts(tmp_path, version):
    if not KHARD.exists() and not shutil.which("khard"):
        pytest.skip("khard is not installed")
    db = tmp_path / "db.json"
    create_database(db, {"contacts": generate_contacts(12, seed=11)})
    repo = ContactRepository(Database(db))
    out = tmp_path / "export.vcf"
    export_contacts(repo, repo.find(ContactQuery()), out, "vcf", vcard_version=version)
    # khard reads one contact per file from a folder: split the export at END:VCARD
    book = tmp_path / "book"
    book.mkdir()
    cards = re.findall(r"BEGIN:VCARD\r\n.*?END:VCARD\r\n", out.read_bytes().decode(), re.DOTALL)
    assert len(cards) == 12
    for n, card in enumerate(cards):
        (book / f"{n}.vcf").write_text(card, encoding="utf-8", newline="")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[crm]]\npath = {book}\n\n[general]\ndebug = no\n", encoding="utf-8")
    listing = khard(config, "list", "--parsable")
    assert len(listing.strip().splitlines()) == 12
    person = next(repo.get(i) for i in repo.find(ContactQuery())
                  if repo.get(i).is_person and repo.get(i).emails and len(repo.get(i).phones) > 1)
    shown = khard(config, "show", "--format", "yaml", f"uid:tui-crm-{person.id}")
    for phone in person.phones:
        assert phone.number in shown
    assert person.emails[0].address in shown
    assert person.first_name in shown and person.last_name in shown
